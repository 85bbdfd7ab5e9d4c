// Signing in to the dashboard when access control is on (src/http/auth): an API key, a key
// without the scope a form needs, and an account holder's token, which shows its own account only.
// The credential stays in the tab's sessionStorage and goes in an Authorization header, never in
// an address: the event stream is read with fetch, not EventSource.

import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminKey, parseApiKeys } from "../../src/http/auth/index.js";
import { balanceOf, call, inPage, launchChromium, openDashboard, runnable, serve, type DashboardPage, type Served } from "./browser.js";

const ADMIN_KEY = "admin-key-0123456789abcdef";
const READER_KEY = "reader-key-0123456789abcdef";
const HOLDER = "ann";
const MOVER_KEY = "mover-key-0123456789abcdef";
const KEYS = [adminKey(ADMIN_KEY), ...parseApiKeys(JSON.stringify([
  { name: "reader", key: READER_KEY, scopes: ["accounts:read"] },
  { name: "mover", key: MOVER_KEY, scopes: ["money:move"] },
]), "test keys")];

/** axe-core's serious and critical violations on the page as it is (the other screens: dashboard-accessibility). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  return results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical").map((violation) => violation.id);
}

describe.skipIf(!runnable)("signing in to the dashboard, in Chromium", () => {
  let served: Served;
  let browser: Browser;
  const pages: DashboardPage[] = [];
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  /** Every address the pages asked for: none may carry a secret. */
  const requested: string[] = [];
  let holderToken = "";

  beforeAll(async () => {
    served = await serve({ access: { keys: KEYS } });
    holderToken = ((await call(served.url, "POST", "/accounts", { name: HOLDER, initial_balance: 50 }, admin)).body as { token: string }).token;
    await call(served.url, "POST", "/accounts", { name: "bob", initial_balance: 0 }, admin);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const { errors } of pages) expect(errors).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    for (const secret of [ADMIN_KEY, READER_KEY, MOVER_KEY, holderToken]) expect(requested.filter((url) => url.includes(secret))).toEqual([]);
    await browser?.close();
    await served?.app.close();
  });

  const open = async () => {
    const dashboard = await openDashboard(browser, served.url);
    pages.push(dashboard);
    dashboard.page.on("request", (request) => requested.push(request.url()));
    return dashboard;
  };

  const signIn = async (dashboard: DashboardPage, secret: string) => {
    await dashboard.page.fill("#sign-in-secret", secret);
    await dashboard.page.keyboard.press("Enter");
  };

  /** A new page at `hash`, which asks for a credential, given `secret`. */
  const signedInAt = async (hash: string, secret: string) => {
    const dashboard = await open();
    await dashboard.go(hash, "sign-in");
    await signIn(dashboard, secret);
    return dashboard;
  };

  it("when the server answers 401, asks for a key, refuses a wrong one next to its field, and keeps a good one for the tab only", async () => {
    const dashboard = await open();
    const { page } = dashboard;
    await dashboard.go("#/accounts", "sign-in");
    expect(page.url()).toContain("#/sign-in?next=%23%2Faccounts");
    await signIn(dashboard, "wrong");
    await expect.poll(() => page.textContent("#sign-in-secret-error")).toBe("The bearer token is not valid");
    expect(await page.getAttribute("#sign-in-secret", "aria-invalid")).toBe("true");
    expect(await seriousViolations(page)).toEqual([]);
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
    const other = await open();
    await other.go("", "sign-in");

    await page.click("#sign-out");
    await page.locator('main[data-ready="sign-in"]').waitFor();
    expect(await inPage(page, "sessionStorage.length")).toBe(0);
  }, 30_000);

  it("when a key lacks the scope a form needs, shows the bank and the 403's detail beside the form's button", async () => {
    const { page } = await signedInAt("#/move?account=bob", READER_KEY);
    await page.locator('main[data-ready="move"]').waitFor();
    await page.fill("#deposit-amount", "1");
    await page.click("#deposit button[type=submit]");
    await expect.poll(() => page.textContent("#deposit .form-status")).toBe(
      "The API key 'reader' lacks the scope 'money:move' that this route needs",
    );
    expect(await balanceOf(served.url, "bob", admin)).toBe(2);
  }, 30_000);

  it("when a key may not read the bank, turns it away at the sign-in with why, and keeps nothing", async () => {
    const { page } = await signedInAt("", MOVER_KEY);
    await expect.poll(() => page.textContent("#sign-in-secret-error")).toBe(
      "The API key 'mover' lacks the scope 'accounts:read' that this route needs",
    );
    expect(await inPage(page, "sessionStorage.length")).toBe(0);
  }, 30_000);

  it("when a holder signs in with its token alone, shows only its own account and moves money out of it only", async () => {
    // The server says whose the token is: the holder never types its account's name.
    const dashboard = await signedInAt("", holderToken);
    const { page } = dashboard;
    await page.locator('main[data-ready="account"]').waitFor();
    expect(page.url()).toContain(`#/account/${HOLDER}`);
    expect(await page.textContent("#account-balance")).toBe("50.00");
    const menu = await page.locator("#nav li:visible").allTextContents();
    expect(menu).toEqual(["My account", "Move money", "Batch", "Live feed"]);
    expect(await page.isHidden("text=Deposit")).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

    await dashboard.go("#/accounts", "account");
    expect(page.url()).toContain(`#/account/${HOLDER}`);

    // Another account is refused by the server, and the page says why.
    await page.evaluate('location.hash = "#/account/bob"');
    await expect.poll(() => page.textContent("main .problem")).toContain("An account token may only read its own account");
    expect(await page.isHidden("#account-balance")).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);

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
