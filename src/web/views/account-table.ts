// A page of accounts and their balances, kept current by the event stream: a balance changes when
// money moves, and an account opened by anyone appears in its place if it falls within the page.

import { get } from "../api.js";
import { flash, h } from "../dom.js";
import { formatAmount } from "../money.js";
import { href } from "../router.js";
import type { AccountBody, AccountPage, StreamTransaction } from "../types.js";

export interface AccountQuery {
  readonly prefix: string;
  /** Start after this name (a page's cursor). */
  readonly after: string | undefined;
  readonly limit: number;
}

interface Row {
  readonly row: HTMLTableRowElement;
  readonly balance: HTMLTableCellElement;
}

/** A table of one page of accounts. */
export class AccountTable {
  readonly element: HTMLTableElement;
  /** The next page's cursor, null on the last page. */
  nextAfter: string | null = null;
  private readonly body = h("tbody");
  private readonly rows = new Map<string, Row>();
  /** The names shown, sorted as the server sorts them (UTF-16 code units, as `<` compares). */
  private names: string[] = [];
  /** Events up to this id are already reflected in the page. */
  private reflectedThrough = 0;

  constructor(
    caption: string,
    private readonly query: AccountQuery,
    /** Called when the page's cursor changes (an account was opened within it). */
    private readonly onCursorChange: () => void = () => {},
  ) {
    this.element = h(
      "table",
      { class: "accounts" },
      h("caption", {}, caption),
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Name"), h("th", { scope: "col", class: "amount" }, "Balance"))),
      this.body,
    );
  }

  /**
   * Reads the page. `reflectedThrough` is the id of the last event already received when the
   * request is sent: the page includes it and every one before, so those are not applied again.
   */
  async load(reflectedThrough: number, signal: AbortSignal): Promise<void> {
    const { prefix, after, limit } = this.query;
    const query = new URLSearchParams({ limit: String(limit) });
    if (prefix !== "") query.set("prefix", prefix);
    if (after !== undefined) query.set("after", after);
    this.reflectedThrough = reflectedThrough;
    const page = await get<AccountPage>(`/accounts?${query.toString()}`, signal);
    this.nextAfter = page.next_after;
    this.names = page.accounts.map((account) => account.name);
    this.rows.clear();
    this.body.replaceChildren(...page.accounts.map((account) => this.rowOf(account)));
    if (page.accounts.length === 0) this.body.append(this.emptyRow());
  }

  /** Applies transactions from the stream, in order. */
  apply(transactions: readonly StreamTransaction[]): void {
    const changed = new Set<HTMLTableRowElement>();
    for (const transaction of transactions) {
      if (transaction.id <= this.reflectedThrough) continue;
      if (transaction.type === "account_opened") this.opened({ name: transaction.account, balance: transaction.balance_after });
      this.setBalance(transaction.account, transaction.balance_after, changed);
      if (transaction.counterparty !== null && transaction.counterparty_balance_after !== null) {
        this.setBalance(transaction.counterparty, transaction.counterparty_balance_after, changed);
      }
    }
    for (const row of changed) flash(row);
  }

  private setBalance(name: string, balance: number, changed: Set<HTMLTableRowElement>): void {
    const row = this.rows.get(name);
    if (row === undefined) return;
    row.balance.textContent = formatAmount(balance);
    changed.add(row.row);
  }

  /** A new account: shown if the page covers its name. */
  private opened(account: AccountBody): void {
    const { prefix, after, limit } = this.query;
    const { name } = account;
    if (!name.startsWith(prefix) || (after !== undefined && name <= after) || this.rows.has(name)) return;
    if (this.nextAfter !== null && name > this.nextAfter) return;
    let index = 0;
    while (index < this.names.length && (this.names[index] as string) < name) index++;
    if (this.names.length === 0) this.body.replaceChildren();
    this.names.splice(index, 0, name);
    const row = this.rowOf(account);
    this.body.insertBefore(row, this.body.children[index] ?? null);
    if (this.names.length > limit) {
      const dropped = this.names.pop() as string;
      this.rows.get(dropped)?.row.remove();
      this.rows.delete(dropped);
      this.nextAfter = this.names[this.names.length - 1] as string;
      this.onCursorChange();
    }
  }

  private rowOf(account: AccountBody): HTMLTableRowElement {
    const balance = h("td", { class: "amount" }, formatAmount(account.balance));
    const row = h(
      "tr",
      {},
      h("th", { scope: "row" }, h("a", { href: href("account", {}, account.name) }, account.name)),
      balance,
    );
    this.rows.set(account.name, { row, balance });
    return row;
  }

  private emptyRow(): HTMLTableRowElement {
    const text = this.query.prefix === "" ? "No accounts yet." : `No account's name starts with "${this.query.prefix}".`;
    return h("tr", { class: "empty" }, h("td", { colspan: 2 }, text));
  }
}
