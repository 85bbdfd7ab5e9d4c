// Helpers of the dashboard's browser tests: a listening server, Chromium as the project drives it
// (see test/http/docs-browser.test.ts), pages that fail their test on any script error, and
// plain HTTP calls for "another client".

import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { Bank } from "../../src/index.js";
import { buildApp, type AppOptions, type BankApp } from "../../src/http/app.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";
/** Runs whenever CI is set (where Chromium must be there); elsewhere only if Chromium is. */
export const runnable = process.env.CI !== undefined || existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

export interface Served {
  readonly app: BankApp;
  readonly bank: Bank;
  readonly url: string;
}

/** A bank served on 127.0.0.1, with `options` (access control, for one). */
export async function serve(options: Omit<AppOptions, "bank"> = {}): Promise<Served> {
  const bank = new Bank();
  const app = buildApp({ ...options, bank });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, bank, url };
}

export interface DashboardPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Script errors the page met; a test expects none. */
  readonly errors: string[];
  /** Goes to a screen and waits until its content is in (`what`: the mark it waits for). */
  go(hash: string, what?: string): Promise<void>;
}

/** A new tab (in a context of its own: its own sessionStorage) on the dashboard. */
export async function openDashboard(browser: Browser, url: string, width = 1280): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: "en-US", timezoneId: "UTC" });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  // A refused request is logged by Chromium as a resource that failed to load: that is expected.
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) errors.push(message.text());
  });
  return {
    page,
    context,
    errors,
    async go(hash, what) {
      const screen = what ?? (hash.replace(/^#\//, "").split(/[/?]/)[0] || "overview");
      if (page.url() === "about:blank") await page.goto(`${url}/${hash}`);
      else await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
      await page.locator(`main[data-ready="${screen}"]`).waitFor({ timeout: 10_000 });
    },
  };
}

/**
 * The value of `expression` in the page. Written as text: the tests' TypeScript knows Node's
 * globals, not the browser's, and must not be given DOM types that src/ could then use by mistake.
 */
export function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

/** A request from another client, as JSON. */
export async function call(url: string, method: "GET" | "POST", path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body !== undefined && { "content-type": "application/json" }), ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

/** The balance of an account, read by another client. */
export async function balanceOf(url: string, name: string, headers: Record<string, string> = {}): Promise<number> {
  return ((await call(url, "GET", `/accounts/${encodeURIComponent(name)}`, undefined, headers)).body as { balance: number }).balance;
}
