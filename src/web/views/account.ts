// One account: its balance (and what is available and held, where the server has holds), a chart
// of its balance, and its history a page at a time, newest first. The account's own event stream
// keeps all three current from the newest transaction read, so nothing is missed or counted twice.

import { accountPath, get, Problem, reportUnauthorized } from "../api.js";
import { formatDateTime } from "../dates.js";
import { flash, h, perFrame } from "../dom.js";
import { EventStreamClient } from "../event-stream.js";
import { formatAmount, formatSignedAmount } from "../money.js";
import { href, type Route } from "../router.js";
import { authorizationHeaders } from "../session.js";
import type { AccountBody, HistoryPage, StreamTransaction, TransactionBody } from "../types.js";
import { BalanceChart, type BalancePoint } from "./chart.js";
import type { View, ViewContext } from "./view.js";

/** Transactions per page of history. */
export const HISTORY_PAGE = 25;
/** Transactions the chart draws: the API's largest page. */
export const CHART_POINTS = 1000;

const OUTGOING = new Set(["withdrawal", "transfer_out"]);

/** A history row: what, when, how much, and the balance after. */
function historyRow(transaction: TransactionBody, linkCounterparty: boolean): HTMLTableRowElement {
  const outgoing = OUTGOING.has(transaction.type);
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
    h("td", { class: `amount ${outgoing ? "out" : "in"}`, "data-label": "Amount" }, formatSignedAmount(transaction.amount, outgoing)),
    h("td", { class: "amount", "data-label": "Balance" }, formatAmount(transaction.balance_after)),
  );
}

const pointOf = (transaction: TransactionBody): BalancePoint => ({
  timeMs: Date.parse(transaction.timestamp),
  balance: transaction.balance_after,
});

export function accountView(context: ViewContext): View {
  const { main, route } = context;
  const name = route.name;
  const path = accountPath(name);
  const linkCounterparty = context.holder === null;
  // Cursors of the newer pages, for "Newer"; the newest page's is undefined.
  const newer: (number | undefined)[] = [];
  let before = numberParam(route.params.get("before"));
  let rows: TransactionBody[] = [];
  let olderCursor: number | null = null;
  let points: BalancePoint[] = [];
  let completeChart = false;
  let account: AccountBody | null = null;
  let stream: EventStreamClient | null = null;
  let pageLoad: AbortController | null = null;

  const balance = h("dd", { id: "account-balance", "aria-live": "polite" }, "…");
  const holds = h("div", { class: "holds", hidden: true });
  const chart = new BalanceChart();
  const body = h("tbody");
  const table = h(
    "table",
    { class: "history" },
    h("caption", {}, "Transactions, newest first"),
    h("thead", {}, h("tr", {}, ...["Id", "When", "What", "With", "Amount", "Balance"].map((label, index) =>
      h("th", { scope: "col", class: index >= 4 ? "amount" : undefined }, label)))),
    body,
  );
  const newerButton = h("button", { type: "button" }, "Newer");
  const newestButton = h("button", { type: "button" }, "Newest");
  const olderButton = h("button", { type: "button" }, "Older");
  const actions = h(
    "p",
    { class: "actions" },
    context.holder === null ? h("a", { class: "button", href: href("move", { account: name, form: "deposit" }) }, "Deposit") : null,
    h("a", { class: "button", href: href("move", { account: name, form: "withdraw" }) }, "Withdraw"),
    h("a", { class: "button", href: href("move", { account: name, form: "transfer" }) }, "Transfer from this account"),
  );

  main.append(
    context.heading(name),
    h("dl", { class: "stats" }, h("div", { class: "stat" }, h("dt", {}, "Balance"), balance), holds),
    actions,
    h("section", { "aria-labelledby": "chart-heading" }, h("h2", { id: "chart-heading" }, "Balance over time"), chart.element),
    h(
      "section",
      { "aria-labelledby": "history-heading" },
      h("h2", { id: "history-heading" }, "History"),
      table,
      h("nav", { class: "pager", "aria-label": "Pages of history" }, newestButton, newerButton, olderButton),
    ),
  );

  const showAccount = (value: AccountBody) => {
    account = value;
    balance.textContent = formatAmount(value.balance);
    // Holds, where the server has them: what may be spent and what is set aside.
    if (typeof value.available === "number" && typeof value.held === "number") {
      holds.hidden = false;
      holds.replaceChildren(
        h("div", { class: "stat" }, h("dt", {}, "Available"), h("dd", {}, formatAmount(value.available))),
        h("div", { class: "stat" }, h("dt", {}, "Held"), h("dd", {}, formatAmount(value.held))),
      );
    }
  };
  const showRows = () => {
    body.replaceChildren(...rows.map((transaction) => historyRow(transaction, linkCounterparty)));
    newerButton.hidden = newer.length === 0;
    // "Newest" only where "Newer" would not already lead there.
    newestButton.hidden = before === undefined || newer.length === 1;
    olderButton.hidden = olderCursor === null;
  };
  const showPage = (page: readonly TransactionBody[], more: boolean) => {
    rows = page.slice(0, HISTORY_PAGE);
    olderCursor = more || page.length > HISTORY_PAGE ? (rows[rows.length - 1]?.id ?? null) : null;
    showRows();
  };

  /** Transactions from the account's stream: the balance, the chart and the newest page follow. */
  const received = perFrame<StreamTransaction>((transactions) => {
    const last = transactions[transactions.length - 1];
    if (last === undefined || account === null) return;
    showAccount({ ...account, balance: last.balance_after });
    flash(balance);
    if (account.held !== undefined) refreshAccount();
    points.push(...transactions.map(pointOf));
    if (points.length > CHART_POINTS) {
      points = points.slice(-CHART_POINTS);
      completeChart = false;
    }
    chart.update(points, completeChart);
    if (before !== undefined) return;
    const more = rows.length + transactions.length > HISTORY_PAGE || olderCursor !== null;
    showPage([...transactions.slice().reverse(), ...rows], more);
    for (const row of Array.from(body.rows).slice(0, transactions.length)) flash(row);
  });
  let refreshing = false;
  const refreshAccount = () => {
    if (refreshing) return;
    refreshing = true;
    get<AccountBody>(path, context.signal).then(showAccount, () => {}).finally(() => (refreshing = false));
  };

  const loadPage = async () => {
    pageLoad?.abort();
    pageLoad = new AbortController();
    const signal = AbortSignal.any([context.signal, pageLoad.signal]);
    main.setAttribute("aria-busy", "true");
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (before !== undefined) query.set("before", String(before));
    const page = await get<HistoryPage>(`${path}/history?${query.toString()}`, signal);
    if (signal.aborted) return;
    showPage(page.transactions, page.next_before !== null);
    main.removeAttribute("aria-busy");
    history.replaceState(null, "", href("account", { before }, name));
    // A paging button that went away (on the last page) leaves the focus nowhere: give it to another.
    if (document.activeElement === document.body) [olderButton, newerButton, newestButton].find((button) => !button.hidden)?.focus();
    context.ready("history");
  };

  const start = async () => {
    // The newest page of history comes with the chart's transactions: one request for both.
    const newest = before === undefined;
    const [value, recent, page] = await Promise.all([
      get<AccountBody>(path, context.signal),
      get<HistoryPage>(`${path}/history?limit=${CHART_POINTS}`, context.signal),
      newest ? null : get<HistoryPage>(`${path}/history?limit=${HISTORY_PAGE}&before=${before}`, context.signal),
    ]);
    if (context.signal.aborted) return;
    showAccount(value);
    points = recent.transactions.map(pointOf).reverse();
    completeChart = recent.next_before === null;
    chart.update(points, completeChart);
    if (page === null) showPage(recent.transactions, recent.next_before !== null);
    else showPage(page.transactions, page.next_before !== null);
    main.removeAttribute("aria-busy");
    context.ready();
    stream = new EventStreamClient({
      path: `/events?account=${encodeURIComponent(name)}`,
      after: recent.transactions[0]?.id ?? 0,
      headers: authorizationHeaders,
      onTransactions: received,
      onUnauthorized: () => reportUnauthorized(new Problem(401, "UNAUTHORIZED", "Sign in to follow this account", {})),
    });
    stream.start();
  };

  const go = (cursor: number | undefined) => {
    before = cursor;
    loadPage().catch(context.fail);
  };
  olderButton.addEventListener("click", () => {
    if (olderCursor === null) return;
    newer.push(before);
    go(olderCursor);
  });
  newerButton.addEventListener("click", () => go(newer.pop()));
  newestButton.addEventListener("click", () => {
    newer.length = 0;
    go(undefined);
  });

  main.setAttribute("aria-busy", "true");
  start().catch(context.fail);

  return {
    update(next: Route) {
      if (next.name !== name) return false;
      const cursor = numberParam(next.params.get("before"));
      if (cursor !== before) go(cursor);
      return true;
    },
    dispose() {
      stream?.stop();
      pageLoad?.abort();
    },
  };
}

function numberParam(text: string | null): number | undefined {
  return text !== null && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined;
}
