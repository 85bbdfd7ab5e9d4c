// Reading an account's history out of the ledger: single transactions, the whole history, and
// pages newest first whose cost is the page's, not the history's. Nothing here writes.

import { assert } from "./assert.js";
import { InvalidArgumentError } from "./errors.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { pageLimit, type PageOptions } from "./page.js";
import { Transaction, type TransactionType } from "./transaction.js";

export interface HistoryPageOptions extends PageOptions {
  /** The id of a transaction of this account: the page starts just before it (older ones). */
  before?: number;
}

export interface HistoryPage {
  /** Newest first. */
  transactions: Transaction[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/**
 * The `index`-th transaction of the account's history (0 is its opening), as the account sees it.
 * The journal keeps balances, not amounts: an amount is the change from the balance before.
 */
export function transactionAt(ledger: Ledger, account: number, index: number): Transaction {
  const journal = ledger.journal;
  const history = ledger.historyOf(account);
  const position = history.at(index);
  const kind = journal.kind(position);
  const isDebit = journal.debitAccount(position) === account;
  const balanceAfterMinor = isDebit
    ? journal.debitBalanceAfterMinor(position)
    : journal.creditBalanceAfterMinor(position);
  const balanceBeforeMinor = index === 0 ? 0 : journal.balanceAfterMinor(history.at(index - 1), account);
  let counterparty: string | null = null;
  if (kind === EntryKind.Transfer) {
    counterparty = ledger.nameAt(isDebit ? journal.creditAccount(position) : journal.debitAccount(position));
  }
  return new Transaction(
    position + 1,
    transactionType(kind, isDebit),
    ledger.nameAt(account),
    isDebit ? balanceBeforeMinor - balanceAfterMinor : balanceAfterMinor - balanceBeforeMinor,
    balanceAfterMinor,
    counterparty,
    journal.timeMs(position),
  );
}

/** The journal entry at `position` as `account`, one of its sides, sees it. */
export function transactionOfEntry(ledger: Ledger, account: number, position: number): Transaction {
  const index = ledger.historyOf(account).indexOf(position);
  assert(index >= 0, "the account is a side of the entry");
  return transactionAt(ledger, account, index);
}

/** The whole history of an account, oldest first: a fresh copy. */
export function historyOf(ledger: Ledger, account: number): Transaction[] {
  const length = ledger.historyOf(account).length;
  const history = new Array<Transaction>(length);
  for (let index = 0; index < length; index++) history[index] = transactionAt(ledger, account, index);
  return history;
}

/** One page of an account's history, newest first. @throws InvalidArgumentError for a bad limit or cursor */
export function historyPage(ledger: Ledger, account: number, options: HistoryPageOptions): HistoryPage {
  const limit = pageLimit(options.limit);
  const history = ledger.historyOf(account);
  let index = options.before === undefined ? history.length - 1 : cursorIndex(ledger, account, options.before) - 1;
  const transactions: Transaction[] = [];
  for (; index >= 0 && transactions.length < limit; index--) transactions.push(transactionAt(ledger, account, index));
  const last = transactions[transactions.length - 1];
  return { transactions, nextBefore: index >= 0 && last !== undefined ? last.id : null };
}

/** The index in the account's history of the transaction whose id is `before`. */
function cursorIndex(ledger: Ledger, account: number, before: number): number {
  const index = Number.isSafeInteger(before) ? ledger.historyOf(account).indexOf(before - 1) : -1;
  if (index < 0) {
    throw new InvalidArgumentError(`Cursor ${String(before)} is not a transaction of account '${ledger.nameAt(account)}'`);
  }
  return index;
}

function transactionType(kind: EntryKind, isDebit: boolean): TransactionType {
  switch (kind) {
    case EntryKind.Opened:
      return "account_opened";
    case EntryKind.Deposit:
      return "deposit";
    case EntryKind.Withdrawal:
      return "withdrawal";
    default:
      assert(kind === EntryKind.Transfer, "entry kind is known");
      return isDebit ? "transfer_out" : "transfer_in";
  }
}
