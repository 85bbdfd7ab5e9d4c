// The dashboard's screenshots in docs/screenshots (`npm run screenshots`): a small bank served by
// the real server, each main screen at 1280 px and at 390 px, in Chromium. Not part of the tests:
// pictures change with every change of style, and the README shows these.

import { mkdirSync } from "node:fs";
import http from "node:http";
import { parseCommandLine, UsageError } from "../common/options.js";
import { DOCS_DIRECTORY } from "../common/regions.js";
import type { Page } from "playwright-core";
import { expectOk, send } from "./load.js";
import { launchChromium } from "./render.js";
import { startServer } from "./server.js";

const COMMAND = {
  usage: "npm run screenshots -- [options]   (or node dist-bench/dashboard/screenshots.js [options])",
  summary: "Writes docs/screenshots/<screen>-1280.png and <screen>-390.png for the dashboard's main screens.",
  quick: "the pictures at 1280 px only",
  options: {},
};

const OUT = `${DOCS_DIRECTORY}screenshots/`;
const WIDTHS = [1280, 390] as const;
const PEOPLE = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"];

interface Shot {
  readonly name: string;
  readonly hash: string;
  readonly mark: string;
  /** After the screen is in: what to do so that it shows what it is for. */
  readonly act?: (page: Page, url: string) => Promise<void>;
}

async function seed(url: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  const post = async (path: string, body: unknown) => expectOk(await send(url, agent, "POST", path, JSON.stringify(body)), path);
  for (const [index, name] of PEOPLE.entries()) await post("/accounts", { name, initial_balance: 1250 * (index + 1) + 0.5 });
  for (let round = 0; round < 3; round++) {
    for (const [index, name] of PEOPLE.entries()) {
      await post("/transfers", { sender: name, recipient: PEOPLE[(index + 1 + round) % PEOPLE.length], amount: ((1234 * (round + 1) + index * 100) / 100).toFixed(2) });
    }
  }
  await post("/accounts/alice/deposits", { amount: 1500 });
  await post("/accounts/alice/withdrawals", { amount: 220.75 });
  agent.destroy();
}

/** Some traffic from another client while a screen is open, so that its live parts show it. */
async function traffic(url: string): Promise<void> {
  const agent = new http.Agent({ keepAlive: true });
  for (let index = 0; index < 12; index++) {
    const sender = PEOPLE[index % PEOPLE.length] as string;
    const recipient = PEOPLE[(index + 3) % PEOPLE.length] as string;
    expectOk(await send(url, agent, "POST", "/transfers", JSON.stringify({ sender, recipient, amount: 5 + index })), "transfer");
  }
  agent.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
}

const SHOTS: readonly Shot[] = [
  { name: "overview", hash: "", mark: "overview", act: (_page, url) => traffic(url) },
  { name: "accounts", hash: "#/accounts", mark: "accounts" },
  { name: "account", hash: "#/account/alice", mark: "account" },
  {
    name: "move",
    hash: "#/move?account=bob&form=withdraw",
    mark: "move",
    act: async (page) => {
      await page.fill("#withdraw-amount", "1000000");
      await page.keyboard.press("Enter");
      await page.locator("#withdraw-amount-error").waitFor();
      await page.fill("#deposit-account", "carol");
      await page.fill("#deposit-amount", "40");
      await page.click("#deposit button[type=submit]");
      await page.locator("#deposit .form-status.success").waitFor();
    },
  },
  {
    name: "batch",
    hash: "#/batch",
    mark: "batch",
    act: async (page) => {
      const csv = "sender,recipient,amount\nalice,bob,10.00\nbob,carol,2.50\ncarol,dave,0.01\n";
      await page.setInputFiles("#batch-file", { name: "payroll.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
      await page.click("text=Send the batch");
      await page.locator("form .form-status.success").waitFor();
    },
  },
  { name: "feed", hash: "#/feed", mark: "feed", act: (_page, url) => traffic(url) },
];

async function main(): Promise<void> {
  const options = parseCommandLine(COMMAND, process.argv.slice(2));
  if (options === null) return;
  mkdirSync(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchChromium();
  try {
    await seed(server.url);
    for (const width of options.quick ? WIDTHS.slice(0, 1) : WIDTHS) {
      for (const shot of SHOTS) {
        const context = await browser.newContext({ viewport: { width, height: width === 390 ? 844 : 900 }, locale: "en-US", timezoneId: "UTC", deviceScaleFactor: 1 });
        const page = await context.newPage();
        await page.goto(`${server.url}/${shot.hash}`);
        await page.locator(`main[data-ready="${shot.mark}"]`).waitFor();
        await shot.act?.(page, server.url);
        // The focus ring of a heading focused by the page is not part of the picture.
        await page.evaluate("document.activeElement && document.activeElement.blur()");
        const path = `${OUT}${shot.name}-${width}.png`;
        await page.screenshot({ path, fullPage: true, animations: "disabled" });
        console.log(`wrote ${path}`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
