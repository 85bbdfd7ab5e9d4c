// Every screen of the dashboard scanned by axe-core in Chromium, at 1280 px and at 390 px: no
// serious or critical violation of WCAG 2.2 A and AA, and nothing wider than the screen.

import { AxeBuilder } from "@axe-core/playwright";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, inPage, launchChromium, openDashboard, runnable, serve, type Served } from "./browser.js";

const SCREENS: readonly { hash: string; what?: string; prepare?: (page: Page) => Promise<void> }[] = [
  { hash: "" },
  { hash: "#/accounts" },
  { hash: "#/account/ann%20with%20a%20long%20name%20that%20wraps%20on%20a%20phone" },
  { hash: "#/open" },
  { hash: "#/move?account=ben&form=withdraw", what: "move", prepare: async (page) => {
    // With a refusal on show: its message next to the field is part of the screen too.
    await page.fill("#withdraw-amount", "1000000");
    await page.keyboard.press("Enter");
    await page.locator("#withdraw-amount-error").waitFor();
  } },
  { hash: "#/batch" },
  { hash: "#/feed" },
  { hash: "#/sign-in" },
];

describe.skipIf(!runnable)("the dashboard's accessibility, in Chromium", () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    served = await serve();
    const long = "ann with a long name that wraps on a phone";
    await call(served.url, "POST", "/accounts", { name: long, initial_balance: 123456789.5 });
    await call(served.url, "POST", "/accounts", { name: "ben", initial_balance: 0 });
    for (let index = 0; index < 5; index++) {
      await call(served.url, "POST", "/transfers", { sender: long, recipient: "ben", amount: 1000.25 * (index + 1) });
    }
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.app.close();
  });

  for (const width of [1280, 390]) {
    it(`at ${width} px, no screen has a serious or critical violation, nor anything wider than the screen`, async () => {
      const dashboard = await openDashboard(browser, served.url, width);
      const found: string[] = [];
      for (const screen of SCREENS) {
        await dashboard.go(screen.hash, screen.what);
        await screen.prepare?.(dashboard.page);
        const results = await new AxeBuilder({ page: dashboard.page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
        for (const violation of results.violations) {
          if (violation.impact !== "serious" && violation.impact !== "critical") continue;
          found.push(`${screen.hash || "#/"}: ${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
        }
        const overflow = await inPage<number>(dashboard.page, "document.documentElement.scrollWidth - document.documentElement.clientWidth");
        if (overflow > 0) found.push(`${screen.hash || "#/"}: ${overflow} px wider than the screen`);
      }
      expect(found).toEqual([]);
      expect(dashboard.errors).toEqual([]);
    }, 60_000);
  }
});
