// Batches: up to BATCH_SIZE_MAX items in one call (transfers, and the steps of holds: create, post,
// void), either atomic (checked in full against a private overlay of the state they touch, then
// applied together, or not at all) or independent (each applied or refused on its own, in order).
// Every item takes the same steps as a single call of its kind (transfer.ts, hold-steps.ts):
// resolve, check, and its refusal's wording when it is described.

import { assert } from "./assert.js";
import type { OperationOptions } from "./bank.js";
import { BatchRefusedError, InvalidArgumentError, type BankError } from "./errors.js";
import {
  checkHold,
  checkPost,
  checkVoid,
  HoldFinding,
  holdError,
  holdStepError,
  resolveHold,
  timeoutError,
  type HoldRequest,
  type StepState,
} from "./hold-steps.js";
import { HoldStatus } from "./holds.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { AMOUNT_MINOR_MAX, BATCH_SIZE_MAX, HOLD_TIMEOUT_SECONDS_DEFAULT } from "./limits.js";
import type { AmountInput } from "./money.js";
import type { Overlay } from "./overlay.js";
import { isReference, validateReference } from "./references.js";
import { check, errorFor, resolve, Resolved, type TransferCode } from "./transfer.js";
import { toMajor } from "./units.js";

/** A transfer of a batch, by account names: the default kind of item. */
export interface TransferInstruction {
  type?: "transfer";
  sender: string;
  recipient: string;
  amount: AmountInput;
  /** The caller's reference for the transaction: 1 to 64 visible ASCII characters. */
  reference?: string;
}

/** A new hold, as `bank.hold` makes one. */
export interface HoldInstruction {
  type: "hold";
  sender: string;
  recipient: string;
  amount: AmountInput;
  /** Seconds until it expires (default 7 days, at most 30). */
  timeoutSeconds?: number;
  reference?: string;
}

/** A post of a pending hold, as `bank.postHold` does: `amount` (default: all of it) moves, the rest is released. */
export interface PostHoldInstruction {
  type: "post";
  holdId: number;
  amount?: AmountInput;
}

/** A void of a pending hold, as `bank.voidHold` does. */
export interface VoidHoldInstruction {
  type: "void";
  holdId: number;
}

/** One item of a batch: a transfer (the default), or a hold's step. */
export type BatchInstruction = TransferInstruction | HoldInstruction | PostHoldInstruction | VoidHoldInstruction;

export interface BatchOptions extends OperationOptions {
  /** All or nothing (the default), or each item on its own. */
  atomic?: boolean;
}

/**
 * What became of one item of a batch. Ids are the transactions' ids, as in histories; the steps of a
 * hold also carry the hold's id (for a new hold, the id it was given).
 */
export type BatchItemResult =
  | { readonly index: number; readonly ok: true; readonly transactionId: number; readonly holdId?: number }
  | { readonly index: number; readonly ok: false; readonly error: BankError };

export interface BatchResult {
  applied: number;
  refused: number;
  /** One per item, in the batch's order. */
  results: BatchItemResult[];
}

/**
 * A batch whose names and amounts a bulk reader has already resolved: account indexes and minor
 * units, every account known to the bank and every amount valid and positive. Only the first
 * `count` entries of each column belong to the batch. Its items are all transfers.
 */
export interface ResolvedTransfers {
  readonly count: number;
  readonly senders: Int32Array;
  readonly recipients: Int32Array;
  readonly amountsMinor: Float64Array;
}

/** The kinds of item, as the outcome's column keeps them. */
const TRANSFER = 0;
const HOLD = 1;
const POST = 2;
const VOID = 3;
/** Not an item at all: not an object, or of no known type. */
const INVALID = -1;

/**
 * What became of a batch, kept as columns: a code per item ("OK" when applied). The applied items
 * have consecutive transaction ids in batch order, from `firstTransactionId` to
 * `lastTransactionId`, and the holds the batch made consecutive hold ids, from `firstHoldId`.
 */
export class BatchOutcome {
  readonly codes: TransferCode[];
  /** For each refused item, the debit balance and holds it was checked against (for its wording). */
  private readonly debitBalancesMinor: Float64Array;
  private readonly debitHeldsMinor: Float64Array;
  /** Each item's kind; null while every item is a transfer. */
  private kinds: Uint8Array | null = null;
  /** For a hold's step, the hold (0 for none); for a refused post or void, the status it was found in. */
  private holdIds: Float64Array | null = null;
  private statuses: Uint8Array | null = null;
  applied = 0;
  firstTransactionId: number | null = null;
  /** How many items are new holds, and how many of them were made. */
  holdItems = 0;
  holdsMade = 0;
  firstHoldId: number | null = null;

  constructor(
    private readonly ledger: Ledger,
    readonly count: number,
    readonly senders: Int32Array,
    readonly recipients: Int32Array,
    readonly amountsMinor: Float64Array,
    /** The items as given, or null when they came resolved (then every lookup passed). */
    private readonly items: readonly BatchInstruction[] | null,
  ) {
    this.codes = new Array<TransferCode>(count);
    this.debitBalancesMinor = new Float64Array(count);
    this.debitHeldsMinor = new Float64Array(count);
  }

  get refused(): number {
    return this.count - this.applied;
  }

  get lastTransactionId(): number | null {
    return this.firstTransactionId === null ? null : this.firstTransactionId + this.applied - 1;
  }

  get lastHoldId(): number | null {
    return this.firstHoldId === null ? null : this.firstHoldId + this.holdsMade - 1;
  }

  /** The kind of item `index` (TRANSFER for an item that is not one at all: its code says so). */
  kindAt(index: number): number {
    return this.kinds === null ? TRANSFER : (this.kinds[index] as number);
  }

  /** Notes the kind of item `index`; the columns a hold's step needs are made for the first one. */
  setKind(index: number, kind: number): void {
    if (kind === TRANSFER) return;
    if (this.kinds === null) {
      this.kinds = new Uint8Array(this.count);
      this.holdIds = new Float64Array(this.count);
      this.statuses = new Uint8Array(this.count);
    }
    this.kinds[index] = kind;
    if (kind === HOLD) this.holdItems++;
  }

  /** For a hold's step: the hold's id (for a new hold, once made; null before), else undefined. */
  holdIdAt(index: number): number | null | undefined {
    if (this.kindAt(index) === TRANSFER) return undefined;
    const id = (this.holdIds as Float64Array)[index] as number;
    return id === 0 ? null : id;
  }

  setHoldId(index: number, id: number): void {
    (this.holdIds as Float64Array)[index] = id;
  }

  /** The item as given (an object: the resolve step refused anything else). */
  itemAt(index: number): BatchInstruction {
    return (this.items as readonly BatchInstruction[])[index] as BatchInstruction;
  }

  /** The reference number item `index` is to carry (made now, so call it only to apply the item), or 0. */
  referenceAt(index: number): number {
    const reference = (this.items?.[index] as TransferInstruction | undefined)?.reference;
    return reference === undefined ? 0 : this.ledger.references.numberOf(reference);
  }

  /** Records a refusal of the check step, with the debit side's balance and holds it was checked against. */
  refuse(index: number, code: TransferCode, debitBalanceMinor: number, debitHeldMinor: number): void {
    this.codes[index] = code;
    this.debitBalancesMinor[index] = debitBalanceMinor;
    this.debitHeldsMinor[index] = debitHeldMinor;
  }

  /** Records what the check of a post or void of item `index` found: what its apply and its wording need. */
  noteFinding(index: number, finding: HoldFinding): void {
    this.amountsMinor[index] = finding.postedMinor;
    this.recipients[index] = finding.recipient;
    this.debitHeldsMinor[index] = finding.heldMinor;
    (this.statuses as Uint8Array)[index] = finding.status;
  }

  /** Records that item `index` was applied at journal `position`. */
  settle(index: number, position: number): void {
    this.codes[index] = "OK";
    this.firstTransactionId ??= position + 1;
    this.applied++;
    if (this.kindAt(index) !== HOLD) return;
    this.firstHoldId ??= (this.holdIds as Float64Array)[index] as number;
    this.holdsMade++;
  }

  /** The error item `index` would have been refused with on its own. */
  errorAt(index: number): BankError {
    const code = this.codes[index] as TransferCode;
    assert(code !== "OK", "only a refused item has an error");
    if (code === "INVALID_ARGUMENT") return invalidItemError(this.items?.[index]);
    const kind = this.kindAt(index);
    if (kind === HOLD) {
      return holdError(this.ledger, code, this.itemAt(index) as HoldRequest, this.amountsMinor[index] as number,
        this.debitBalancesMinor[index] as number, this.debitHeldsMinor[index] as number);
    }
    if (kind !== TRANSFER) {
      const finding = new HoldFinding();
      finding.postedMinor = this.amountsMinor[index] as number;
      finding.recipient = this.recipients[index] as number;
      finding.heldMinor = this.debitHeldsMinor[index] as number;
      finding.status = (this.statuses as Uint8Array)[index] as HoldStatus;
      const item = this.itemAt(index) as PostHoldInstruction;
      return holdStepError(this.ledger, code, item.holdId, item.amount, finding);
    }
    const transfer = this.items?.[index] as TransferInstruction | undefined;
    const resolved = transfer === undefined || isCheckCode(code);
    return errorFor(this.ledger, {
      code,
      kind: EntryKind.Transfer,
      debitName: resolved ? this.ledger.nameAt(this.senders[index] as number) : transfer.sender,
      creditName: resolved ? this.ledger.nameAt(this.recipients[index] as number) : transfer.recipient,
      amount: resolved ? toMajor(this.amountsMinor[index] as number) : transfer.amount,
      amountMinor: this.amountsMinor[index] as number,
      debitBalanceMinor: this.debitBalancesMinor[index] as number,
      debitHeldMinor: this.debitHeldsMinor[index] as number,
    });
  }

  /** One result per item, in order. */
  results(): BatchItemResult[] {
    const results = new Array<BatchItemResult>(this.count);
    let transactionId = this.firstTransactionId ?? 0;
    for (let index = 0; index < this.count; index++) {
      if (this.codes[index] !== "OK") {
        results[index] = { index, ok: false, error: this.errorAt(index) };
        continue;
      }
      const holdId = this.holdIdAt(index);
      results[index] = holdId === undefined || holdId === null
        ? { index, ok: true, transactionId: transactionId++ }
        : { index, ok: true, transactionId: transactionId++, holdId };
    }
    return results;
  }

  /** The first refused item's index, or -1. */
  firstRefused(): number {
    return this.codes.findIndex((code) => code !== "OK");
  }
}

/** Whether a code comes from the check step (so the transfer's names and amount were resolved). */
function isCheckCode(code: TransferCode): boolean {
  return code === "SAME_ACCOUNT" || code === "INSUFFICIENT_FUNDS" || code === "BALANCE_LIMIT_EXCEEDED";
}

/** The kind of an item as given, or INVALID. */
function kindOf(item: unknown): number {
  if (typeof item !== "object" || item === null) return INVALID;
  switch ((item as { type?: unknown }).type) {
    case undefined:
    case "transfer":
      return TRANSFER;
    case "hold":
      return HOLD;
    case "post":
      return POST;
    case "void":
      return VOID;
    default:
      return INVALID;
  }
}

/** Why an item was refused as INVALID_ARGUMENT: not an item, of no known type, a bad reference, or a bad timeout. */
function invalidItemError(item: unknown): InvalidArgumentError {
  if (typeof item !== "object" || item === null) {
    return new InvalidArgumentError("Each transfer must be an object with sender, recipient and amount");
  }
  if (kindOf(item) === INVALID) {
    return new InvalidArgumentError("A batch item's type must be one of transfer, hold, post, void");
  }
  const { reference } = item as TransferInstruction;
  if (reference !== undefined && !isReference(reference)) {
    try {
      validateReference(reference);
    } catch (error) {
      return error as InvalidArgumentError;
    }
  }
  return timeoutError();
}

/** Checks a batch's size. @throws InvalidArgumentError */
export function checkBatchSize(items: readonly unknown[]): void {
  if (!Array.isArray(items)) {
    throw new InvalidArgumentError(`A batch must be an array of 1 to ${BATCH_SIZE_MAX} transfers`);
  }
  if (items.length === 0 || items.length > BATCH_SIZE_MAX) {
    throw new InvalidArgumentError(`A batch must hold 1 to ${BATCH_SIZE_MAX} transfers, not ${items.length}`);
  }
}

/** Resolves a batch given by names, then runs it. The batch's size must have been checked. */
export function runBatch(ledger: Ledger, items: readonly BatchInstruction[], atomic: boolean): BatchOutcome {
  const timeMs = ledger.now();
  ledger.expireDue(timeMs);
  const count = items.length;
  const outcome = new BatchOutcome(
    ledger, count, new Int32Array(count), new Int32Array(count), new Float64Array(count), items,
  );
  const resolved = new Resolved();
  for (let index = 0; index < count; index++) {
    const item = items[index] as BatchInstruction;
    const kind = kindOf(item);
    const code = kind === INVALID ? "INVALID_ARGUMENT" : resolveItem(ledger, item, kind, resolved);
    outcome.codes[index] = code;
    if (kind === INVALID) continue;
    outcome.setKind(index, kind);
    if (code !== "OK" || kind === POST || kind === VOID) continue;
    outcome.senders[index] = resolved.debit;
    outcome.recipients[index] = resolved.credit;
    outcome.amountsMinor[index] = resolved.amountMinor;
  }
  return execute(ledger, outcome, atomic, timeMs);
}

/**
 * The resolve step of one item: a transfer's or a new hold's names, amount (and timeout), after its
 * reference, which is checked first, as the single calls check it. A hold's post or void has none:
 * its check reads the hold, which an earlier item of the batch may change.
 */
function resolveItem(ledger: Ledger, item: BatchInstruction, kind: number, resolved: Resolved): TransferCode {
  if (kind === POST || kind === VOID) return "OK";
  const { reference } = item as TransferInstruction | HoldInstruction;
  if (reference !== undefined && !isReference(reference)) return "INVALID_ARGUMENT";
  if (kind === HOLD) return resolveHold(ledger, item as HoldInstruction, resolved);
  const { sender, recipient, amount } = item as TransferInstruction;
  return resolve(ledger, EntryKind.Transfer, sender, recipient, amount, resolved);
}

/**
 * Runs a batch that came resolved, for the bulk readers of other layers. Its columns are read, not
 * copied; an atomic batch that passes allocates nothing per transfer.
 */
export function runResolvedBatch(ledger: Ledger, transfers: ResolvedTransfers, atomic: boolean): BatchOutcome {
  const timeMs = ledger.now();
  ledger.expireDue(timeMs);
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
  return execute(ledger, outcome, atomic, timeMs);
}

function execute(ledger: Ledger, outcome: BatchOutcome, atomic: boolean, timeMs: number): BatchOutcome {
  // Nothing of an atomic batch is applied unless every item passes against the state its
  // predecessors leave; the first refusal is the batch's.
  if (!atomic) applyEach(ledger, outcome, timeMs);
  else if (checkAll(ledger, outcome)) applyAll(ledger, outcome, timeMs);
  return outcome;
}

/**
 * The check step of item `index` against `state` (the ledger, or the batch's overlay of it), with
 * what a refusal's wording needs recorded; `finding` is scratch.
 */
function checkItem(state: StepState, outcome: BatchOutcome, index: number, kind: number, finding: HoldFinding): TransferCode {
  if (kind === TRANSFER || kind === HOLD) {
    const sender = outcome.senders[index] as number;
    const recipient = outcome.recipients[index] as number;
    const amountMinor = outcome.amountsMinor[index] as number;
    const code = kind === HOLD
      ? checkHold(state, sender, recipient, amountMinor)
      : check(sender, recipient, amountMinor, state.balanceMinorAt(sender) - state.heldMinorAt(sender), state.balanceMinorAt(recipient));
    if (code !== "OK") outcome.refuse(index, code, state.balanceMinorAt(sender), state.heldMinorAt(sender));
    return code;
  }
  const item = outcome.itemAt(index) as PostHoldInstruction;
  const code = kind === POST ? checkPost(state, item.holdId, item.amount, finding) : checkVoid(state, item.holdId, finding);
  outcome.noteFinding(index, finding);
  if (typeof item.holdId === "number") outcome.setHoldId(index, item.holdId);
  if (code !== "OK") outcome.codes[index] = code;
  return code;
}

/** Checks every item in order against the batch's overlay of the state; true when all pass. */
function checkAll(ledger: Ledger, outcome: BatchOutcome): boolean {
  const overlay = ledger.overlay.begin();
  const { codes, senders, recipients, amountsMinor } = outcome;
  const finding = new HoldFinding();
  for (let index = 0; index < outcome.count; index++) {
    if (codes[index] !== "OK") return false;
    const kind = outcome.kindAt(index);
    if (kind === TRANSFER) {
      // The hot path of bulk transfers, written out: the same check as checkItem's.
      const sender = senders[index] as number;
      const recipient = recipients[index] as number;
      const amountMinor = amountsMinor[index] as number;
      const senderBalanceMinor = overlay.balanceMinorAt(sender);
      const recipientBalanceMinor = overlay.balanceMinorAt(recipient);
      const senderHeldMinor = overlay.heldMinorAt(sender);
      const code = check(sender, recipient, amountMinor, senderBalanceMinor - senderHeldMinor, recipientBalanceMinor);
      if (code !== "OK") {
        outcome.refuse(index, code, senderBalanceMinor, senderHeldMinor);
        return false;
      }
      overlay.set(sender, senderBalanceMinor - amountMinor);
      overlay.set(recipient, recipientBalanceMinor + amountMinor);
      continue;
    }
    if (checkItem(overlay, outcome, index, kind, finding) !== "OK") return false;
    applyToOverlay(overlay, outcome, index, kind);
  }
  return true;
}

/** Applies a checked hold's step of an atomic batch to its overlay, as the ledger will apply it. */
function applyToOverlay(overlay: Overlay, outcome: BatchOutcome, index: number, kind: number): void {
  if (kind === HOLD) {
    const id = overlay.hold(outcome.senders[index] as number, outcome.recipients[index] as number, outcome.amountsMinor[index] as number);
    outcome.setHoldId(index, id);
    return;
  }
  const hold = outcome.holdIdAt(index) as number;
  if (kind === POST) overlay.endHold(hold, HoldStatus.Posted, outcome.amountsMinor[index] as number);
  else overlay.endHold(hold, HoldStatus.Voided, 0);
}

/** Applies checked item `index` to the ledger; returns its entry's position. */
function applyItem(ledger: Ledger, outcome: BatchOutcome, index: number, kind: number, timeMs: number): number {
  const sender = outcome.senders[index] as number;
  const recipient = outcome.recipients[index] as number;
  const amountMinor = outcome.amountsMinor[index] as number;
  switch (kind) {
    case TRANSFER:
      return ledger.move(EntryKind.Transfer, sender, recipient, amountMinor, timeMs, outcome.referenceAt(index));
    case HOLD: {
      const timeoutSeconds = (outcome.itemAt(index) as HoldInstruction).timeoutSeconds ?? HOLD_TIMEOUT_SECONDS_DEFAULT;
      const id = ledger.hold(sender, recipient, amountMinor, timeMs + timeoutSeconds * 1000, timeMs, outcome.referenceAt(index));
      // An atomic batch's overlay foresaw the id; an independent batch learns it here.
      assert(outcome.holdIdAt(index) === null || outcome.holdIdAt(index) === id, "a hold gets the id its batch foresaw");
      outcome.setHoldId(index, id);
      return ledger.holds.createdPositionOf(id);
    }
    case POST:
      return ledger.endHold(outcome.holdIdAt(index) as number, HoldStatus.Posted, amountMinor, timeMs);
    default:
      return ledger.endHold(outcome.holdIdAt(index) as number, HoldStatus.Voided, 0, timeMs);
  }
}

function applyAll(ledger: Ledger, outcome: BatchOutcome, timeMs: number): void {
  for (let index = 0; index < outcome.count; index++) {
    outcome.settle(index, applyItem(ledger, outcome, index, outcome.kindAt(index), timeMs));
  }
}

function applyEach(ledger: Ledger, outcome: BatchOutcome, timeMs: number): void {
  const finding = new HoldFinding();
  for (let index = 0; index < outcome.count; index++) {
    if (outcome.codes[index] !== "OK") continue;
    const kind = outcome.kindAt(index);
    if (checkItem(ledger, outcome, index, kind, finding) !== "OK") continue;
    outcome.settle(index, applyItem(ledger, outcome, index, kind, timeMs));
  }
}

/** The batch's refusal, if it is an atomic one that was refused: BatchRefusedError naming the item. */
export function atomicRefusal(outcome: BatchOutcome): BatchRefusedError | null {
  const index = outcome.firstRefused();
  return index < 0 ? null : new BatchRefusedError(index, outcome.errorAt(index));
}
