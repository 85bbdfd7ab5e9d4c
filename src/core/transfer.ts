// The three steps every movement of money takes before the ledger applies it, written once and
// shared by every path (the throwing and non-throwing calls, atomic and independent batches, and
// batches that come already resolved):
//   resolve  names and an amount become account indexes and minor units, or a refusal code;
//   check    balances and limits give "OK" or a refusal code;
//   errorFor a code and the movement's inputs become the error, with its wording.
// Refusals are codes first, so that bulk callers never allocate an error.

import { assert } from "./assert.js";
import type {
  BankError} from "./errors.js";
import {
  AccountNotFoundError,
  BalanceLimitExceededError,
  InsufficientFundsError,
  InvalidArgumentError,
  InvalidNameError,
  SameAccountError,
  type BankErrorCode,
} from "./errors.js";
import { EntryKind, NONE } from "./journal.js";
import type { Ledger, MovementKind } from "./ledger.js";
import { AMOUNT_MINOR_MAX } from "./limits.js";
import { AMOUNT_NOT_POSITIVE, amountError, tryParseAmount } from "./money.js";
import { nameProblem } from "./name.js";
import { Transaction } from "./transaction.js";
import { toMajor } from "./units.js";

/** "OK" when a movement was (or may be) applied, else the code of its refusal. */
export type TransferCode = "OK" | BankErrorCode;

/**
 * A movement resolved to account indexes and minor units (NONE for a side it does not have). One
 * is reused by each caller, so resolving allocates nothing.
 */
export class Resolved {
  debit = NONE;
  credit = NONE;
  amountMinor = 0;
}

/**
 * Resolves a movement's names and amount into `into`. The order of the checks is the precedence
 * of refusals: the debit account (unknown, or not a valid name), then the credit account, then the
 * amount. A deposit has no debit side and a withdrawal no credit side; their names are not read.
 */
export function resolve(
  ledger: Ledger, kind: MovementKind, debitName: unknown, creditName: unknown, amount: unknown, into: Resolved,
): TransferCode {
  let debit = NONE;
  if (kind !== EntryKind.Deposit) {
    const index = ledger.find(debitName);
    if (index === undefined) return missingAccountCode(debitName);
    debit = index;
  }
  let credit = NONE;
  if (kind !== EntryKind.Withdrawal) {
    const index = ledger.find(creditName);
    if (index === undefined) return missingAccountCode(creditName);
    credit = index;
  }
  const amountMinor = tryParseAmount(amount);
  if (amountMinor <= 0) return amountCode(amountMinor);
  into.debit = debit;
  into.credit = credit;
  into.amountMinor = amountMinor;
  return "OK";
}

/** The index of the account with this name, or its lookup refusal thrown, worded as `resolve`'s. */
export function findOrThrow(ledger: Ledger, name: unknown): number {
  const index = ledger.find(name);
  if (index !== undefined) return index;
  const code = missingAccountCode(name);
  throw errorFor(ledger, {
    code, kind: EntryKind.Deposit, debitName: undefined, creditName: name, amount: undefined, amountMinor: 0, debitBalanceMinor: 0,
  });
}

/** The code for a name that is not an account: unknown, or not a valid name at all. */
function missingAccountCode(name: unknown): BankErrorCode {
  return nameProblem(name) === null ? "ACCOUNT_NOT_FOUND" : "INVALID_NAME";
}

/** The code for what tryParseAmount returned when it was not a positive amount. */
export function amountCode(amountMinor: number): BankErrorCode {
  return amountMinor === AMOUNT_NOT_POSITIVE ? "NEGATIVE_AMOUNT" : "INVALID_AMOUNT";
}

/**
 * Whether a resolved movement may be applied: after the resolve step's refusals, the same account
 * on both sides, then insufficient funds (what the debit side may spend: its balance less its
 * pending holds), then the balance limit. Never throws.
 */
export function check(
  debit: number, credit: number, amountMinor: number, debitAvailableMinor: number, creditBalanceMinor: number,
): TransferCode {
  if (debit === credit) return "SAME_ACCOUNT";
  if (debit !== NONE && amountMinor > debitAvailableMinor) return "INSUFFICIENT_FUNDS";
  if (credit !== NONE && creditBalanceMinor + amountMinor > AMOUNT_MINOR_MAX) return "BALANCE_LIMIT_EXCEEDED";
  return "OK";
}

/** What a refused movement was: enough to word its error. Made only when a refusal is thrown or described. */
export interface Refusal {
  readonly code: BankErrorCode;
  readonly kind: MovementKind;
  /** The names and the amount as given; a side the movement does not have is not read. */
  readonly debitName: unknown;
  readonly creditName: unknown;
  readonly amount: unknown;
  /** For the check's refusals: the amount resolved, and the debit balance and holds it was checked against. */
  readonly amountMinor: number;
  readonly debitBalanceMinor: number;
  readonly debitHeldMinor?: number;
}

/** The error for a refusal: the one place a code becomes its error class and wording. */
export function errorFor(ledger: Ledger, refusal: Refusal): BankError {
  const { code, debitName, creditName } = refusal;
  switch (code) {
    case "ACCOUNT_NOT_FOUND":
      return new AccountNotFoundError(culprit(ledger, refusal) as string);
    case "INVALID_NAME":
      return new InvalidNameError(nameProblem(culprit(ledger, refusal)) as string);
    case "NEGATIVE_AMOUNT":
    case "INVALID_AMOUNT":
      return amountError(refusal.amount);
    case "SAME_ACCOUNT":
      return new SameAccountError();
    case "INSUFFICIENT_FUNDS":
      return new InsufficientFundsError(debitName as string, refusal.amountMinor, refusal.debitBalanceMinor, refusal.debitHeldMinor ?? 0);
    case "BALANCE_LIMIT_EXCEEDED":
      return new BalanceLimitExceededError(creditName as string, AMOUNT_MINOR_MAX);
    default:
      // The only other code a movement gets: a batch item that is not an object at all.
      assert(code === "INVALID_ARGUMENT" && refusal.kind === EntryKind.Transfer, `movement refusal ${code} is known`);
      return new InvalidArgumentError("Each transfer must be an object with sender, recipient and amount");
  }
}

/** The name a lookup refusal is about: the debit side is resolved first, so it is, if it is not an account. */
function culprit(ledger: Ledger, refusal: Refusal): unknown {
  const { kind, debitName, creditName } = refusal;
  return kind !== EntryKind.Deposit && ledger.find(debitName) === undefined ? debitName : creditName;
}

/**
 * A single movement by names (the bank's deposit, withdraw and transfer): resolve, check, apply.
 * Returns the transaction as the acting account sees it (the sender's side of a transfer), or the
 * refusal, which the public method throws: thrown there, a refusal unwinds the fewest frames.
 * `resolved` is the caller's scratch.
 */
export function moveByNames(
  ledger: Ledger, kind: MovementKind, debitName: unknown, creditName: unknown, amount: unknown, resolved: Resolved,
  reference: string | null = null,
): Transaction | BankError {
  ledger.expireDue();
  const code = resolve(ledger, kind, debitName, creditName, amount, resolved);
  if (code !== "OK") {
    return errorFor(ledger, { code, kind, debitName, creditName, amount, amountMinor: 0, debitBalanceMinor: 0 });
  }
  return checkAndApply(ledger, kind, resolved.debit, resolved.credit, resolved.amountMinor, reference);
}

/**
 * A single movement between accounts known by index (an Account's own methods): the amount is
 * resolved, then the movement checked and applied as by name. The transaction, or the refusal.
 */
export function moveByIndexes(
  ledger: Ledger, kind: MovementKind, debit: number, credit: number, amount: unknown,
): Transaction | BankError {
  ledger.expireDue();
  const amountMinor = tryParseAmount(amount);
  if (amountMinor <= 0) return amountRefusal(ledger, kind, amount, amountMinor);
  return checkAndApply(ledger, kind, debit, credit, amountMinor);
}

/** The error of an amount that tryParseAmount refused (`amountMinor` is what it returned). */
function amountRefusal(ledger: Ledger, kind: MovementKind, amount: unknown, amountMinor: number): BankError {
  const code = amountCode(amountMinor);
  return errorFor(ledger, { code, kind, debitName: null, creditName: null, amount, amountMinor: 0, debitBalanceMinor: 0 });
}

/** Checks a resolved movement against the live balances and applies it; or its refusal. */
function checkAndApply(
  ledger: Ledger, kind: MovementKind, debit: number, credit: number, amountMinor: number, reference: string | null = null,
): Transaction | BankError {
  const debitBalanceMinor = debit === NONE ? 0 : ledger.balanceMinorAt(debit);
  const debitHeldMinor = debit === NONE ? 0 : ledger.heldMinorAt(debit);
  const creditBalanceMinor = credit === NONE ? 0 : ledger.balanceMinorAt(credit);
  const code = check(debit, credit, amountMinor, debitBalanceMinor - debitHeldMinor, creditBalanceMinor);
  if (code !== "OK") return checkRefusal(ledger, code, kind, debit, credit, amountMinor);
  const timeMs = ledger.now();
  const referenceNumber = reference === null ? 0 : ledger.references.numberOf(reference);
  const position = ledger.move(kind, debit, credit, amountMinor, timeMs, referenceNumber);
  return new Transaction(ledger, position, kind === EntryKind.Deposit ? credit : debit, amountMinor);
}

/** The error of a check's refusal of a resolved movement; out of the path of the movements it lets through. */
function checkRefusal(
  ledger: Ledger, code: BankErrorCode, kind: MovementKind, debit: number, credit: number, amountMinor: number,
): BankError {
  return errorFor(ledger, {
    code,
    kind,
    debitName: debit === NONE ? null : ledger.nameAt(debit),
    creditName: credit === NONE ? null : ledger.nameAt(credit),
    amount: toMajor(amountMinor),
    amountMinor,
    debitBalanceMinor: debit === NONE ? 0 : ledger.balanceMinorAt(debit),
    debitHeldMinor: debit === NONE ? 0 : ledger.heldMinorAt(debit),
  });
}

