// The steps of a hold's life, each checked before the ledger applies it, as every movement is
// (transfer.ts): create (resolved and checked as a transfer is, against what the sender may spend),
// post (all or part of it to the recipient, the rest released) and void (all of it released).
// Expiry is the ledger's own (Ledger.expireDue). Each step is written once as pieces (resolve,
// check, the refusal's wording) that every path shares: the single calls below, and batches, which
// check against their own overlay of the state (overlay.ts) before they apply anything.

import {
  BalanceLimitExceededError,
  HoldAmountExceededError,
  HoldNotFoundError,
  HoldNotPendingError,
  InvalidArgumentError,
  type BankError,
  type BankErrorCode,
} from "./errors.js";
import { HoldStatus } from "./holds.js";
import { EntryKind, NONE } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { AMOUNT_MINOR_MAX, HOLD_TIMEOUT_SECONDS_DEFAULT, HOLD_TIMEOUT_SECONDS_MAX } from "./limits.js";
import { amountError, tryParseAmount } from "./money.js";
import { amountCode, check, errorFor, resolve, type Resolved, type TransferCode } from "./transfer.js";

/** A hold as asked for: who pays whom, how much, for how long, with what reference. */
export interface HoldRequest {
  readonly sender: unknown;
  readonly recipient: unknown;
  readonly amount: unknown;
  /** Seconds until the hold expires if it is neither posted nor voided (default HOLD_TIMEOUT_SECONDS_DEFAULT). */
  readonly timeoutSeconds?: unknown;
  readonly reference?: string | null | undefined;
}

/** The holds as a step's checks read them: the ledger's table, or a batch's overlay of it. */
export interface HoldView {
  has(id: number): boolean;
  statusOf(id: number): HoldStatus;
  amountMinorOf(id: number): number;
  recipientOf(id: number): number;
}

/** What a step's checks read: the ledger itself, or an atomic batch's overlay of it (overlay.ts). */
export interface StepState {
  balanceMinorAt(account: number): number;
  heldMinorAt(account: number): number;
  readonly holds: HoldView;
}

/**
 * What the check of a post or a void found, for its wording and for applying it: one is reused by
 * each caller, so checking allocates nothing.
 */
export class HoldFinding {
  /** The hold's status when checked (HOLD_NOT_PENDING says which). */
  status: HoldStatus = HoldStatus.Pending;
  /** What the hold reserves. */
  heldMinor = 0;
  /** What the post moves: the amount asked for, or all of it. */
  postedMinor = 0;
  recipient = NONE;
}

/** Whether a hold's timeout is a whole number of seconds within bounds. */
export function isHoldTimeout(timeoutSeconds: unknown): timeoutSeconds is number {
  return Number.isSafeInteger(timeoutSeconds) && (timeoutSeconds as number) >= 1 && (timeoutSeconds as number) <= HOLD_TIMEOUT_SECONDS_MAX;
}

/** The refusal of a timeout out of bounds. */
export function timeoutError(): InvalidArgumentError {
  return new InvalidArgumentError(`A hold's timeout must be a whole number of seconds from 1 to ${HOLD_TIMEOUT_SECONDS_MAX}`);
}

/**
 * The resolve step of a new hold: its names and amount as a transfer's (into `resolved`), then its
 * timeout (INVALID_ARGUMENT when out of bounds).
 */
export function resolveHold(ledger: Ledger, request: HoldRequest, resolved: Resolved): TransferCode {
  const code = resolve(ledger, EntryKind.Transfer, request.sender, request.recipient, request.amount, resolved);
  if (code !== "OK") return code;
  return isHoldTimeout(request.timeoutSeconds ?? HOLD_TIMEOUT_SECONDS_DEFAULT) ? "OK" : "INVALID_ARGUMENT";
}

/** The check step of a new hold, resolved: a transfer's, against what the sender may spend. */
export function checkHold(state: StepState, debit: number, credit: number, amountMinor: number): TransferCode {
  return check(debit, credit, amountMinor, state.balanceMinorAt(debit) - state.heldMinorAt(debit), state.balanceMinorAt(credit));
}

/** The refusal of a new hold with this code; for the check's, the sender's balance and holds it was checked against. */
export function holdError(
  ledger: Ledger, code: BankErrorCode, request: HoldRequest, amountMinor: number, debitBalanceMinor: number, debitHeldMinor: number,
): BankError {
  if (code === "INVALID_ARGUMENT") return timeoutError();
  return errorFor(ledger, {
    code, kind: EntryKind.Transfer, debitName: request.sender, creditName: request.recipient, amount: request.amount,
    amountMinor, debitBalanceMinor, debitHeldMinor,
  });
}

/**
 * The check of a post (resolve and check in one, since both read the hold): in this order, no such
 * hold, a hold no longer pending, an amount that is not money, more than the hold, a credit past the
 * recipient's limit. What it found goes into `finding`.
 */
export function checkPost(state: StepState, hold: unknown, amount: unknown, finding: HoldFinding): TransferCode {
  const code = checkPending(state, hold, finding);
  if (code !== "OK") return code;
  finding.postedMinor = finding.heldMinor;
  if (amount !== undefined) {
    const postedMinor = tryParseAmount(amount);
    if (postedMinor <= 0) return amountCode(postedMinor);
    finding.postedMinor = postedMinor;
    if (postedMinor > finding.heldMinor) return "HOLD_AMOUNT_EXCEEDED";
  }
  return state.balanceMinorAt(finding.recipient) + finding.postedMinor > AMOUNT_MINOR_MAX ? "BALANCE_LIMIT_EXCEEDED" : "OK";
}

/** The check of a void: no such hold, or a hold no longer pending. */
export function checkVoid(state: StepState, hold: unknown, finding: HoldFinding): TransferCode {
  return checkPending(state, hold, finding);
}

function checkPending(state: StepState, hold: unknown, finding: HoldFinding): TransferCode {
  const { holds } = state;
  finding.postedMinor = 0;
  if (typeof hold !== "number" || !holds.has(hold)) return "HOLD_NOT_FOUND";
  finding.status = holds.statusOf(hold);
  finding.heldMinor = holds.amountMinorOf(hold);
  finding.recipient = holds.recipientOf(hold);
  return finding.status === HoldStatus.Pending ? "OK" : "HOLD_NOT_PENDING";
}

/** The refusal of a post or void of `hold` (as given) with this code, worded from what its check found. */
export function holdStepError(ledger: Ledger, code: BankErrorCode, hold: unknown, amount: unknown, finding: HoldFinding): BankError {
  switch (code) {
    case "HOLD_NOT_FOUND":
      return new HoldNotFoundError(hold);
    case "HOLD_NOT_PENDING":
      return new HoldNotPendingError(hold as number, statusName(finding.status) as "posted" | "voided" | "expired");
    case "HOLD_AMOUNT_EXCEEDED":
      return new HoldAmountExceededError(hold as number, finding.postedMinor, finding.heldMinor);
    case "BALANCE_LIMIT_EXCEEDED":
      return new BalanceLimitExceededError(ledger.nameAt(finding.recipient), AMOUNT_MINOR_MAX);
    default:
      return amountError(amount);
  }
}

/**
 * Creates a hold: resolved as a transfer (sender, recipient, amount), then its timeout, then
 * checked as a transfer against what the sender may spend. The new hold's id, or the refusal.
 */
export function createHold(ledger: Ledger, request: HoldRequest, resolved: Resolved): number | BankError {
  // One reading of the clock: holds due by then are expired first, and the new one is stamped with it.
  const timeMs = ledger.now();
  ledger.expireDue(timeMs);
  let code = resolveHold(ledger, request, resolved);
  if (code !== "OK") return holdError(ledger, code, request, 0, 0, 0);
  const { debit, credit, amountMinor } = resolved;
  code = checkHold(ledger, debit, credit, amountMinor);
  if (code !== "OK") return holdError(ledger, code, request, amountMinor, ledger.balanceMinorAt(debit), ledger.heldMinorAt(debit));
  const timeoutSeconds = (request.timeoutSeconds ?? HOLD_TIMEOUT_SECONDS_DEFAULT) as number;
  const reference = request.reference === undefined || request.reference === null ? 0 : ledger.references.numberOf(request.reference);
  return ledger.hold(debit, credit, amountMinor, timeMs + timeoutSeconds * 1000, timeMs, reference);
}

/** Scratch of the checks of the single posts and voids below (synchronous: one serves them all). */
const scratch = new HoldFinding();

/**
 * Posts a pending hold: `amount` (default: all of it) moves to the recipient, the rest is released.
 * Refused as `checkPost` says. The entry's position, or the refusal.
 */
export function postHold(ledger: Ledger, hold: unknown, amount: unknown): number | BankError {
  const timeMs = ledger.now();
  ledger.expireDue(timeMs);
  const code = checkPost(ledger, hold, amount, scratch);
  if (code !== "OK") return holdStepError(ledger, code, hold, amount, scratch);
  return ledger.endHold(hold as number, HoldStatus.Posted, scratch.postedMinor, timeMs);
}

/** Voids a pending hold: all of it is released. The entry's position, or the refusal. */
export function voidHold(ledger: Ledger, hold: unknown): number | BankError {
  const timeMs = ledger.now();
  ledger.expireDue(timeMs);
  const code = checkVoid(ledger, hold, scratch);
  if (code !== "OK") return holdStepError(ledger, code, hold, undefined, scratch);
  return ledger.endHold(hold as number, HoldStatus.Voided, 0, timeMs);
}

/** A hold's status as the API names it. */
export function statusName(status: HoldStatus): "pending" | "posted" | "voided" | "expired" {
  switch (status) {
    case HoldStatus.Pending:
      return "pending";
    case HoldStatus.Posted:
      return "posted";
    case HoldStatus.Voided:
      return "voided";
    default:
      return "expired";
  }
}
