// Time to content in Chromium, as the dashboard marks it: each screen loaded afresh in a new
// browser context (nothing cached), from the navigation's start to the first frame drawn after the
// screen's `dashboard:ready:<screen>` mark; and pages of history, from the click on "Older" to the
// first frame after `dashboard:ready:history`.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A screen to load: its address, and the mark that says its content is in. */
export interface Screen {
  readonly label: string;
  readonly hash: string;
  readonly mark: string;
}

// Written as text, not functions: this TypeScript knows Node's globals, not the browser's.
// In every page, before its scripts: the time of the first frame after each ready mark.
const RECORD_FRAMES = `
  window.readyFrames = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.name.startsWith("dashboard:ready:")) continue;
      requestAnimationFrame(() => window.readyFrames.push({ name: entry.name, at: performance.now() }));
    }
  }).observe({ type: "mark", buffered: true });
`;

/** Resolves with the time of the `count`-th frame after the mark `name` (performance.now() units). */
const frameAfter = (name: string, count: number) => `new Promise((resolve) => {
  const check = () => {
    const frames = window.readyFrames.filter((frame) => frame.name === ${JSON.stringify(name)});
    if (frames.length < ${count}) return void setTimeout(check, 2);
    resolve(frames[${count - 1}].at);
  };
  check();
})`;

async function newContext(browser: Browser, width: number): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  await context.addInitScript(RECORD_FRAMES);
  return context;
}

/** Milliseconds from the navigation's start to the first frame with the screen's content. */
export async function firstRender(browser: Browser, url: string, screen: Screen, width = 1280): Promise<number> {
  const context = await newContext(browser, width);
  try {
    const page = await context.newPage();
    await page.goto(`${url}/${screen.hash}`);
    return (await page.evaluate(frameAfter(`dashboard:ready:${screen.mark}`, 1))) as number;
  } finally {
    await context.close();
  }
}

/** Clicks "Older" `count` times on an account's page; milliseconds from each click to the frame with the page. */
export async function historyPages(browser: Browser, url: string, account: string, count: number): Promise<number[]> {
  const context = await newContext(browser, 1280);
  try {
    const page: Page = await context.newPage();
    await page.goto(`${url}/#/account/${encodeURIComponent(account)}`);
    await page.locator('main[data-ready="account"]').waitFor();
    const times: number[] = [];
    for (let index = 1; index <= count; index++) {
      const start = (await page.evaluate(`(() => {
        const older = [...document.querySelectorAll("nav.pager button")].find((button) => button.textContent === "Older");
        const start = performance.now();
        older.click();
        return start;
      })()`)) as number;
      const drawn = (await page.evaluate(frameAfter("dashboard:ready:history", index))) as number;
      times.push(drawn - start);
    }
    return times;
  } finally {
    await context.close();
  }
}

const TRIVIAL_PAGE = '<!doctype html><html lang="en"><title>floor</title><h1>A trivial page</h1><script>performance.mark("dashboard:ready:floor")</script></html>';

/**
 * Chromium's own floor on this machine: a trivial page, served by a bare Node server, timed as the
 * screens are (a fresh context, the first frame after its mark).
 */
export async function floor(browser: Browser, samples: number): Promise<number[]> {
  const server = http.createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end(TRIVIAL_PAGE));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  try {
    const times: number[] = [];
    for (let sample = 0; sample < samples; sample++) {
      times.push(await firstRender(browser, `http://127.0.0.1:${port}`, { label: "floor", hash: "", mark: "floor" }));
    }
    return times;
  } finally {
    server.close();
  }
}
