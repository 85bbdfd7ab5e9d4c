// The first screen: the bank in four numbers (accounts, money, transactions, and the rate at which
// transactions arrive now) and the first page of accounts, all kept current by the event stream.

import { h } from "../dom.js";
import { RATE_WINDOW_SECONDS } from "../live.js";
import { formatCents, formatCount } from "../money.js";
import { href } from "../router.js";
import { AccountTable } from "./account-table.js";
import type { View, ViewContext } from "./view.js";

/** Accounts on the first screen. */
export const OVERVIEW_ACCOUNTS = 20;

const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function overviewView(context: ViewContext): View {
  const { main, live } = context;
  const value = (id: string) => h("dd", { id }, "…");
  const accounts = value("stat-accounts");
  const money = value("stat-money");
  const transactions = value("stat-transactions");
  const rate = value("stat-rate");
  const stat = (label: string, element: HTMLElement, hint?: string) =>
    h("div", { class: "stat" }, h("dt", {}, label), element, hint === undefined ? null : h("dd", { class: "hint" }, hint));
  const table = new AccountTable("The first accounts by name, with their balances", {
    prefix: "",
    after: undefined,
    limit: OVERVIEW_ACCOUNTS,
  });
  main.append(
    context.heading("Overview"),
    h(
      "dl",
      { class: "stats" },
      stat("Accounts", accounts),
      stat("Money in the bank", money),
      stat("Transactions", transactions),
      stat("Live rate", rate, `transactions per second, over the last ${RATE_WINDOW_SECONDS} s`),
    ),
    h(
      "section",
      { "aria-labelledby": "overview-accounts" },
      h("h2", { id: "overview-accounts" }, "Accounts"),
      table.element,
      h("p", {}, h("a", { href: href("accounts") }, "All accounts, with search")),
    ),
  );

  const showTotals = () => {
    const totals = live.totals;
    if (totals === null) return;
    accounts.textContent = formatCount(totals.accounts);
    money.textContent = formatCents(totals.totalCents);
    transactions.textContent = formatCount(totals.transactions);
  };
  const showRate = () => {
    rate.textContent = rateFormat.format(live.rate.perSecond());
  };
  let unsubscribe = () => {};
  const timer = setInterval(showRate, 1000);

  void (async () => {
    await context.whenLive();
    if (context.signal.aborted) return;
    await table.load(live.position, context.signal);
    if (context.signal.aborted) return;
    showTotals();
    showRate();
    unsubscribe = live.subscribe((received) => {
      table.apply(received);
      showTotals();
      showRate();
    });
    context.ready();
  })().catch(context.fail);

  return {
    dispose() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
