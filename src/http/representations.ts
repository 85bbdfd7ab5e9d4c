// Core objects as the API returns them: snake_case fields, amounts in major units, ISO timestamps.

import type { Account, Hold, Transaction } from "../core/index.js";
import type { AccountBody, AccountDetails, TransactionBody } from "./schemas/common.js";
import type { HoldBody } from "./schemas/holds.js";

/** `{name, balance}` of an account. */
export function accountBody(account: Account): AccountBody {
  return { name: account.name, balance: account.balance };
}

/** An account as it is read: `{name, balance, available, held, incoming_held}`. */
export function accountDetails(account: Account): AccountDetails {
  return { name: account.name, balance: account.balance, available: account.available, held: account.held, incoming_held: account.incomingHeld };
}

/**
 * One transaction as its account sees it. A reference and a hold's id are there only when the
 * transaction has them, so that the answers of transactions without either are as they always were.
 */
export function transactionBody(transaction: Transaction): TransactionBody {
  const body: TransactionBody = {
    id: transaction.id,
    type: transaction.type,
    amount: transaction.amount,
    balance_after: transaction.balanceAfter,
    counterparty: transaction.counterparty,
    timestamp: isoTimestamp(transaction.timeMs),
    description: transaction.description,
  };
  if (transaction.reference !== null) body.reference = transaction.reference;
  const holdId = transaction.holdId;
  if (holdId !== null) {
    body.hold_id = holdId;
    body.incoming = transaction.incoming;
  }
  return body;
}

/** A hold, with its status as of now (a hold past its time reads as expired). */
export function holdBody(hold: Hold): HoldBody {
  const json = hold.toJSON();
  return {
    id: json.id,
    sender: json.sender,
    recipient: json.recipient,
    amount: json.amount,
    status: json.status,
    posted_amount: json.postedAmount,
    created_at: json.createdAt,
    expires_at: json.expiresAt,
    reference: json.reference,
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
