// Reading an account's history out of the ledger: single transactions, the whole history, and
// pages newest first whose cost is the page's, not the history's. Nothing here writes.

import { assert } from "./assert.js";
import { InvalidArgumentError } from "./errors.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { HISTORY_SCAN_MAX } from "./limits.js";
import { pageLimit, type PageOptions } from "./page.js";
import { instantMs } from "./instant.js";
import { Transaction, transactionType, type TransactionType } from "./transaction.js";

export interface HistoryPageOptions extends PageOptions {
  /** The id of a transaction of this account: the page starts just before it (older ones). */
  before?: number;
  /** Only transactions of this type, as the account sees them. */
  type?: TransactionType;
  /** Only transactions carrying this reference. */
  reference?: string;
  /** Only transactions at or after this instant, and at or before `to` (a Date, or ms since the epoch). */
  from?: Date | number;
  to?: Date | number;
}

export interface HistoryPage {
  /** Newest first. */
  transactions: Transaction[];
  /**
   * Pass as `before` for the next (older) page; null on the last page. A filtered page may hold
   * fewer than `limit` transactions, even none, and still have a next page: it looks at no more
   * than HISTORY_SCAN_MAX entries.
   */
  nextBefore: number | null;
}

/**
 * The `index`-th transaction of the account's history (0 is its opening), as the account sees it.
 * The journal keeps balances, not amounts: an amount is the change from the balance before, and a
 * hold's step takes its amount from the hold.
 */
export function transactionAt(ledger: Ledger, account: number, index: number): Transaction {
  const journal = ledger.journal;
  const history = ledger.historyOf(account);
  const position = history.at(index);
  const kind = journal.kind(position);
  let amountMinor: number;
  if (kind >= EntryKind.HoldCreated) {
    const hold = ledger.holdOfEntry(position);
    amountMinor = kind === EntryKind.HoldPosted ? ledger.holds.postedMinorOf(hold) : ledger.holds.amountMinorOf(hold);
  } else {
    const balanceAfterMinor = journal.balanceAfterMinor(position, account);
    const balanceBeforeMinor = index === 0 ? 0 : journal.balanceAfterMinor(history.at(index - 1), account);
    amountMinor = journal.debitAccount(position) === account ? balanceBeforeMinor - balanceAfterMinor : balanceAfterMinor - balanceBeforeMinor;
  }
  return new Transaction(ledger, position, account, amountMinor);
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

/** One page of an account's history, newest first. @throws InvalidArgumentError for a bad limit, cursor or filter */
export function historyPage(ledger: Ledger, account: number, options: HistoryPageOptions): HistoryPage {
  const limit = pageLimit(options.limit);
  const history = ledger.historyOf(account);
  const { from, to } = window(options);
  // The entries between the cursor and the window's ends, as indexes into the history.
  let upper = options.before === undefined ? history.length - 1 : cursorIndex(ledger, account, options.before) - 1;
  if (to !== Number.POSITIVE_INFINITY) upper = Math.min(upper, history.lastAtOrBefore(ledger.journal.lastAtOrBefore(to)));
  const lower = from === Number.NEGATIVE_INFINITY ? 0 : history.lastAtOrBefore(ledger.journal.lastAtOrBefore(from - 1)) + 1;
  if (options.reference !== undefined) return referencePage(ledger, account, options, limit, upper, lower);
  const type = options.type;
  if (type !== undefined && !TRANSACTION_TYPES.includes(type)) {
    throw new InvalidArgumentError(`Transaction type must be one of ${TRANSACTION_TYPES.join(", ")}`);
  }
  const transactions: Transaction[] = [];
  let index = upper;
  for (let scanned = 0; index >= lower && transactions.length < limit && scanned < HISTORY_SCAN_MAX; index--, scanned++) {
    if (type !== undefined && entryType(ledger, account, history.at(index)) !== type) continue;
    transactions.push(transactionAt(ledger, account, index));
  }
  // The next page starts just before the last entry looked at.
  return { transactions, nextBefore: index >= lower ? history.at(index + 1) + 1 : null };
}

/**
 * A page of the transactions carrying a reference, read from the reference's own list: its cost is
 * the transactions that carry it, not the account's history.
 */
function referencePage(
  ledger: Ledger, account: number, options: HistoryPageOptions, limit: number, upper: number, lower: number,
): HistoryPage {
  const number = ledger.references.find(options.reference as string);
  const history = ledger.historyOf(account);
  if (number === 0 || upper < lower) return { transactions: [], nextBefore: null };
  const positions = ledger.references.positionsOf(number);
  const highest = history.at(upper);
  const lowest = history.at(lower);
  const transactions: Transaction[] = [];
  for (let at = positions.lastAtOrBefore(highest); at >= 0 && transactions.length < limit; at--) {
    const position = positions.at(at);
    if (position < lowest) break;
    const index = history.indexOf(position);
    if (index < 0 || (options.type !== undefined && entryType(ledger, account, position) !== options.type)) continue;
    transactions.push(transactionAt(ledger, account, index));
  }
  const last = transactions[transactions.length - 1];
  return { transactions, nextBefore: transactions.length === limit && last !== undefined ? last.id : null };
}

/** The filter's time window, in ms; the whole of time when not given. */
function window(options: HistoryPageOptions): { from: number; to: number } {
  const from = options.from === undefined ? Number.NEGATIVE_INFINITY : instantMs(options.from, "from");
  const to = options.to === undefined ? Number.POSITIVE_INFINITY : instantMs(options.to, "to");
  if (from > to) throw new InvalidArgumentError("'from' must not be after 'to'");
  return { from, to };
}

/** The type of the entry at `position` as `account` sees it, without building the transaction. */
function entryType(ledger: Ledger, account: number, position: number): TransactionType {
  return transactionType(ledger.journal.kind(position), ledger.journal.debitAccount(position) === account);
}

/** The index in the account's history of the transaction whose id is `before`. */
function cursorIndex(ledger: Ledger, account: number, before: number): number {
  const index = Number.isSafeInteger(before) ? ledger.historyOf(account).indexOf(before - 1) : -1;
  if (index < 0) {
    throw new InvalidArgumentError(`Cursor ${String(before)} is not a transaction of account '${ledger.nameAt(account)}'`);
  }
  return index;
}

/** Every type of transaction, for checking a filter. */
export const TRANSACTION_TYPES: readonly TransactionType[] = [
  "account_opened", "deposit", "withdrawal", "transfer_out", "transfer_in",
  "hold_created", "hold_posted", "hold_voided", "hold_expired",
];
