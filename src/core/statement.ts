// What an account held at an instant, and statements: the opening balance of a period, every
// transaction in it and the closing balance. Time never goes backwards in the journal, so an
// instant is found by binary search, and each costs what it returns, not the history.

import { InvalidArgumentError } from "./errors.js";
import { transactionAt } from "./history.js";
import type { Ledger } from "./ledger.js";
import { STATEMENT_TRANSACTIONS_MAX } from "./limits.js";
import type { Transaction } from "./transaction.js";

export interface Statement {
  /** The account's balance just before the period: 0 if it was opened within it. */
  openingBalanceMinor: number;
  /** Every transaction of the period, oldest first. */
  transactions: Transaction[];
  /** The account's balance at the period's end. */
  closingBalanceMinor: number;
}

/** The index in the account's history of its last entry at or before `atMs`, or -1. */
function lastIndexAt(ledger: Ledger, account: number, atMs: number): number {
  return ledger.historyOf(account).lastAtOrBefore(ledger.journal.lastAtOrBefore(atMs));
}

/**
 * The account's balance at `atMs`: after its last transaction at or before that instant.
 * @throws InvalidArgumentError when the account was opened after it.
 */
export function balanceMinorAt(ledger: Ledger, account: number, atMs: number): number {
  const index = lastIndexAt(ledger, account, atMs);
  if (index < 0) {
    throw new InvalidArgumentError(`Account '${ledger.nameAt(account)}' was opened after ${new Date(atMs).toISOString()}`);
  }
  return ledger.journal.balanceAfterMinor(ledger.historyOf(account).at(index), account);
}

/**
 * The account's statement from `fromMs` to `toMs`, both included.
 * @throws InvalidArgumentError for a period that ends before it starts, or holds more than STATEMENT_TRANSACTIONS_MAX transactions
 */
export function statementOf(ledger: Ledger, account: number, fromMs: number, toMs: number): Statement {
  if (fromMs > toMs) throw new InvalidArgumentError("'from' must not be after 'to'");
  const history = ledger.historyOf(account);
  const before = lastIndexAt(ledger, account, fromMs - 1);
  const last = lastIndexAt(ledger, account, toMs);
  const count = last - before;
  if (count > STATEMENT_TRANSACTIONS_MAX) {
    throw new InvalidArgumentError(`The period holds ${count} transactions, more than a statement's ${STATEMENT_TRANSACTIONS_MAX}; ask for a shorter one`);
  }
  const balanceAfter = (index: number) => (index < 0 ? 0 : ledger.journal.balanceAfterMinor(history.at(index), account));
  const transactions = Array.from({ length: count }, (_, offset) => transactionAt(ledger, account, before + 1 + offset));
  return { openingBalanceMinor: balanceAfter(before), transactions, closingBalanceMinor: balanceAfter(last) };
}
