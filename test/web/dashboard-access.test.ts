// Signing in to the dashboard when the server asks for a credential. Access control lives in
// src/http/auth where it exists; here a stand-in hook answers as it does (401 with
// WWW-Authenticate: Bearer without a valid bearer, 403 beyond a holder's own account), so that
// the dashboard is shown to follow the protocol, not one implementation of it.

import type { FastifyReply, FastifyRequest } from "fastify";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balanceOf, call, inPage, launchChromium, openDashboard, runnable, serve, type DashboardPage, type Served } from "./browser.js";

const ADMIN_KEY = "admin-key-0123456789abcdef";
const HOLDER_TOKEN = "holder-token-of-ann-0123456789";
const HOLDER = "ann";

function refuse(reply: FastifyReply, status: 401 | 403, detail: string): FastifyReply {
  if (status === 401) reply.header("www-authenticate", 'Bearer realm="banking-system"');
  return reply
    .code(status)
    .type("application/problem+json")
    .send({ type: "about:blank", title: status === 401 ? "Unauthorized" : "Forbidden", status, detail, code: status === 401 ? "UNAUTHORIZED" : "FORBIDDEN" });
}

/** What a holder's token may do: read its account and history, follow its events, move money out. */
function holderMay(request: FastifyRequest): boolean {
  const url = new URL(request.url, "http://localhost");
  const own = `/accounts/${HOLDER}`;
  if (request.method === "GET") return url.pathname === own || url.pathname === `${own}/history` || (url.pathname === "/events" && url.searchParams.get("account") === HOLDER);
  if (url.pathname === `${own}/withdrawals`) return true;
  return url.pathname === "/transfers" && (request.body as { sender?: unknown } | undefined)?.sender === HOLDER;
}

/** The stand-in for access control: the page and its assets are public, the API is not. */
function guard(app: Served["app"]): void {
  app.addHook("preHandler", async (request, reply) => {
    const path = request.url.split("?")[0] as string;
    if (path === "/" || path.startsWith("/app/") || path === "/health") return;
    const authorization = request.headers.authorization;
    if (authorization === `Bearer ${ADMIN_KEY}`) return;
    if (authorization === `Bearer ${HOLDER_TOKEN}`) {
      if (!holderMay(request)) return refuse(reply, 403, "An account token may only read its own account and move money out of it");
      return;
    }
    return refuse(reply, 401, authorization === undefined ? "This route needs a credential" : "The bearer token is not valid");
  });
}

describe.skipIf(!runnable)("signing in to the dashboard, in Chromium", () => {
  let served: Served;
  let browser: Browser;
  const pages: DashboardPage[] = [];
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };

  beforeAll(async () => {
    served = await serve(guard);
    await call(served.url, "POST", "/accounts", { name: HOLDER, initial_balance: 50 }, admin);
    await call(served.url, "POST", "/accounts", { name: "bob", initial_balance: 0 }, admin);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const { errors } of pages) expect(errors).toEqual([]);
    await browser?.close();
    await served?.app.close();
  });

  const signIn = async (dashboard: DashboardPage, secret: string, account = "") => {
    await dashboard.page.fill("#sign-in-secret", secret);
    await dashboard.page.fill("#sign-in-account", account);
    await dashboard.page.keyboard.press("Enter");
  };

  it("when the server answers 401, asks for a key, refuses a wrong one next to its field, and keeps a good one for the tab only", async () => {
    const dashboard = await openDashboard(browser, served.url);
    pages.push(dashboard);
    const { page } = dashboard;
    await dashboard.go("#/accounts", "sign-in");
    expect(page.url()).toContain("#/sign-in?next=%23%2Faccounts");
    await signIn(dashboard, "wrong");
    await expect.poll(() => page.textContent("#sign-in-secret-error")).toBe("The bearer token is not valid");
    await signIn(dashboard, ADMIN_KEY);
    await page.locator('main[data-ready="accounts"]').waitFor();
    expect(await page.locator("table.accounts tbody th").allTextContents()).toEqual([HOLDER, "bob"]);
    expect(await inPage(page, 'sessionStorage.getItem("banking-system.credential")')).toContain(ADMIN_KEY);
    expect(await inPage(page, "localStorage.length")).toBe(0);

    // Requests and the event stream carry the key: a deposit by another client shows live.
    await call(served.url, "POST", "/accounts/bob/deposits", { amount: 2 }, admin);
    await expect.poll(() => page.locator("table.accounts tbody td").allTextContents()).toEqual(["50.00", "2.00"]);

    // A reload keeps the tab's credential; another tab has none and is asked again.
    await page.reload();
    await page.locator('main[data-ready="accounts"]').waitFor();
    const other = await openDashboard(browser, served.url);
    pages.push(other);
    await other.go("", "sign-in");

    await page.click("#sign-out");
    await page.locator('main[data-ready="sign-in"]').waitFor();
    expect(await inPage(page, "sessionStorage.length")).toBe(0);
  }, 30_000);

  it("when a holder signs in with its token, shows only its own account and moves money out of it only", async () => {
    const dashboard = await openDashboard(browser, served.url);
    pages.push(dashboard);
    const { page } = dashboard;
    await dashboard.go("", "sign-in");
    await signIn(dashboard, HOLDER_TOKEN);
    await expect.poll(() => page.textContent("#sign-in-account-error")).toContain("If it is an account's token, give the account's name too.");
    await signIn(dashboard, HOLDER_TOKEN, HOLDER);
    await page.locator('main[data-ready="account"]').waitFor();
    expect(page.url()).toContain(`#/account/${HOLDER}`);
    expect(await page.textContent("#account-balance")).toBe("50.00");
    const menu = await page.locator("#nav li:visible").allTextContents();
    expect(menu).toEqual(["My account", "Move money", "Batch", "Live feed"]);
    expect(await page.isHidden("text=Deposit")).toBe(true);

    await dashboard.go("#/accounts", "account");
    expect(page.url()).toContain(`#/account/${HOLDER}`);

    await dashboard.go("#/move", "move");
    expect(await page.locator("form.card h2").allTextContents()).toEqual(["Withdraw", "Transfer"]);
    expect(await page.inputValue("#withdraw-account")).toBe(HOLDER);
    expect(await page.getAttribute("#withdraw-account", "readonly")).toBe("");
    await page.fill("#transfer-recipient", "bob");
    await page.fill("#transfer-amount", "5");
    await page.click("#transfer button[type=submit]");
    await expect.poll(() => page.textContent("#transfer .form-status")).toContain("5.00 transferred from ann to bob");
    expect(await balanceOf(served.url, HOLDER, admin)).toBe(45);

    await dashboard.go("#/feed", "feed");
    await expect.poll(() => page.locator(".feed li .feed-what").first().textContent()).toBe("Transferred to: 5.00 bob");
  }, 30_000);
});
