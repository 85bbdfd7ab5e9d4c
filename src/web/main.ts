// The dashboard's entry: reads the bank's totals, follows the event stream, and draws the screen
// the address names. One stream serves the whole page (an account holder's follows its account);
// a 401 from any request asks the person to sign in, and the credential goes with every request.

import { accountPath, get, NoAnswer, onUnauthorized, Problem } from "./api.js";
import { byId, h, perFrame } from "./dom.js";
import { EventStreamClient, type StreamStatus } from "./event-stream.js";
import { LiveBank } from "./live.js";
import { href, parseRoute, type Route, type Screen } from "./router.js";
import { authorizationHeaders, clearCredential, loadCredential } from "./session.js";
import type { HistoryPage, Summary } from "./types.js";
import { accountView } from "./views/account.js";
import { accountsView } from "./views/accounts.js";
import { batchView } from "./views/batch.js";
import { feedView } from "./views/feed.js";
import { moveView } from "./views/move.js";
import { openView } from "./views/open.js";
import { overviewView } from "./views/overview.js";
import { signInView } from "./views/sign-in.js";
import type { View, ViewContext, Views } from "./views/view.js";

/** Transactions already committed that the live feed starts with. */
const FEED_PRELOAD = 20;

const main = byId("main");
const announcer = byId("announcer");
const streamStatus = byId("stream-status");
const signOut = byId<HTMLButtonElement>("sign-out");
const ownAccount = byId<HTMLAnchorElement>("nav-own");

const live = new LiveBank();
let stream: EventStreamClient | null = null;
let liveReady: Promise<void> = Promise.resolve();
let current: { screen: Screen; view: View; controller: AbortController } | null = null;
let navigated = false;

const views: Views = {
  overview: overviewView,
  accounts: accountsView,
  account: accountView,
  open: openView,
  move: moveView,
  batch: batchView,
  feed: feedView,
  "sign-in": (context) => signInView(context, signedIn),
};

/** The account of a holder's token, or null. */
function holder(): string | null {
  return loadCredential()?.account ?? null;
}

const STATUS_TEXT: Readonly<Record<StreamStatus, string>> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  stopped: "Not live",
};

function showStatus(status: StreamStatus): void {
  streamStatus.textContent = STATUS_TEXT[status];
  streamStatus.dataset.state = status;
}

/** Reads where the stream starts (the totals, or a holder's latest transactions) and follows it. */
async function startLive(): Promise<void> {
  stream?.stop();
  stream = null;
  const account = holder();
  let path = "/events";
  let after: number;
  if (account === null) {
    const summary = await get<Summary>("/summary");
    live.setSummary(summary);
    after = Math.max(0, summary.transactions - FEED_PRELOAD);
  } else {
    path = `/events?account=${encodeURIComponent(account)}`;
    const page = await get<HistoryPage>(`${accountPath(account)}/history?limit=${FEED_PRELOAD}`);
    live.countFrom(page.transactions[0]?.id ?? 0);
    after = (page.transactions[page.transactions.length - 1]?.id ?? 1) - 1;
  }
  stream = new EventStreamClient({
    path,
    after,
    headers: authorizationHeaders,
    onTransactions: perFrame((transactions) => live.receive(transactions)),
    onStatus: showStatus,
    onUnauthorized: askToSignIn,
    onReset: () => {
      // The server has less history than this page saw: it was restarted. Start afresh.
      live.feed.length = 0;
      restartLive();
      render(true);
    },
  });
  stream.start();
}

function restartLive(): void {
  liveReady = startLive();
  // Each screen that waits for it says why it failed; the page itself has nothing to add.
  liveReady.catch(() => {});
}

function askToSignIn(): void {
  if (parseRoute(location.hash).screen === "sign-in") return;
  stream?.stop();
  clearCredential();
  showMode();
  const next = location.hash.startsWith("#/") ? location.hash : "#/";
  location.hash = href("sign-in", { next });
}

function signedIn(account: string | null): void {
  showMode();
  restartLive();
  const next = parseRoute(location.hash).params.get("next");
  if (account !== null) location.hash = href("account", {}, account);
  else location.hash = next !== null && next.startsWith("#/") && !next.startsWith("#/sign-in") ? next : "#/";
}

/** Shows what the credential may use: a holder sees its own account, not the bank's lists. */
function showMode(): void {
  const account = holder();
  for (const item of document.querySelectorAll<HTMLElement>("[data-for]")) {
    item.hidden = item.dataset.for === "bank" ? account !== null : account === null;
  }
  if (account !== null) ownAccount.href = href("account", {}, account);
  signOut.hidden = loadCredential() === null;
}

function announce(text: string): void {
  // Emptied first, so that the same words said twice are announced twice.
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = text), 50);
}

function fail(error: unknown, signal: AbortSignal): void {
  if (signal.aborted || (error instanceof DOMException && error.name === "AbortError")) return;
  // A 401 has already sent the person to sign in.
  if (error instanceof Problem && error.status === 401) return;
  main.removeAttribute("aria-busy");
  const detail = error instanceof Problem ? error.detail : error instanceof NoAnswer ? "No answer from the server." : String(error);
  const again = h("button", { type: "button", onclick: () => render(true) }, "Try again");
  main.append(h("div", { class: "problem", role: "alert" }, h("p", {}, detail), again));
}

function markNavigation(route: Route): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("#nav a")) {
    const target = parseRoute(link.hash);
    const here = target.screen === route.screen && (route.screen !== "account" || target.name === route.name);
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

/** Draws the screen of the address; `force` draws it anew even if the screen could follow. */
function render(force = false): void {
  const route = parseRoute(location.hash);
  const account = holder();
  if (account !== null && (route.screen === "overview" || route.screen === "accounts" || route.screen === "open")) {
    location.replace(href("account", {}, account));
    return;
  }
  if (!force && current !== null && current.screen === route.screen && current.view.update?.(route) === true) return;
  current?.controller.abort();
  current?.view.dispose?.();
  main.replaceChildren();
  main.removeAttribute("data-ready");
  main.setAttribute("aria-busy", "true");
  const controller = new AbortController();
  let heading: HTMLHeadingElement | null = null;
  const context: ViewContext = {
    main,
    route,
    live,
    holder: account,
    signal: controller.signal,
    announce,
    ready: (what) => {
      if (controller.signal.aborted) return;
      const name = what ?? route.screen;
      main.removeAttribute("aria-busy");
      main.dataset.ready = name;
      performance.mark(`dashboard:ready:${name}`);
    },
    heading: (text) => {
      heading = h("h1", { tabindex: -1 }, text);
      document.title = `${text} · banking-system`;
      return heading;
    },
    whenLive: () => liveReady,
    fail: (error) => fail(error, controller.signal),
  };
  performance.mark(`dashboard:navigate:${route.screen}`);
  current = { screen: route.screen, view: views[route.screen](context), controller };
  markNavigation(route);
  // After a navigation the heading takes the focus, unless the screen gave it to a field.
  if (navigated && !main.contains(document.activeElement)) (heading as HTMLHeadingElement | null)?.focus();
  navigated = true;
}

onUnauthorized(askToSignIn);
window.addEventListener("hashchange", () => render());
signOut.addEventListener("click", () => {
  clearCredential();
  showMode();
  restartLive();
  if (parseRoute(location.hash).screen === "overview") render(true);
  else location.hash = "#/";
});
byId("skip-link").addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
});
showMode();
restartLive();
render();
