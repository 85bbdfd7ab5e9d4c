// An account's history, a page at a time, newest first: the table, and Older, Newer and Newest.
// The newest page also takes the account's new transactions as they come.

import { get } from "../api.js";
import { formatDateTime } from "../dates.js";
import { flash, h } from "../dom.js";
import { formatAmount, formatSignedAmount } from "../money.js";
import { href } from "../router.js";
import type { HistoryPage, TransactionBody } from "../types.js";

/** Transactions per page of history. */
export const HISTORY_PAGE = 25;

const OUTGOING = new Set(["withdrawal", "transfer_out"]);
// A hold's steps that reserve or release money move none: their amount is shown without a sign.
const RESERVING: ReadonlySet<string> = new Set(["hold_created", "hold_voided", "hold_expired"]);

/** The amount cell: money out with a minus, money in with a plus, money only reserved with neither. */
function amountCell(transaction: TransactionBody): HTMLTableCellElement {
  if (RESERVING.has(transaction.type)) {
    return h("td", { class: "amount", "data-label": "Amount" }, formatAmount(transaction.amount));
  }
  const outgoing = OUTGOING.has(transaction.type) || (transaction.type === "hold_posted" && transaction.incoming === false);
  return h("td", { class: `amount ${outgoing ? "out" : "in"}`, "data-label": "Amount" }, formatSignedAmount(transaction.amount, outgoing));
}
const COLUMNS = ["Id", "When", "What", "With", "Amount", "Balance"];

/** A history row: what, when, how much, and the balance after. */
function historyRow(transaction: TransactionBody, linkCounterparty: boolean): HTMLTableRowElement {
  const counterparty = transaction.counterparty;
  return h(
    "tr",
    {},
    h("td", { "data-label": "Id" }, String(transaction.id)),
    h("td", { "data-label": "When" }, h("time", { datetime: transaction.timestamp }, formatDateTime(transaction.timestamp))),
    h("td", { "data-label": "What" }, transaction.description),
    h(
      "td",
      { "data-label": "With" },
      counterparty === null ? "" : linkCounterparty ? h("a", { href: href("account", {}, counterparty) }, counterparty) : counterparty,
    ),
    amountCell(transaction),
    h("td", { class: "amount", "data-label": "Balance" }, formatAmount(transaction.balance_after)),
  );
}

/** The history table of the account at `path` (`/accounts/NAME`), with its pager. */
export class HistoryTable {
  readonly element: HTMLElement;
  /** The cursor of the page shown: undefined on the newest page. */
  before: number | undefined;
  private rows: TransactionBody[] = [];
  private olderCursor: number | null = null;
  /** Cursors of the newer pages, for "Newer"; the newest page's is undefined. */
  private readonly newer: (number | undefined)[] = [];
  private readonly body = h("tbody");
  private readonly older = h("button", { type: "button" }, "Older");
  private readonly newerButton = h("button", { type: "button" }, "Newer");
  private readonly newest = h("button", { type: "button" }, "Newest");
  private loading: AbortController | null = null;

  constructor(
    private readonly path: string,
    before: number | undefined,
    private readonly linkCounterparty: boolean,
    /** Asked to show the page before `cursor` (undefined: the newest). */
    private readonly go: (cursor: number | undefined) => void,
  ) {
    this.before = before;
    const head = h("tr", {}, ...COLUMNS.map((label, index) => h("th", { scope: "col", class: index >= 4 ? "amount" : undefined }, label)));
    this.element = h(
      "div",
      {},
      h("table", { class: "history" }, h("caption", {}, "Transactions, newest first"), h("thead", {}, head), this.body),
      h("nav", { class: "pager", "aria-label": "Pages of history" }, this.newest, this.newerButton, this.older),
    );
    this.older.addEventListener("click", () => {
      if (this.olderCursor === null) return;
      this.newer.push(this.before);
      this.go(this.olderCursor);
    });
    this.newerButton.addEventListener("click", () => this.go(this.newer.pop()));
    this.newest.addEventListener("click", () => {
      this.newer.length = 0;
      this.go(undefined);
    });
  }

  /** Shows `page` (newest first); `more` when older transactions exist beyond it. */
  show(page: readonly TransactionBody[], more: boolean): void {
    this.rows = page.slice(0, HISTORY_PAGE);
    this.olderCursor = more || page.length > HISTORY_PAGE ? (this.rows[this.rows.length - 1]?.id ?? null) : null;
    this.body.replaceChildren(...this.rows.map((transaction) => historyRow(transaction, this.linkCounterparty)));
    this.newerButton.hidden = this.newer.length === 0;
    // "Newest" only where "Newer" would not already lead there.
    this.newest.hidden = this.before === undefined || this.newer.length === 1;
    this.older.hidden = this.olderCursor === null;
  }

  /** New transactions of the account, oldest first: on the newest page, they go on top. */
  prepend(transactions: readonly TransactionBody[]): void {
    if (this.before !== undefined || transactions.length === 0) return;
    const more = this.rows.length + transactions.length > HISTORY_PAGE || this.olderCursor !== null;
    this.show([...transactions.slice().reverse(), ...this.rows], more);
    for (const row of Array.from(this.body.rows).slice(0, transactions.length)) flash(row);
  }

  /** Reads and shows the page before `cursor`; resolves once it is shown (false if overtaken). */
  async load(cursor: number | undefined, signal: AbortSignal): Promise<boolean> {
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    const both = AbortSignal.any([signal, loading.signal]);
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (cursor !== undefined) query.set("before", String(cursor));
    const page = await get<HistoryPage>(`${this.path}/history?${query.toString()}`, both);
    if (both.aborted) return false;
    this.before = cursor;
    this.show(page.transactions, page.next_before !== null);
    // A paging button that went away (on the last page) leaves the focus nowhere: give it to another.
    if (document.activeElement === document.body) [this.older, this.newerButton, this.newest].find((button) => !button.hidden)?.focus();
    return true;
  }

  stop(): void {
    this.loading?.abort();
  }
}
