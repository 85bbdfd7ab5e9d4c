// Batches of transfers: up to BATCH_SIZE_MAX transfers in one call, either atomic (checked in full
// against a private copy of the balances they touch, then applied together, or not at all) or
// independent (each applied or refused on its own, in order). Every transfer takes the same three
// steps as a single one (transfer.ts): resolve, check, and errorFor when it is described.

import { assert } from "./assert.js";
import type { OperationOptions } from "./bank.js";
import { BatchRefusedError, InvalidArgumentError, type BankError } from "./errors.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { AMOUNT_MINOR_MAX, BATCH_SIZE_MAX } from "./limits.js";
import type { AmountInput } from "./money.js";
import { check, errorFor, resolve, Resolved, type TransferCode } from "./transfer.js";
import { toMajor } from "./units.js";

/** One transfer of a batch, by account names. */
export interface TransferInstruction {
  sender: string;
  recipient: string;
  amount: AmountInput;
}

export interface BatchOptions extends OperationOptions {
  /** All or nothing (the default), or each transfer on its own. */
  atomic?: boolean;
}

/** What became of one transfer of a batch. Ids are the transactions' ids, as in histories. */
export type BatchItemResult =
  | { readonly index: number; readonly ok: true; readonly transactionId: number }
  | { readonly index: number; readonly ok: false; readonly error: BankError };

export interface BatchResult {
  applied: number;
  refused: number;
  /** One per transfer, in the batch's order. */
  results: BatchItemResult[];
}

/**
 * A batch whose names and amounts a bulk reader has already resolved: account indexes and minor
 * units, every account known to the bank and every amount valid and positive. Only the first
 * `count` entries of each column belong to the batch.
 */
export interface ResolvedTransfers {
  readonly count: number;
  readonly senders: Int32Array;
  readonly recipients: Int32Array;
  readonly amountsMinor: Float64Array;
}

/**
 * What became of a batch, kept as columns: a code per transfer ("OK" when applied). The applied
 * transfers have consecutive ids in batch order, from `firstTransactionId` to `lastTransactionId`.
 */
export class BatchOutcome {
  readonly codes: TransferCode[];
  /** For each refused transfer, the debit balance it was checked against (for its wording). */
  private readonly debitBalancesMinor: Float64Array;
  applied = 0;
  firstTransactionId: number | null = null;

  constructor(
    private readonly ledger: Ledger,
    readonly count: number,
    readonly senders: Int32Array,
    readonly recipients: Int32Array,
    readonly amountsMinor: Float64Array,
    /** The transfers as given, or null when they came resolved (then every lookup passed). */
    private readonly transfers: readonly TransferInstruction[] | null,
  ) {
    this.codes = new Array<TransferCode>(count);
    this.debitBalancesMinor = new Float64Array(count);
  }

  get refused(): number {
    return this.count - this.applied;
  }

  get lastTransactionId(): number | null {
    return this.firstTransactionId === null ? null : this.firstTransactionId + this.applied - 1;
  }

  /** Records the check of transfer `index`: applied at `position`, or refused at this debit balance. */
  settle(index: number, code: TransferCode, position: number, debitBalanceMinor: number): void {
    this.codes[index] = code;
    if (code !== "OK") {
      this.debitBalancesMinor[index] = debitBalanceMinor;
      return;
    }
    this.firstTransactionId ??= position + 1;
    this.applied++;
  }

  /** The error transfer `index` would have been refused with on its own. */
  errorAt(index: number): BankError {
    const code = this.codes[index] as TransferCode;
    assert(code !== "OK", "only a refused transfer has an error");
    const transfer = this.transfers?.[index] as Partial<TransferInstruction> | null | undefined;
    const given = typeof transfer === "object" && transfer !== null;
    const resolved = this.transfers === null || isCheckCode(code);
    return errorFor(this.ledger, {
      code,
      kind: EntryKind.Transfer,
      debitName: resolved ? this.ledger.nameAt(this.senders[index] as number) : given ? transfer.sender : undefined,
      creditName: resolved ? this.ledger.nameAt(this.recipients[index] as number) : given ? transfer.recipient : undefined,
      amount: resolved ? toMajor(this.amountsMinor[index] as number) : given ? transfer.amount : undefined,
      amountMinor: this.amountsMinor[index] as number,
      debitBalanceMinor: this.debitBalancesMinor[index] as number,
    });
  }

  /** One result per transfer, in order. */
  results(): BatchItemResult[] {
    const results = new Array<BatchItemResult>(this.count);
    let transactionId = this.firstTransactionId ?? 0;
    for (let index = 0; index < this.count; index++) {
      results[index] = this.codes[index] === "OK"
        ? { index, ok: true, transactionId: transactionId++ }
        : { index, ok: false, error: this.errorAt(index) };
    }
    return results;
  }

  /** The first refused transfer's index, or -1. */
  firstRefused(): number {
    return this.codes.findIndex((code) => code !== "OK");
  }
}

/** Whether a code comes from the check step (so the transfer's names and amount were resolved). */
function isCheckCode(code: TransferCode): boolean {
  return code === "SAME_ACCOUNT" || code === "INSUFFICIENT_FUNDS" || code === "BALANCE_LIMIT_EXCEEDED";
}

/** Checks a batch's size. @throws InvalidArgumentError */
export function checkBatchSize(transfers: readonly TransferInstruction[]): void {
  if (!Array.isArray(transfers)) {
    throw new InvalidArgumentError(`A batch must be an array of 1 to ${BATCH_SIZE_MAX} transfers`);
  }
  if (transfers.length === 0 || transfers.length > BATCH_SIZE_MAX) {
    throw new InvalidArgumentError(`A batch must hold 1 to ${BATCH_SIZE_MAX} transfers, not ${transfers.length}`);
  }
}

/** Resolves a batch given by names, then runs it. The batch's size must have been checked. */
export function runBatch(ledger: Ledger, transfers: readonly TransferInstruction[], atomic: boolean): BatchOutcome {
  const count = transfers.length;
  const outcome = new BatchOutcome(
    ledger, count, new Int32Array(count), new Int32Array(count), new Float64Array(count), transfers,
  );
  const resolved = new Resolved();
  for (let index = 0; index < count; index++) {
    const transfer = transfers[index] as TransferInstruction | null;
    const code = typeof transfer !== "object" || transfer === null
      ? "INVALID_ARGUMENT"
      : resolve(ledger, EntryKind.Transfer, transfer.sender, transfer.recipient, transfer.amount, resolved);
    outcome.codes[index] = code;
    if (code !== "OK") continue;
    outcome.senders[index] = resolved.debit;
    outcome.recipients[index] = resolved.credit;
    outcome.amountsMinor[index] = resolved.amountMinor;
  }
  return execute(ledger, outcome, atomic);
}

/**
 * Runs a batch that came resolved, for the bulk readers of other layers. Its columns are read, not
 * copied; an atomic batch that passes allocates nothing per transfer.
 */
export function runResolvedBatch(ledger: Ledger, transfers: ResolvedTransfers, atomic: boolean): BatchOutcome {
  const { count } = transfers;
  assert(
    Number.isSafeInteger(count) && count >= 1 && count <= BATCH_SIZE_MAX,
    "a resolved batch holds 1 to BATCH_SIZE_MAX transfers",
  );
  const outcome = new BatchOutcome(
    ledger, count, transfers.senders.subarray(0, count), transfers.recipients.subarray(0, count),
    transfers.amountsMinor.subarray(0, count), null,
  );
  const accounts = ledger.accountCount;
  for (let index = 0; index < count; index++) {
    const sender = outcome.senders[index] as number;
    const recipient = outcome.recipients[index] as number;
    const amountMinor = outcome.amountsMinor[index] as number;
    assert(
      sender >= 0 && sender < accounts && recipient >= 0 && recipient < accounts &&
        Number.isSafeInteger(amountMinor) && amountMinor > 0 && amountMinor <= AMOUNT_MINOR_MAX,
      "a resolved transfer names known accounts and a valid amount",
    );
    outcome.codes[index] = "OK";
  }
  return execute(ledger, outcome, atomic);
}

function execute(ledger: Ledger, outcome: BatchOutcome, atomic: boolean): BatchOutcome {
  // Nothing of an atomic batch is applied unless every transfer passes against the balances its
  // predecessors leave; the first refusal is the batch's.
  if (!atomic) applyEach(ledger, outcome);
  else if (checkAll(ledger, outcome)) applyAll(ledger, outcome);
  return outcome;
}

/** Checks every transfer in order against the batch's own copy of the balances; true when all pass. */
function checkAll(ledger: Ledger, outcome: BatchOutcome): boolean {
  const overlay = ledger.overlay.begin();
  const { codes, senders, recipients, amountsMinor } = outcome;
  for (let index = 0; index < outcome.count; index++) {
    if (codes[index] !== "OK") return false;
    const sender = senders[index] as number;
    const recipient = recipients[index] as number;
    const amountMinor = amountsMinor[index] as number;
    const senderBalanceMinor = overlay.balanceMinorAt(sender);
    const recipientBalanceMinor = overlay.balanceMinorAt(recipient);
    const code = check(sender, recipient, amountMinor, senderBalanceMinor, recipientBalanceMinor);
    if (code !== "OK") {
      outcome.settle(index, code, 0, senderBalanceMinor);
      return false;
    }
    overlay.set(sender, senderBalanceMinor - amountMinor);
    overlay.set(recipient, recipientBalanceMinor + amountMinor);
  }
  return true;
}

function applyAll(ledger: Ledger, outcome: BatchOutcome): void {
  const timeMs = ledger.now();
  const { senders, recipients, amountsMinor } = outcome;
  for (let index = 0; index < outcome.count; index++) {
    const position = ledger.move(
      EntryKind.Transfer, senders[index] as number, recipients[index] as number, amountsMinor[index] as number, timeMs,
    );
    outcome.settle(index, "OK", position, 0);
  }
}

function applyEach(ledger: Ledger, outcome: BatchOutcome): void {
  const timeMs = ledger.now();
  const { codes, senders, recipients, amountsMinor } = outcome;
  for (let index = 0; index < outcome.count; index++) {
    if (codes[index] !== "OK") continue;
    const sender = senders[index] as number;
    const recipient = recipients[index] as number;
    const amountMinor = amountsMinor[index] as number;
    const senderBalanceMinor = ledger.balanceMinorAt(sender);
    const code = check(sender, recipient, amountMinor, senderBalanceMinor, ledger.balanceMinorAt(recipient));
    const position = code === "OK" ? ledger.move(EntryKind.Transfer, sender, recipient, amountMinor, timeMs) : 0;
    outcome.settle(index, code, position, senderBalanceMinor);
  }
}

/** The batch's refusal, if it is an atomic one that was refused: BatchRefusedError naming the transfer. */
export function atomicRefusal(outcome: BatchOutcome): BatchRefusedError | null {
  const index = outcome.firstRefused();
  return index < 0 ? null : new BatchRefusedError(index, outcome.errorAt(index));
}
