// The live feed: the latest transactions as the bank commits them, newest first, from the page's
// event stream. It can be paused (content that moves by itself must be stoppable), and it says
// how many arrived through the polite live region, at most every few seconds.

import { formatDateTime } from "../dates.js";
import { h } from "../dom.js";
import { FEED_LENGTH_MAX } from "../live.js";
import { formatAmount, formatCount } from "../money.js";
import { href } from "../router.js";
import type { StreamTransaction } from "../types.js";
import type { View, ViewContext } from "./view.js";

const ANNOUNCE_EVERY_MS = 5000;

function feedItem(transaction: StreamTransaction, linkAccounts: boolean): HTMLLIElement {
  const account = linkAccounts ? h("a", { href: href("account", {}, transaction.account) }, transaction.account) : transaction.account;
  return h(
    "li",
    {},
    h("span", { class: "feed-id" }, `#${transaction.id}`),
    h("time", { datetime: transaction.timestamp }, formatDateTime(transaction.timestamp)),
    h("span", { class: "feed-account" }, account),
    h("span", { class: "feed-what" }, transaction.description),
    h("span", { class: "feed-balance" }, `balance ${formatAmount(transaction.balance_after)}`),
  );
}

export function feedView(context: ViewContext): View {
  const { live } = context;
  const linkAccounts = context.holder === null;
  const list = h("ol", { class: "feed", reversed: true, "aria-label": "Latest transactions, newest first" });
  const empty = h("p", { class: "hint" }, "No transaction yet since this page was opened: they appear here as they happen.");
  const pause = h("button", { type: "button", "aria-pressed": "false" }, "Pause");
  let paused = false;
  let unseen = 0;

  const draw = () => {
    list.replaceChildren(...live.feed.map((transaction) => feedItem(transaction, linkAccounts)));
    empty.hidden = live.feed.length > 0;
  };
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? "Resume" : "Pause";
    if (!paused) draw();
  });
  const timer = setInterval(() => {
    if (unseen === 0 || paused) return;
    context.announce(`${formatCount(unseen)} new transaction${unseen === 1 ? "" : "s"} in the feed`);
    unseen = 0;
  }, ANNOUNCE_EVERY_MS);
  const unsubscribe = live.subscribe((received) => {
    unseen += received.length;
    if (!paused) draw();
  });

  context.main.append(
    context.heading("Live feed"),
    h("p", {}, `Every transaction as the bank commits it, newest first: the last ${FEED_LENGTH_MAX}.`),
    h("p", { class: "actions" }, pause),
    empty,
    list,
  );
  void context.whenLive().then(() => {
    if (context.signal.aborted) return;
    draw();
    context.ready();
  }, context.fail);
  return {
    dispose() {
      clearInterval(timer);
      unsubscribe();
    },
  };
}
