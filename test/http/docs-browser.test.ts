// The Swagger UI in a real browser: headless Chromium opens /docs on a listening server and must
// see every route listed. Runs whenever CI is set; elsewhere it skips only if Chromium is absent.

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BankApp } from "../../src/http/app.js";
import { adminKey } from "../../src/http/auth/index.js";
import { startServer } from "../../src/http/server.js";
import { API_ROUTES } from "./helpers.js";

const ADMIN_SECRET = "admin-secret-0123456789";

const CHROMIUM_PATH = "/usr/bin/chromium";
const SCREENSHOT_PATH = "/tmp/banking-system-swagger-ui.png";
const AUTHORIZED_SCREENSHOT_PATH = "/tmp/banking-system-swagger-ui-authorized.png";
const runnable = process.env.CI !== undefined || existsSync(CHROMIUM_PATH);
if (!runnable) {
  console.warn(`Skipping the Swagger UI browser test: CI is not set and ${CHROMIUM_PATH} is absent (apt-get install chromium).`);
}

describe.skipIf(!runnable)("Swagger UI at /docs, in Chromium", () => {
  let app: BankApp;
  let url: string;
  let secured: { app: BankApp; url: string };
  let browser: Browser;

  beforeAll(async () => {
    ({ app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent" }));
    secured = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", apiKeys: [adminKey(ADMIN_SECRET)] });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await secured?.app.close();
  });

  it("when opened, lists every route of the API", async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/docs`);
    await page.locator(".opblock").first().waitFor({ timeout: 30_000 });
    const routes = await page
      .locator(".opblock-summary")
      .evaluateAll((summaries) =>
        summaries.map((summary) => {
          const method = summary.querySelector(".opblock-summary-method")?.textContent ?? "";
          const path = summary.querySelector(".opblock-summary-path")?.getAttribute("data-path") ?? "";
          return `${method} ${path}`;
        }),
      );
    await page.screenshot({ path: SCREENSHOT_PATH, fullPage: true });
    expect(routes.sort()).toEqual(API_ROUTES);
    await expect(page.title()).resolves.toBe("Swagger UI");
  }, 60_000);

  it("with access control on, Authorize takes a key and Try it out then calls a route with it, within the page's CSP", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await secured.app.inject({
      method: "POST", url: "/accounts", payload: { name: "alice", initial_balance: 12.5 },
      headers: { authorization: `Bearer ${ADMIN_SECRET}` },
    });
    await page.goto(`${secured.url}/docs`);
    await page.locator("button.authorize").first().click({ timeout: 30_000 });
    await page.locator(".modal-ux input").fill(ADMIN_SECRET);
    await page.locator(".modal-ux button.authorize").click();
    await page.locator(".modal-ux button.btn-done").click();
    const operation = page.locator(".opblock-get").filter({ has: page.locator('.opblock-summary-path[data-path="/accounts"]') });
    await operation.locator(".opblock-summary").click();
    await operation.locator("button.try-out__btn").click();
    await operation.locator("button.execute").click();
    const status = operation.locator(".live-responses-table tr.response .response-col_status").first();
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toContain("200");
    await expect(operation.locator(".live-responses-table .microlight").first().textContent()).resolves.toContain('"alice"');
    await expect(operation.locator(".curl-command").textContent()).resolves.toContain(`Authorization: Bearer ${ADMIN_SECRET}`);
    await page.screenshot({ path: AUTHORIZED_SCREENSHOT_PATH, fullPage: true });
    expect(errors.filter((text) => text.includes("Content Security Policy"))).toEqual([]);
  }, 60_000);
});
