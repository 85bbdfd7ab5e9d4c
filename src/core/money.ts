// Parsing money: the only place a number or a string becomes an integer count of minor units
// (cents). Formatting the other way is in units.ts.

import { InvalidAmountError, NegativeAmountError, NegativeInitialBalanceError, type BankError } from "./errors.js";
import { AMOUNT_MINOR_MAX } from "./limits.js";
import { formatMinor, MINOR_PER_MAJOR, toMajor } from "./units.js";

/** An amount as callers give it: a JS number in major units (25.5) or a decimal string ("25.50"). */
export type AmountInput = number | string;

// Up to 16 integer digits (the limit has 13, so longer ones are refused as above it) and at most two
// decimals; no exponent, sign or space other than a leading minus, which is parsed so that it can
// be refused with the right error.
const DECIMAL_PATTERN = /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/;

/** What `tryParseAmount` returns for an amount that is zero or negative. */
export const AMOUNT_NOT_POSITIVE = 0;
/** What `tryParseAmount` returns for an amount that is not exact money at all. */
export const AMOUNT_INVALID = -1;

/**
 * Parses an amount that must be strictly positive (deposit, withdrawal, transfer).
 *
 * @example parseAmount(25.5) === 2550; parseAmount("0.10") === 10
 * @throws NegativeAmountError for zero and negatives; InvalidAmountError for anything not exact.
 */
export function parseAmount(input: unknown): number {
  const minor = tryParseAmount(input);
  if (minor > 0) return minor;
  throw amountError(input);
}

/**
 * The non-throwing form of `parseAmount`, for bulk callers: minor units when the amount is valid,
 * else AMOUNT_NOT_POSITIVE or AMOUNT_INVALID. It never allocates an error.
 */
export function tryParseAmount(input: unknown): number {
  // Fast path for the common case: a finite number with at most two decimals.
  if (typeof input === "number") {
    const minor = Math.round(input * MINOR_PER_MAJOR);
    if (minor > 0 && minor <= AMOUNT_MINOR_MAX && toMajor(minor) === input) return minor;
  }
  return parseOtherAmount(input);
}

/** tryParseAmount for what its fast path did not take: strings, and numbers it refuses. */
function parseOtherAmount(input: unknown): number {
  const minor = signedMinorOrReason(input);
  if (typeof minor === "string") return AMOUNT_INVALID;
  return minor > 0 ? minor : AMOUNT_NOT_POSITIVE;
}

/** The refusal of an amount that `tryParseAmount` did not take, worded from the amount itself. */
export function amountError(input: unknown): BankError {
  const minor = signedMinorOrReason(input);
  if (typeof minor === "string") return new InvalidAmountError(`Amount ${minor}`);
  return new NegativeAmountError();
}

/**
 * Parses an opening balance: zero is allowed, negatives (including -0) are refused.
 *
 * @example parseInitialBalance(100) === 10000; parseInitialBalance(0) === 0
 */
export function parseInitialBalance(input: unknown): number {
  const minor = signedMinorOrReason(input);
  if (typeof minor === "string") throw new InvalidAmountError(`Initial balance ${minor}`);
  if (minor < 0 || Object.is(minor, -0)) throw new NegativeInitialBalanceError();
  return minor;
}

/** The non-throwing form of `parseInitialBalance`: minor units, or AMOUNT_INVALID for any refusal. */
export function tryParseInitialBalance(input: unknown): number {
  const minor = signedMinorOrReason(input);
  return typeof minor === "string" || minor < 0 || Object.is(minor, -0) ? AMOUNT_INVALID : minor;
}

/**
 * Exact conversion of a number or decimal string to signed minor units, or the reason it is not
 * money, worded to follow "Amount" or "Initial balance". Returning the reason instead of throwing
 * keeps the bulk path free of exceptions.
 */
function signedMinorOrReason(input: unknown): number | string {
  if (typeof input === "number") return numberToMinor(input);
  if (typeof input === "string") return decimalToMinor(input);
  return "must be a number or a decimal string";
}

function numberToMinor(input: number): number | string {
  if (!Number.isFinite(input)) return "must be a finite number";
  if (Math.abs(input) > toMajor(AMOUNT_MINOR_MAX)) return aboveLimit();
  const minor = Math.round(input * MINOR_PER_MAJOR);
  // The input must be exactly the double nearest to a two-decimal value; 0.001 or 1.005 are not.
  if (toMajor(minor) !== input) return "must have at most 2 decimal places";
  // Keep the sign of -0 so that an opening balance of -0 is refused like any negative.
  return Object.is(input, -0) ? -0 : minor;
}

function decimalToMinor(input: string): number | string {
  const match = DECIMAL_PATTERN.exec(input);
  if (match === null) return 'must be a decimal with at most 2 decimal places, like "25.50"';
  const [, sign, whole, fraction = ""] = match as unknown as [string, string, string, string?];
  const magnitude = Number(whole) * MINOR_PER_MAJOR + Number(fraction.padEnd(2, "0"));
  if (magnitude > AMOUNT_MINOR_MAX) return aboveLimit();
  return sign === "-" ? -magnitude : magnitude;
}

function aboveLimit(): string {
  return `must not exceed ${formatMinor(AMOUNT_MINOR_MAX)}`;
}
