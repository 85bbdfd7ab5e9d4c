// Core objects as the API returns them: snake_case fields, amounts in major units, ISO timestamps.

import type { Account, Transaction } from "../core/index.js";
import type { AccountBody, TransactionBody } from "./schemas/common.js";

/** `{name, balance}` of an account. */
export function accountBody(account: Account): AccountBody {
  return { name: account.name, balance: account.balance };
}

/** One transaction as its account sees it. */
export function transactionBody(transaction: Transaction): TransactionBody {
  return {
    id: transaction.id,
    type: transaction.type,
    amount: transaction.amount,
    balance_after: transaction.balanceAfter,
    counterparty: transaction.counterparty,
    timestamp: isoTimestamp(transaction.timeMs),
    description: transaction.description,
  };
}

// The last millisecond written and its text: under load, and in a page of history, transactions
// come many to a millisecond, and a Date and its toISOString cost more than the rest of the body.
let lastTimeMs = Number.NaN;
let lastTimestamp = "";

/**
 * A time in milliseconds since the epoch as ISO 8601 text, "2026-12-01T10:00:00.000Z", as
 * `new Date(timeMs).toISOString()` writes it.
 */
export function isoTimestamp(timeMs: number): string {
  if (timeMs !== lastTimeMs) {
    lastTimestamp = new Date(timeMs).toISOString();
    lastTimeMs = timeMs;
  }
  return lastTimestamp;
}
