// Refusals as codes: the checks every transfer passes, written once and shared by the throwing
// path (which turns a code into an error), the non-throwing path and batches.

import { assert } from "./assert.js";
import {
  BalanceLimitExceededError,
  InsufficientFundsError,
  SameAccountError,
  type BankError,
  type BankErrorCode,
} from "./errors.js";
import { MAX_AMOUNT_MINOR, AMOUNT_NOT_POSITIVE } from "./money.js";
import { nameProblem } from "./name.js";

/** "OK" when a transfer was (or may be) applied, else the code of its refusal. */
export type TransferCode = "OK" | BankErrorCode;

/** Why a checked transfer cannot be applied to these balances, or "OK". Never throws. */
export function transferRefusal(
  sender: number, recipient: number, amountMinor: number, senderBalanceMinor: number, recipientBalanceMinor: number,
): TransferCode {
  if (sender === recipient) return "SAME_ACCOUNT";
  if (amountMinor > senderBalanceMinor) return "INSUFFICIENT_FUNDS";
  if (recipientBalanceMinor + amountMinor > MAX_AMOUNT_MINOR) return "BALANCE_LIMIT_EXCEEDED";
  return "OK";
}

/** The code for a name that is not an account: unknown, or not a valid name at all. */
export function missingAccountCode(name: unknown): TransferCode {
  return nameProblem(name) === null ? "ACCOUNT_NOT_FOUND" : "INVALID_NAME";
}

/** The code for what tryParseAmount returned when it was not a positive amount. */
export function amountCode(amountMinor: number): TransferCode {
  return amountMinor === AMOUNT_NOT_POSITIVE ? "NEGATIVE_AMOUNT" : "INVALID_AMOUNT";
}


/** The error for a transfer between known accounts refused with `code` at these balances. */
export function transferError(
  code: TransferCode, senderName: string, recipientName: string, amountMinor: number, senderBalanceMinor: number,
): BankError {
  switch (code) {
    case "SAME_ACCOUNT":
      return new SameAccountError();
    case "INSUFFICIENT_FUNDS":
      return new InsufficientFundsError(senderName, amountMinor, senderBalanceMinor);
    default:
      assert(code === "BALANCE_LIMIT_EXCEEDED", `transfer refusal ${code} is one of the three`);
      return new BalanceLimitExceededError(recipientName, MAX_AMOUNT_MINOR);
  }
}
