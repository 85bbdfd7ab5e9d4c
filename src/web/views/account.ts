// One account: its balance (and what is available and held, where the server has holds), a chart
// of its balance, and its history a page at a time, newest first. The account's own event stream
// keeps all three current from the newest transaction read, so nothing is missed or counted twice.

import { accountPath, get, Problem, reportUnauthorized } from "../api.js";
import { flash, h, perFrame } from "../dom.js";
import { EventStreamClient } from "../event-stream.js";
import { formatAmount } from "../money.js";
import { href, type Route } from "../router.js";
import { authorizationHeaders } from "../session.js";
import type { AccountBody, HistoryPage, StreamTransaction, TransactionBody } from "../types.js";
import { BalanceChart, type BalancePoint } from "./chart.js";
import { HISTORY_PAGE, HistoryTable } from "./history.js";
import type { View, ViewContext } from "./view.js";

/** Transactions the chart draws: the API's largest page. */
export const CHART_POINTS = 1000;

const pointOf = (transaction: TransactionBody): BalancePoint => ({
  timeMs: Date.parse(transaction.timestamp),
  balance: transaction.balance_after,
});

function numberParam(text: string | null): number | undefined {
  return text !== null && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : undefined;
}

/** The balance, and what is available, held and incoming where the server reports holds. */
class Balances {
  readonly element: HTMLElement;
  account: AccountBody | null = null;
  private readonly balance = h("dd", { id: "account-balance", "aria-live": "polite" }, "…");
  private readonly available = h("dd", {}, "…");
  private readonly held = h("dd", {}, "…");
  private readonly incoming = h("dd", {}, "…");
  // Groups of a list of terms are its own children (a dl holds dt/dd pairs, or divs of them).
  private readonly holds = [
    h("div", { class: "stat", hidden: true }, h("dt", {}, "Available"), this.available),
    h("div", { class: "stat", hidden: true }, h("dt", {}, "Held"), this.held),
    h("div", { class: "stat", hidden: true }, h("dt", {}, "Incoming, held"), this.incoming),
  ];

  constructor() {
    this.element = h("dl", { class: "stats" }, h("div", { class: "stat" }, h("dt", {}, "Balance"), this.balance), ...this.holds);
  }

  show(account: AccountBody, changed = false): void {
    this.account = account;
    this.balance.textContent = formatAmount(account.balance);
    if (changed) flash(this.balance);
    if (typeof account.available !== "number" || typeof account.held !== "number") return;
    this.available.textContent = formatAmount(account.available);
    this.held.textContent = formatAmount(account.held);
    for (const stat of this.holds) stat.hidden = false;
    // Shown where the server reports it.
    const incoming = account.incoming_held;
    if (incoming === undefined) (this.holds[2] as HTMLElement).hidden = true;
    else this.incoming.textContent = formatAmount(incoming);
  }
}

function actions(name: string, holder: string | null): HTMLElement {
  const link = (form: string, text: string) => h("a", { class: "button", href: href("move", { account: name, form }) }, text);
  return h("p", { class: "actions" }, holder === null ? link("deposit", "Deposit") : null, link("withdraw", "Withdraw"), link("transfer", "Transfer from this account"));
}

export function accountView(context: ViewContext): View {
  const { main, route } = context;
  const name = route.name;
  const path = accountPath(name);
  const balances = new Balances();
  const chart = new BalanceChart();
  let points: BalancePoint[] = [];
  let completeChart = false;
  let stream: EventStreamClient | null = null;
  let refreshing = false;

  const go = (cursor: number | undefined) => {
    main.setAttribute("aria-busy", "true");
    void historyTable.load(cursor, context.signal).then((shown) => {
      if (!shown) return;
      main.removeAttribute("aria-busy");
      history.replaceState(null, "", href("account", { before: cursor }, name));
      context.ready("history");
    }, context.fail);
  };
  const historyTable = new HistoryTable(path, numberParam(route.params.get("before")), context.holder === null, go);
  const content = [
    balances.element,
    actions(name, context.holder),
    h("section", { "aria-labelledby": "chart-heading" }, h("h2", { id: "chart-heading" }, "Balance over time"), chart.element),
    h("section", { "aria-labelledby": "history-heading" }, h("h2", { id: "history-heading" }, "History"), historyTable.element),
  ];
  main.append(context.heading(name), ...content);

  // Holds change what is available without a transaction of this account's: read it again.
  const refreshAccount = () => {
    if (refreshing) return;
    refreshing = true;
    get<AccountBody>(path, context.signal).then((account) => balances.show(account), () => {}).finally(() => (refreshing = false));
  };
  /** Transactions from the account's stream: the balance, the chart and the newest page follow. */
  const received = perFrame<StreamTransaction>((transactions) => {
    const last = transactions[transactions.length - 1];
    const account = balances.account;
    if (last === undefined || account === null) return;
    balances.show({ ...account, balance: last.balance_after }, true);
    if (account.held !== undefined) refreshAccount();
    points = [...points, ...transactions.map(pointOf)];
    if (points.length > CHART_POINTS) {
      points = points.slice(-CHART_POINTS);
      completeChart = false;
    }
    chart.update(points, completeChart);
    historyTable.prepend(transactions);
  });

  const start = async () => {
    // The newest page of history comes with the chart's transactions: one request for both.
    const before = historyTable.before;
    const [account, recent, page] = await Promise.all([
      get<AccountBody>(path, context.signal),
      get<HistoryPage>(`${path}/history?limit=${CHART_POINTS}`, context.signal),
      before === undefined ? null : get<HistoryPage>(`${path}/history?limit=${HISTORY_PAGE}&before=${before}`, context.signal),
    ]);
    if (context.signal.aborted) return;
    balances.show(account);
    points = recent.transactions.map(pointOf).reverse();
    completeChart = recent.next_before === null;
    chart.update(points, completeChart);
    const shown = page ?? recent;
    historyTable.show(shown.transactions, shown.next_before !== null);
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

  main.setAttribute("aria-busy", "true");
  start().catch((error: unknown) => {
    // Refused (another holder's account, one that does not exist): the refusal alone, no empty frames.
    if (!context.signal.aborted) for (const element of content) element.remove();
    context.fail(error);
  });
  return {
    update(next: Route) {
      if (next.name !== name) return false;
      const cursor = numberParam(next.params.get("before"));
      if (cursor !== historyTable.before) go(cursor);
      return true;
    },
    dispose() {
      stream?.stop();
      historyTable.stop();
    },
  };
}
