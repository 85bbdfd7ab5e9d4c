// The steps of a hold's life, each checked before the ledger applies it, as every movement is
// (transfer.ts): create (resolved and checked as a transfer is, against what the sender may spend),
// post (all or part of it to the recipient, the rest released) and void (all of it released).
// Expiry is the ledger's own (Ledger.expireDue). Each returns what it made, or its refusal.

import {
  BalanceLimitExceededError,
  HoldAmountExceededError,
  HoldNotFoundError,
  HoldNotPendingError,
  InvalidArgumentError,
  type BankError,
} from "./errors.js";
import { HoldStatus } from "./holds.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { AMOUNT_MINOR_MAX, HOLD_TIMEOUT_SECONDS_DEFAULT, HOLD_TIMEOUT_SECONDS_MAX } from "./limits.js";
import { amountError, tryParseAmount } from "./money.js";
import { check, errorFor, resolve, type Resolved } from "./transfer.js";

/** A hold as asked for: who pays whom, how much, for how long, with what reference. */
export interface HoldRequest {
  readonly sender: unknown;
  readonly recipient: unknown;
  readonly amount: unknown;
  /** Seconds until the hold expires if it is neither posted nor voided (default HOLD_TIMEOUT_SECONDS_DEFAULT). */
  readonly timeoutSeconds?: number | undefined;
  readonly reference?: string | null | undefined;
}

/**
 * Creates a hold: resolved as a transfer (sender, recipient, amount), then its timeout, then
 * checked as a transfer against what the sender may spend. The new hold's id, or the refusal.
 */
export function createHold(ledger: Ledger, request: HoldRequest, resolved: Resolved): number | BankError {
  ledger.expireDue();
  const { sender, recipient, amount } = request;
  const refusal = (code: Parameters<typeof errorFor>[1]["code"], amountMinor = 0, debit = -1) =>
    errorFor(ledger, {
      code, kind: EntryKind.Transfer, debitName: sender, creditName: recipient, amount, amountMinor,
      debitBalanceMinor: debit < 0 ? 0 : ledger.balanceMinorAt(debit), debitHeldMinor: debit < 0 ? 0 : ledger.heldMinorAt(debit),
    });
  const resolution = resolve(ledger, EntryKind.Transfer, sender, recipient, amount, resolved);
  if (resolution !== "OK") return refusal(resolution);
  const timeoutSeconds = request.timeoutSeconds ?? HOLD_TIMEOUT_SECONDS_DEFAULT;
  if (!(Number.isSafeInteger(timeoutSeconds) && timeoutSeconds >= 1 && timeoutSeconds <= HOLD_TIMEOUT_SECONDS_MAX)) {
    return new InvalidArgumentError(`A hold's timeout must be a whole number of seconds from 1 to ${HOLD_TIMEOUT_SECONDS_MAX}`);
  }
  const { debit, credit, amountMinor } = resolved;
  const code = check(debit, credit, amountMinor, ledger.availableMinorAt(debit), ledger.balanceMinorAt(credit));
  if (code !== "OK") return refusal(code, amountMinor, debit);
  const timeMs = ledger.now();
  const reference = request.reference === undefined || request.reference === null ? 0 : ledger.references.numberOf(request.reference);
  return ledger.hold(debit, credit, amountMinor, timeMs + timeoutSeconds * 1000, timeMs, reference);
}

/**
 * Posts a pending hold: `amount` (default: all of it) moves to the recipient, the rest is released.
 * Refused, in this order: no such hold, a hold no longer pending, an amount that is not money, more
 * than the hold, a credit past the recipient's limit. The entry's position, or the refusal.
 */
export function postHold(ledger: Ledger, hold: unknown, amount: unknown): number | BankError {
  ledger.expireDue();
  const refusal = pendingRefusal(ledger, hold);
  if (refusal !== null) return refusal;
  const id = hold as number;
  const { holds } = ledger;
  const heldMinor = holds.amountMinorOf(id);
  let postedMinor = heldMinor;
  if (amount !== undefined) {
    postedMinor = tryParseAmount(amount);
    if (postedMinor <= 0) return amountError(amount);
    if (postedMinor > heldMinor) return new HoldAmountExceededError(id, postedMinor, heldMinor);
  }
  const recipient = holds.recipientOf(id);
  if (ledger.balanceMinorAt(recipient) + postedMinor > AMOUNT_MINOR_MAX) {
    return new BalanceLimitExceededError(ledger.nameAt(recipient), AMOUNT_MINOR_MAX);
  }
  return ledger.endHold(id, HoldStatus.Posted, postedMinor, ledger.now());
}

/** Voids a pending hold: all of it is released. The entry's position, or the refusal. */
export function voidHold(ledger: Ledger, hold: unknown): number | BankError {
  ledger.expireDue();
  const refusal = pendingRefusal(ledger, hold);
  if (refusal !== null) return refusal;
  return ledger.endHold(hold as number, HoldStatus.Voided, 0, ledger.now());
}

/** Why a hold cannot change: it does not exist, or is no longer pending; null when it can. */
function pendingRefusal(ledger: Ledger, hold: unknown): BankError | null {
  if (typeof hold !== "number" || !ledger.holds.has(hold)) return new HoldNotFoundError(hold);
  const status = ledger.holds.statusOf(hold);
  return status === HoldStatus.Pending ? null : new HoldNotPendingError(hold, statusName(status) as "posted" | "voided" | "expired");
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
