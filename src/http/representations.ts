// Core objects as the API returns them: snake_case fields, amounts in major units, ISO timestamps.

import type { Account, Hold, Transaction } from "../core/index.js";
import type { AccountBody, AccountDetails, TransactionBody } from "./schemas/common.js";
import type { HoldBody } from "./schemas/holds.js";

/** `{name, balance}` of an account. */
export function accountBody(account: Account): AccountBody {
  return { name: account.name, balance: account.balance };
}

/** An account as it is read: `{name, balance, available, held}`. */
export function accountDetails(account: Account): AccountDetails {
  return { name: account.name, balance: account.balance, available: account.available, held: account.held };
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
    timestamp: new Date(transaction.timeMs).toISOString(),
    description: transaction.description,
  };
  if (transaction.reference !== null) body.reference = transaction.reference;
  if (transaction.holdId !== null) body.hold_id = transaction.holdId;
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
