// Batches of transfers: up to BATCH_SIZE_MAX transfers in one call, either atomic (checked in full
// against a private copy of the balances they touch, then applied together, or not at all) or
// independent (each applied or refused on its own, in order).

import { assert, AssertionError } from "./assert.js";
import type { Bank, OperationOptions } from "./bank.js";
import { BankError, BatchRefusedError, InvalidArgumentError } from "./errors.js";
import { BATCH_SIZE_MAX } from "./limits.js";
import { MAX_AMOUNT_MINOR, parseAmount, tryParseAmount, type AmountInput } from "./money.js";
import { beginOverlay } from "./overlay.js";
import { amountCode, missingAccountCode, transferError, transferRefusal, type TransferCode } from "./refusal.js";

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
 * @internal A batch whose names and amounts a bulk reader has already resolved: account indexes and
 * minor units, every account known to the bank and every amount valid and positive. Only the first
 * `count` entries of each column belong to the batch.
 */
export interface ResolvedTransfers {
  readonly count: number;
  readonly senders: Int32Array;
  readonly recipients: Int32Array;
  readonly amountsMinor: Float64Array;
}

/**
 * @internal What became of a resolved batch, in brief: the applied transfers have consecutive ids
 * from `firstTransactionId` to `lastTransactionId`. `results` are given for independent batches only.
 */
export interface BatchSummary {
  readonly applied: number;
  readonly refused: number;
  readonly firstTransactionId: number | null;
  readonly lastTransactionId: number | null;
  readonly results: BatchItemResult[] | null;
}

/** A batch after name and amount lookup: indexes, minor units, and each transfer's code so far. */
interface Resolved {
  readonly bank: Bank;
  /** The transfers as given, or null when they came resolved (then every lookup passed). */
  readonly transfers: readonly TransferInstruction[] | null;
  readonly count: number;
  readonly senders: Int32Array;
  readonly recipients: Int32Array;
  readonly amountsMinor: Float64Array;
  readonly codes: TransferCode[];
  /** The sender's balance each refused transfer was checked against (for the error's wording). */
  readonly senderBalancesMinor: Float64Array;
  /** Journal position of each applied transfer. */
  readonly positions: Float64Array;
}

/** Runs a batch and describes each transfer; an atomic refusal throws BatchRefusedError. */
export function runBatch(bank: Bank, transfers: readonly TransferInstruction[], atomic: boolean): BatchResult {
  checkSize(transfers);
  const batch = execute(bank, resolve(bank, transfers), atomic);
  const results: BatchItemResult[] = new Array(batch.count);
  for (let index = 0; index < batch.count; index++) results[index] = describe(batch, index, atomic);
  const applied = countApplied(batch);
  return { applied, refused: batch.count - applied, results };
}

/**
 * Runs a batch that came resolved, for the bulk readers of other layers. An atomic refusal throws
 * BatchRefusedError; an atomic success allocates nothing per transfer.
 */
export function runResolvedBatch(bank: Bank, transfers: ResolvedTransfers, atomic: boolean): BatchSummary {
  const batch = execute(bank, fromColumns(bank, transfers), atomic);
  let results: BatchItemResult[] | null = null;
  if (atomic) {
    const refused = batch.codes.findIndex((code) => code !== "OK");
    if (refused >= 0) describe(batch, refused, atomic);
  } else {
    results = new Array<BatchItemResult>(batch.count);
    for (let index = 0; index < batch.count; index++) results[index] = describe(batch, index, atomic);
  }
  const applied = countApplied(batch);
  const first = applied === 0 ? null : firstAppliedPosition(batch) + 1;
  return {
    applied,
    refused: batch.count - applied,
    firstTransactionId: first,
    lastTransactionId: first === null ? null : first + applied - 1,
    results,
  };
}

/** One transfer's result; in an atomic batch a refusal throws instead. */
function describe(batch: Resolved, index: number, atomic: boolean): BatchItemResult {
  if (batch.codes[index] === "OK") {
    return { index, ok: true, transactionId: (batch.positions[index] as number) + 1 };
  }
  if (atomic) throw new BatchRefusedError(index, refusalError(batch, index));
  return { index, ok: false, error: refusalError(batch, index) };
}

function countApplied(batch: Resolved): number {
  let applied = 0;
  for (const code of batch.codes) if (code === "OK") applied++;
  return applied;
}

function firstAppliedPosition(batch: Resolved): number {
  return batch.positions[batch.codes.indexOf("OK")] as number;
}

/**
 * Runs a batch and returns a code per transfer, allocating no error. In a refused atomic batch the
 * refused transfer has its own code and every other one BATCH_REFUSED.
 */
export function runBatchCodes(bank: Bank, transfers: readonly TransferInstruction[], atomic: boolean): TransferCode[] {
  checkSize(transfers);
  const { codes } = execute(bank, resolve(bank, transfers), atomic);
  if (!atomic) return codes;
  const refused = codes.findIndex((code) => code !== "OK");
  if (refused < 0) return codes;
  return codes.map((code, index) => (index === refused ? code : "BATCH_REFUSED"));
}

/** The identity of a batch for idempotency: every field of every transfer. */
export function batchFingerprint(transfers: readonly TransferInstruction[]): unknown[] {
  if (!Array.isArray(transfers)) return [transfers];
  return transfers.flatMap((transfer: Partial<TransferInstruction> | null) => [
    transfer?.sender, transfer?.recipient, transfer?.amount,
  ]);
}

function checkSize(transfers: readonly TransferInstruction[]): void {
  if (!Array.isArray(transfers) || transfers.length === 0 || transfers.length > BATCH_SIZE_MAX) {
    throw new InvalidArgumentError(`A batch must hold 1 to ${BATCH_SIZE_MAX} transfers`);
  }
}

function execute(bank: Bank, batch: Resolved, atomic: boolean): Resolved {
  if (atomic) {
    // Nothing is applied unless every transfer passes against the balances its predecessors leave.
    if (checkAll(bank, batch)) applyAll(bank, batch);
  } else {
    applyEach(bank, batch);
  }
  return batch;
}

function newResolved(
  bank: Bank, transfers: readonly TransferInstruction[] | null,
  senders: Int32Array, recipients: Int32Array, amountsMinor: Float64Array,
): Resolved {
  const count = senders.length;
  return {
    bank,
    transfers,
    count,
    senders,
    recipients,
    amountsMinor,
    codes: new Array<TransferCode>(count),
    senderBalancesMinor: new Float64Array(count),
    positions: new Float64Array(count),
  };
}

function resolve(bank: Bank, transfers: readonly TransferInstruction[]): Resolved {
  const count = transfers.length;
  const batch = newResolved(bank, transfers, new Int32Array(count), new Int32Array(count), new Float64Array(count));
  for (let index = 0; index < count; index++) {
    batch.codes[index] = resolveOne(bank, transfers[index], batch, index);
  }
  return batch;
}

function fromColumns(bank: Bank, transfers: ResolvedTransfers): Resolved {
  const { count } = transfers;
  assert(count >= 1 && count <= BATCH_SIZE_MAX, "a resolved batch holds 1 to BATCH_SIZE_MAX transfers");
  // The columns are only read, so they are used as they are.
  const { senders, recipients, amountsMinor } = transfers;
  const batch = newResolved(
    bank, null, senders.subarray(0, count), recipients.subarray(0, count), amountsMinor.subarray(0, count),
  );
  const accounts = bank.accountCount;
  for (let index = 0; index < count; index++) {
    const sender = batch.senders[index] as number;
    const recipient = batch.recipients[index] as number;
    const amountMinor = batch.amountsMinor[index] as number;
    assert(
      sender >= 0 && sender < accounts && recipient >= 0 && recipient < accounts &&
        Number.isSafeInteger(amountMinor) && amountMinor > 0 && amountMinor <= MAX_AMOUNT_MINOR,
      "a resolved transfer names known accounts and a valid amount",
    );
    batch.codes[index] = "OK";
  }
  return batch;
}

function resolveOne(bank: Bank, transfer: TransferInstruction | undefined, batch: Resolved, index: number): TransferCode {
  if (typeof transfer !== "object" || transfer === null) return "INVALID_ARGUMENT";
  const sender = bank.findIndex(transfer.sender);
  if (sender === undefined) return missingAccountCode(transfer.sender);
  const recipient = bank.findIndex(transfer.recipient);
  if (recipient === undefined) return missingAccountCode(transfer.recipient);
  const amountMinor = tryParseAmount(transfer.amount);
  if (amountMinor <= 0) return amountCode(amountMinor);
  batch.senders[index] = sender;
  batch.recipients[index] = recipient;
  batch.amountsMinor[index] = amountMinor;
  return "OK";
}

/** Checks every transfer in order against the batch's own copy of the balances; true when all pass. */
function checkAll(bank: Bank, batch: Resolved): boolean {
  const overlay = beginOverlay(bank);
  for (let index = 0; index < batch.count; index++) {
    if (batch.codes[index] !== "OK") return false;
    const sender = batch.senders[index] as number;
    const recipient = batch.recipients[index] as number;
    const amountMinor = batch.amountsMinor[index] as number;
    const senderBalanceMinor = overlay.balanceMinorAt(sender);
    const recipientBalanceMinor = overlay.balanceMinorAt(recipient);
    const code = transferRefusal(sender, recipient, amountMinor, senderBalanceMinor, recipientBalanceMinor);
    if (code !== "OK") {
      batch.codes[index] = code;
      batch.senderBalancesMinor[index] = senderBalanceMinor;
      return false;
    }
    overlay.set(sender, senderBalanceMinor - amountMinor);
    overlay.set(recipient, recipientBalanceMinor + amountMinor);
  }
  return true;
}

function applyAll(bank: Bank, batch: Resolved): void {
  const timeMs = bank.now();
  for (let index = 0; index < batch.count; index++) {
    bank.applyTransfer(batch.senders[index] as number, batch.recipients[index] as number, batch.amountsMinor[index] as number, timeMs);
    batch.positions[index] = bank.transactionCount - 1;
  }
}

function applyEach(bank: Bank, batch: Resolved): void {
  const timeMs = bank.now();
  for (let index = 0; index < batch.count; index++) {
    if (batch.codes[index] !== "OK") continue;
    const sender = batch.senders[index] as number;
    const recipient = batch.recipients[index] as number;
    const amountMinor = batch.amountsMinor[index] as number;
    const senderBalanceMinor = bank.balanceMinorAt(sender);
    const code = transferRefusal(sender, recipient, amountMinor, senderBalanceMinor, bank.balanceMinorAt(recipient));
    batch.codes[index] = code;
    if (code === "OK") {
      bank.applyTransfer(sender, recipient, amountMinor, timeMs);
      batch.positions[index] = bank.transactionCount - 1;
    } else {
      batch.senderBalancesMinor[index] = senderBalanceMinor;
    }
  }
}

/** The error a refused transfer of the batch would have thrown on its own. */
function refusalError(batch: Resolved, index: number): BankError {
  const code = batch.codes[index] as TransferCode;
  if (code === "SAME_ACCOUNT" || code === "INSUFFICIENT_FUNDS" || code === "BALANCE_LIMIT_EXCEEDED") {
    const sender = batch.bank.nameAt(batch.senders[index] as number);
    const recipient = batch.bank.nameAt(batch.recipients[index] as number);
    return transferError(code, sender, recipient, batch.amountsMinor[index] as number, batch.senderBalancesMinor[index] as number);
  }
  // Only a batch given by names can be refused at lookup.
  return lookupError(batch.bank, (batch.transfers as readonly TransferInstruction[])[index] as TransferInstruction);
}

/** Re-runs the throwing lookups of a transfer refused before any balance was read, for their wording. */
function lookupError(bank: Bank, transfer: TransferInstruction | null): BankError {
  if (typeof transfer !== "object" || transfer === null) {
    return new InvalidArgumentError("Each transfer must be an object with sender, recipient and amount");
  }
  try {
    bank.indexOf(transfer.sender);
    bank.indexOf(transfer.recipient);
    parseAmount(transfer.amount);
  } catch (error) {
    if (error instanceof BankError) return error;
    throw error;
  }
  /* v8 ignore next -- the lookups above refused once and refuse again. */
  throw new AssertionError("Invariant broken: a transfer refused at lookup is refused again");
}
