// The Swagger UI in a real browser: headless Chromium opens /docs on a listening server and must
// see every route listed. Runs whenever CI is set; elsewhere it skips only if Chromium is absent.

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BankApp } from "../../src/http/app.js";
import { startServer } from "../../src/http/server.js";
import { API_ROUTES } from "./helpers.js";

const CHROMIUM_PATH = "/usr/bin/chromium";
const SCREENSHOT_PATH = "/tmp/banking-system-swagger-ui.png";
const runnable = process.env.CI !== undefined || existsSync(CHROMIUM_PATH);
if (!runnable) {
  console.warn(`Skipping the Swagger UI browser test: CI is not set and ${CHROMIUM_PATH} is absent (apt-get install chromium).`);
}

describe.skipIf(!runnable)("Swagger UI at /docs, in Chromium", () => {
  let app: BankApp;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent" }));
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
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
});
