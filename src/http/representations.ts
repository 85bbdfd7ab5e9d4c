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
    timestamp: new Date(transaction.timeMs).toISOString(),
    description: transaction.description,
  };
}
