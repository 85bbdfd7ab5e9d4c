// The dashboard as a person uses it, in a real Chromium against a listening server: opening
// accounts and moving money through the forms, both histories and the live feed following
// without a reload (changes by another client too), a refusal shown next to its field, a form
// sent twice applied once, a batch from a CSV file, and the keyboard alone.

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { balanceOf, call, inPage, launchChromium, openDashboard, runnable, serve, type DashboardPage, type Served } from "./browser.js";

if (!runnable) console.warn("Skipping the dashboard's browser tests: CI is not set and /usr/bin/chromium is absent.");

describe.skipIf(!runnable)("the dashboard, in Chromium", () => {
  let served: Served;
  let browser: Browser;
  const pages: DashboardPage[] = [];

  const open = async (hash: string, what?: string) => {
    const dashboard = await openDashboard(browser, served.url);
    pages.push(dashboard);
    await dashboard.go(hash, what);
    return dashboard;
  };

  beforeAll(async () => {
    served = await serve();
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const { errors } of pages) expect(errors).toEqual([]);
    // The browser first: its event streams would keep the server from closing.
    await browser?.close();
    await served?.app.close();
  });

  it("when a person opens two accounts, deposits and transfers, both histories and the live feed show it without a reload", async () => {
    const feed = await open("#/feed");
    const { page, go } = await open("#/open");
    await inPage(page, 'window.marker = "same page"');

    for (const [name, balance] of [["ann", "100"], ["ben", "0"]] as const) {
      await page.fill("#open-name", name);
      await page.fill("#open-initial_balance", balance);
      await page.click("text=Open the account");
      await expect.poll(() => page.textContent("#open-status")).toContain(`Account '${name}' created.`);
    }
    await go("#/move?account=ann&form=deposit", "move");
    await page.fill("#deposit-amount", "25.50");
    await page.click("#deposit button[type=submit]");
    await expect.poll(() => page.textContent("#deposit .form-status")).toBe("25.50 deposited to ann. Balance of ann: 125.50.");
    await page.fill("#transfer-sender", "ann");
    await page.fill("#transfer-recipient", "ben");
    await page.fill("#transfer-amount", "40");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#transfer .form-status")).toContain("40.00 transferred from ann to ben");

    await go("#/account/ann", "account");
    await expect.poll(() => page.textContent("#account-balance")).toBe("85.50");
    expect(await page.locator("table.history tbody tr td:nth-child(3)").allTextContents()).toEqual([
      "Transferred to: 40.00 ben",
      "Deposited: 25.50",
      "Account created with balance: 100.00",
    ]);
    await go("#/account/ben", "account");
    await expect.poll(() => page.textContent("#account-balance")).toBe("40.00");
    expect(await page.locator("table.history tbody tr td:nth-child(3)").allTextContents()).toEqual([
      "Received from: 40.00 ann",
      "Account created with balance: 0.00",
    ]);
    expect(await page.locator("table.history tbody tr td:nth-child(5)").allTextContents()).toEqual(["+40.00", "0.00"]);

    // Another client moves ben's money: his page follows, as does the feed opened at the start.
    await call(served.url, "POST", "/accounts/ben/withdrawals", { amount: 0.01 });
    await expect.poll(() => page.textContent("#account-balance")).toBe("39.99");
    await expect.poll(() => page.locator("table.history tbody tr td:nth-child(3)").first().textContent()).toBe("Withdrawn: 0.01");
    await expect.poll(() => feed.page.locator(".feed li .feed-what").allTextContents()).toEqual([
      "Withdrawn: 0.01",
      "Transferred to: 40.00 ben",
      "Deposited: 25.50",
      "Account created with balance: 0.00",
      "Account created with balance: 100.00",
    ]);
    // Another client holds some of ben's money: his page shows what is still available, and what is
    // held; and what is on its way to him while a hold for him is pending.
    const stats = () => page.locator("dl.stats .stat:visible").allTextContents();
    expect(await stats()).toEqual(["Balance39.99", "Available39.99", "Held0.00", "Incoming, held0.00"]);
    const hold = await call(served.url, "POST", "/holds", { sender: "ben", recipient: "ann", amount: 10 });
    await expect.poll(stats).toEqual(["Balance39.99", "Available29.99", "Held10.00", "Incoming, held0.00"]);
    // A hold only reserves: its amount has no sign; posted, it is money out of ben.
    const firstAmount = () => page.locator("table.history tbody tr td:nth-child(5)").first().textContent();
    await expect.poll(firstAmount).toBe("10.00");
    await call(served.url, "POST", `/holds/${(hold.body as { id: number }).id}/post`);
    await expect.poll(stats).toEqual(["Balance29.99", "Available29.99", "Held0.00", "Incoming, held0.00"]);
    await expect.poll(firstAmount).toBe("-10.00");
    await call(served.url, "POST", "/holds", { sender: "ann", recipient: "ben", amount: 5 });
    await expect.poll(stats).toEqual(["Balance29.99", "Available29.99", "Held0.00", "Incoming, held5.00"]);
    expect(await inPage(page, "window.marker")).toBe("same page");
  }, 60_000);

  it("when another client opens an account and moves money, the first screen at / shows it without a reload", async () => {
    await call(served.url, "POST", "/accounts", { name: "0-first", initial_balance: 1 });
    const { page } = await open("");
    const rows = () => page.locator("table.accounts tbody tr").allTextContents();
    const before = Number((await page.textContent("#stat-transactions"))?.replaceAll(",", ""));
    expect((await rows())[0]).toBe("0-first1.00");
    await call(served.url, "POST", "/accounts", { name: "0-another", initial_balance: 1234567.89 });
    await call(served.url, "POST", "/transfers", { sender: "0-another", recipient: "0-first", amount: 0.11 });
    await expect.poll(rows).toEqual(expect.arrayContaining(["0-another1,234,567.78", "0-first1.11"]));
    expect((await rows()).slice(0, 2)).toEqual(["0-another1,234,567.78", "0-first1.11"]);
    await expect.poll(() => page.textContent("#stat-transactions")).toBe(String(before + 2));
    const summary = (await call(served.url, "GET", "/summary")).body as { accounts: number; total_balance: number };
    const money = (await page.textContent("#stat-money"))?.replaceAll(",", "");
    expect(money).toBe(summary.total_balance.toFixed(2));
    expect(await page.textContent("#stat-accounts")).toBe(String(summary.accounts));
    await expect.poll(async () => Number(await page.textContent("#stat-rate"))).toBeGreaterThan(0);
  }, 30_000);

  it("when a withdrawal is refused, its message is next to the amount and nothing changes", async () => {
    await call(served.url, "POST", "/accounts", { name: "cat", initial_balance: 10 });
    const { page } = await open("#/move?account=cat&form=withdraw", "move");
    expect(await inPage(page, "document.activeElement?.id")).toBe("withdraw-amount");
    await page.fill("#withdraw-amount", "30");
    await page.keyboard.press("Enter");
    const error = page.locator("#withdraw-amount-error");
    await expect.poll(() => error.textContent()).toBe("Cannot withdraw 30.00; balance is only 10.00");
    expect(await page.getAttribute("#withdraw-amount", "aria-invalid")).toBe("true");
    expect(await page.getAttribute("#withdraw-amount", "aria-describedby")).toContain("withdraw-amount-error");
    expect(await inPage(page, "document.activeElement?.id")).toBe("withdraw-amount");
    expect(await balanceOf(served.url, "cat")).toBe(10);
    expect(((await call(served.url, "GET", "/accounts/cat/history")).body as { transactions: unknown[] }).transactions).toHaveLength(1);

    // Corrected, it is a new submission: applied, and the error is gone.
    await page.fill("#withdraw-amount", "3");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#withdraw .form-status")).toContain("3.00 withdrawn from cat");
    expect(await error.isHidden()).toBe(true);
    expect(await balanceOf(served.url, "cat")).toBe(7);

    // An unknown account is said next to the account field.
    await page.fill("#withdraw-account", "nobody");
    await page.fill("#withdraw-amount", "1");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#withdraw-account-error")).toBe("Account 'nobody' not found");
  }, 30_000);

  it("when the answer to a deposit is lost and the form is sent again, the deposit is applied once", async () => {
    await call(served.url, "POST", "/accounts", { name: "dot", initial_balance: 0 });
    const { page } = await open("#/move?account=dot&form=deposit", "move");
    const keys: string[] = [];
    let lose = true;
    await page.route("**/accounts/dot/deposits", async (route) => {
      keys.push(route.request().headers()["idempotency-key"] ?? "");
      if (!lose) return route.continue();
      // The server applies it; its answer never reaches the page.
      lose = false;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.fill("#deposit-amount", "5");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#deposit .form-status")).toContain("No answer from the server");
    expect(await balanceOf(served.url, "dot")).toBe(5);
    await page.click("#deposit button[type=submit]");
    await expect.poll(() => page.textContent("#deposit .form-status")).toContain("nothing was done twice");
    expect(await balanceOf(served.url, "dot")).toBe(5);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^dashboard-[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);

    // The next deposit is a new submission, with a new key.
    await page.fill("#deposit-amount", "1");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#deposit .form-status")).toBe("1.00 deposited to dot. Balance of dot: 6.00.");
    expect(keys[2]).not.toBe(keys[0]);
  }, 30_000);

  it("when a CSV or JSON batch is uploaded, its transfers are applied, and a refused one names its line and applies none", async () => {
    for (const name of ["dan", "eve", "fay"]) await call(served.url, "POST", "/accounts", { name, initial_balance: name === "dan" ? 100 : 0 });
    const { page } = await open("#/batch");
    const upload = async (text: string, name = "batch.csv") => {
      const mimeType = name.endsWith(".json") ? "application/json" : "text/csv";
      await page.setInputFiles("#batch-file", { name, mimeType, buffer: Buffer.from(text) });
      await page.click("text=Send the batch");
    };
    await upload("sender,recipient,amount\ndan,eve,10\neve,fay,2.5\ndan,fay,0.01\n");
    await expect.poll(() => page.textContent(".form-status")).toMatch(/^3 transfers applied \(transactions \d+ to \d+\)\.$/);
    expect([await balanceOf(served.url, "dan"), await balanceOf(served.url, "eve"), await balanceOf(served.url, "fay")]).toEqual([89.99, 7.5, 2.51]);

    await upload("sender,recipient,amount\nfay,dan,1\nfay,dan,100\n");
    await expect.poll(() => page.textContent("#batch-file-error")).toBe(
      "Nothing was applied: transfer 2 (line 3) was refused: Cannot withdraw 100.00; balance is only 1.51",
    );
    expect(await balanceOf(served.url, "fay")).toBe(2.51);

    await upload("from,to,amount\n");
    await expect.poll(() => page.textContent("#batch-file-error")).toBe("Line 1: The first line must be the header sender,recipient,amount");

    // JSON, each transfer on its own as the file says: the good one applied, the refused one listed.
    const json = { transfers: [{ sender: "eve", recipient: "dan", amount: 0.5 }, { sender: "fay", recipient: "dan", amount: 50 }], atomic: false };
    await upload(JSON.stringify(json), "batch.json");
    await expect.poll(() => page.textContent(".form-status")).toMatch(/^1 transfer applied \(transaction \d+\); 1 refused\.$/);
    expect(await page.locator("table caption", { hasText: "Transfers refused" }).count()).toBe(1);
    expect([await balanceOf(served.url, "eve"), await balanceOf(served.url, "fay"), await balanceOf(served.url, "dan")]).toEqual([7, 2.51, 90.49]);
  }, 30_000);

  it("when used with the keyboard alone, Tab reaches a form through the menu, and Enter sends it", async () => {
    await call(served.url, "POST", "/accounts", { name: "kim", initial_balance: 1 });
    const { page } = await open("");
    const focused = () =>
      inPage<{ id: string; text: string; outline: string }>(page, `(() => {
        const element = document.activeElement;
        return { id: element.id, text: element.textContent, outline: getComputedStyle(element).outlineStyle };
      })()`);
    await page.keyboard.press("Tab");
    expect((await focused()).text).toBe("Skip to content");
    for (let presses = 0; presses < 12 && (await focused()).text !== "Move money"; presses++) await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ text: "Move money", outline: "solid" });
    await page.keyboard.press("Enter");
    await page.locator('main[data-ready="move"]').waitFor();
    expect(await inPage(page, "document.activeElement.tagName")).toBe("H1");
    await page.keyboard.press("Tab");
    expect(await focused()).toMatchObject({ id: "deposit-account", outline: "solid" });
    await page.keyboard.type("kim");
    await page.keyboard.press("Tab");
    expect((await focused()).id).toBe("deposit-amount");
    await page.keyboard.type("2.25");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.textContent("#deposit .form-status")).toBe("2.25 deposited to kim. Balance of kim: 3.25.");
    await expect.poll(() => page.textContent("#announcer")).toBe("2.25 deposited to kim. Balance of kim: 3.25.");
    expect(await balanceOf(served.url, "kim")).toBe(3.25);
  }, 30_000);

  it("when the accounts are searched by the start of their name and paged, shows them sorted, a page at a time", async () => {
    const names = Array.from({ length: 55 }, (_, index) => `pag-${String(index).padStart(2, "0")}`);
    for (const name of names) await call(served.url, "POST", "/accounts", { name, initial_balance: 0 });
    const { page } = await open("#/accounts");
    await page.fill("#accounts-prefix", "pag-");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("table.accounts caption").textContent()).toBe('Accounts whose name starts with "pag-"');
    const shown = () => page.locator("table.accounts tbody th").allTextContents();
    await expect.poll(shown).toEqual(names.slice(0, 50));
    await page.click("text=Next page");
    await expect.poll(shown).toEqual(names.slice(50));
    expect(await page.isHidden("text=Next page")).toBe(true);
    await page.click("text=Previous page");
    await expect.poll(shown).toEqual(names.slice(0, 50));
    expect(page.url()).toContain("#/accounts?prefix=pag-");
  }, 30_000);
});
