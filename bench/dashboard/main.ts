// The dashboard benchmark (`npm run bench:dashboard`): a bank of 100,000 accounts and 1,000,000
// transactions loaded over HTTP; each screen's first render and each page of history timed in
// Chromium; and the batch rate with and without 100 clients of GET /events, alternating in one run.
// Figures only: it prints them, and with --write records them in docs/BENCHMARKS.md.

import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { accountName, batchBody, batchRate, BATCH_SIZE, expectOk, HUB, openAccounts, random, send, sendBatches } from "./load.js";
import type { ClientsReport } from "./clients.js";
import { firstRender, floor, historyPages, launchChromium, type Screen } from "./render.js";
import { count, machine, median, ms, table, writeRegion } from "./report.js";
import { startServer } from "./server.js";

const HELP = `Usage: npm run bench:dashboard -- [options]

  --accounts N      accounts to open (default 100000)
  --transactions N  transfers to load in full batches (default 1000000)
  --samples N       fresh loads of each screen (default 5)
  --pages N         pages of history to page through (default 20)
  --clients N       GET /events clients (default 100)
  --rounds N        rounds of the batch rate without and with the clients (default 3)
  --seconds N       seconds of batch load per measurement (default 3)
  --connections N   connections sending batches (default 4)
  --write           record the figures in docs/BENCHMARKS.md
  --help            this text`;

const TARGET_MS = 200;
const TARGET_COST = 0.1;
// A pause after each measurement of the batch rate, for the server to collect what it left.
const SETTLE_MS = 1000;
const CLIENTS_SCRIPT = fileURLToPath(new URL("./clients.js", import.meta.url));
const BENCHMARKS_MD = fileURLToPath(new URL("../../docs/BENCHMARKS.md", import.meta.url));

function options() {
  const { values } = parseArgs({
    options: {
      accounts: { type: "string", default: "100000" },
      transactions: { type: "string", default: "1000000" },
      samples: { type: "string", default: "5" },
      pages: { type: "string", default: "20" },
      clients: { type: "string", default: "100" },
      rounds: { type: "string", default: "3" },
      seconds: { type: "string", default: "3" },
      connections: { type: "string", default: "4" },
      write: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  const number = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of 1 or more`);
    return value;
  };
  return {
    help: values.help,
    write: values.write,
    accounts: number("accounts"),
    transactions: number("transactions"),
    samples: number("samples"),
    pages: number("pages"),
    clients: number("clients"),
    rounds: number("rounds"),
    seconds: number("seconds"),
    connections: number("connections"),
  };
}

type Options = ReturnType<typeof options>;

/** Starts `count` event stream clients in a process of their own; resolves once all are connected. */
async function startClients(url: string, clients: number, filtered: boolean, accounts: number): Promise<ChildProcess> {
  const child = fork(CLIENTS_SCRIPT, [url, String(clients), filtered ? String(accounts) : "0"], { stdio: "inherit" });
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the clients exited (${code})`)));
    child.on("message", (message: { kind: string }) => message.kind === "connected" && resolve());
  });
  return child;
}

function stopClients(child: ChildProcess): Promise<ClientsReport> {
  return new Promise((resolve) => {
    child.removeAllListeners("exit");
    child.on("message", (message: { kind: string; report?: ClientsReport }) => message.kind === "report" && resolve(message.report as ClientsReport));
    child.send({ kind: "stop" });
  });
}

async function load(url: string, options: Options) {
  const started = performance.now();
  await openAccounts(url, options.accounts);
  const opened = performance.now();
  const next = random(1);
  const batches = Math.ceil(options.transactions / BATCH_SIZE);
  for (let sent = 0; sent < batches; sent += 8) {
    const bodies = Array.from({ length: Math.min(8, batches - sent) }, (_, index) => {
      const size = Math.min(BATCH_SIZE, options.transactions - (sent + index) * BATCH_SIZE);
      return batchBody(next, options.accounts, size);
    });
    await sendBatches(url, bodies, options.connections);
  }
  const loaded = performance.now();
  const agent = new http.Agent({ keepAlive: true });
  const summary = await send(url, agent, "GET", "/summary");
  expectOk(summary, "summary");
  // The first listing after accounts were opened sorts them once; every later one reads that order.
  const listStarted = performance.now();
  expectOk(await send(url, agent, "GET", "/accounts?limit=20"), "accounts");
  const firstListMs = performance.now() - listStarted;
  // A cursor deep in the hub's history, a thousand transactions from its start.
  let deepCursor = 0;
  let hubLength = 0;
  for (let before: number | null = null, previous = 0; ; ) {
    const page = await send(url, agent, "GET", `/accounts/${HUB}/history?limit=1000${before === null ? "" : `&before=${before}`}`);
    expectOk(page, "history");
    const { transactions, next_before } = JSON.parse(page.body) as { transactions: { id: number }[]; next_before: number | null };
    hubLength += transactions.length;
    if (next_before === null) {
      deepCursor = previous || (transactions[0]?.id ?? 1);
      break;
    }
    previous = before ?? 0;
    before = next_before;
  }
  agent.destroy();
  return {
    summary: JSON.parse(summary.body) as { accounts: number; transactions: number; total_balance: number },
    openSeconds: (opened - started) / 1000,
    transferSeconds: (loaded - opened) / 1000,
    firstListMs,
    deepCursor,
    hubLength,
  };
}

async function renders(url: string, options: Options, hub: { deepCursor: number; hubLength: number }) {
  const screens: Screen[] = [
    { label: "Overview, the first screen (`#/`)", hash: "", mark: "overview" },
    { label: "Accounts, first page (`#/accounts`)", hash: "#/accounts", mark: "accounts" },
    { label: "Accounts, a search by prefix (`#/accounts?prefix=a0500`)", hash: "#/accounts?prefix=a0500", mark: "accounts" },
    { label: `An account with ${count(hub.hubLength)} transactions (\`#/account/hub\`)`, hash: `#/account/${HUB}`, mark: "account" },
    { label: "The same, a page at the far end of its history (`?before=`)", hash: `#/account/${HUB}?before=${hub.deepCursor}`, mark: "account" },
    { label: "A typical account (~20 transactions)", hash: `#/account/${accountName(Math.floor(options.accounts / 2))}`, mark: "account" },
    { label: "Open an account (`#/open`)", hash: "#/open", mark: "open" },
    { label: "Move money (`#/move`)", hash: "#/move", mark: "move" },
    { label: "Batch (`#/batch`)", hash: "#/batch", mark: "batch" },
    { label: "Live feed (`#/feed`)", hash: "#/feed", mark: "feed" },
  ];
  const browser = await launchChromium();
  try {
    // One load first, so that Chromium itself is warm; every measured load is in a fresh context.
    await firstRender(browser, url, screens[0] as Screen);
    const rows: { label: string; times: number[] }[] = [
      { label: "For scale: a trivial page from a bare Node server (Chromium's floor here)", times: await floor(browser, options.samples) },
    ];
    for (const screen of screens) {
      const times: number[] = [];
      for (let sample = 0; sample < options.samples; sample++) times.push(await firstRender(browser, url, screen));
      rows.push({ label: screen.label, times });
      console.log(`${screen.label}: median ${ms(median(times))}, slowest ${ms(Math.max(...times))}`);
    }
    const pages = await historyPages(browser, url, HUB, options.pages);
    rows.push({ label: `A page of history: "Older", ${options.pages} pages in a row on \`hub\``, times: pages });
    console.log(`history pages: median ${ms(median(pages))}, slowest ${ms(Math.max(...pages))}`);
    return { rows, version: browser.version() };
  } finally {
    await browser.close();
  }
}

async function streams(url: string, options: Options) {
  const next = random(2);
  const bodies = Array.from({ length: 16 }, () => batchBody(next, options.accounts, BATCH_SIZE, true));
  await batchRate(url, bodies, options.connections, 1);
  // One client is what one open dashboard costs; the brief's figures are the last two.
  const kinds: readonly { label: string; clients: number; filtered: boolean }[] = [
    { label: "1 client of the whole stream (one open dashboard)", clients: 1, filtered: false },
    ...(options.clients > 10 ? [{ label: "10 clients of the whole stream", clients: 10, filtered: false }] : []),
    { label: `${options.clients} clients of the whole stream`, clients: options.clients, filtered: false },
    { label: `${options.clients} clients of one account each (\`?account=\`)`, clients: options.clients, filtered: true },
  ];
  const results: { label: string; without: number[]; with: number[]; received: ClientsReport[] }[] = [];
  for (const kind of kinds) {
    const result = { label: kind.label, without: [] as number[], with: [] as number[], received: [] as ClientsReport[] };
    for (let round = 0; round < options.rounds; round++) {
      // Each measurement with the clients next to one without, in turn first and second, so that
      // a drift of the machine, or what a phase leaves behind, falls on both.
      for (const withClients of round % 2 === 0 ? [false, true] : [true, false]) {
        const clients = withClients ? await startClients(url, kind.clients, kind.filtered, options.accounts) : null;
        const rate = await batchRate(url, bodies, options.connections, options.seconds);
        (withClients ? result.with : result.without).push(rate);
        if (clients !== null) result.received.push(await stopClients(clients));
        console.log(`${kind.label}, round ${round + 1}, ${withClients ? "with" : "without"} them: ${count(rate)} transfers/s`);
        // What the phase leaves to collect is collected before the next one.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    }
    results.push(result);
  }
  return results;
}

function report(options: Options, loaded: Awaited<ReturnType<typeof load>>, rendered: Awaited<ReturnType<typeof renders>>, streamed: Awaited<ReturnType<typeof streams>>): string {
  const command = "npm run bench:dashboard -- --write";
  const verdict = (times: number[]) => (Math.max(...times) < TARGET_MS ? "yes" : median(times) < TARGET_MS ? "median only" : "**no**");
  const renderTable = table(
    ["Screen, loaded afresh (nothing cached)", "Median", "Slowest", `< ${TARGET_MS} ms`],
    rendered.rows.map(({ label, times }) => [label, ms(median(times)), ms(Math.max(...times)), verdict(times)]),
  );
  const rateRows = streamed.map((result) => {
    const without = median(result.without);
    const withClients = median(result.with);
    const cost = 1 - withClients / without;
    const events = result.received.reduce((sum, one) => sum + one.events, 0) / Math.max(1, result.received.length);
    const lagged = result.received.reduce((sum, one) => sum + one.lagged, 0);
    return [
      result.label,
      count(without),
      count(withClients),
      `${(cost * 100).toFixed(1)}%`,
      cost < TARGET_COST ? "yes" : "**no**",
      `${count(events)} a run; ${lagged} let go and resumed`,
    ];
  });
  const rateTable = table(["`/events` clients during the batch load", "Transfers/s without", "With", "Cost", `< ${TARGET_COST * 100}%`, "Events the clients received"], rateRows);
  return [
    "### Dashboard (`npm run bench:dashboard`)",
    "",
    `Run on ${new Date().toISOString().slice(0, 10)} with \`${command}\` (which builds the package and the benchmark, then runs \`node dist-bench/dashboard/main.js\`), on ${machine()} (load average ${loadAverage.toFixed(1)} when it started), Chromium ${rendered.version}. The server is the real \`bank serve\`, in a child process; Chromium, the loader and the event clients (a process of their own) share the machine with it.`,
    "",
    `The bank: ${count(loaded.summary.accounts)} accounts and ${count(loaded.summary.transactions)} transactions (the openings and ${count(options.transactions)} transfers, one in ten from \`hub\`), loaded over HTTP: the accounts in ${loaded.openSeconds.toFixed(1)} s (32 requests in flight), the transfers in ${loaded.transferSeconds.toFixed(1)} s as full batches of \`POST /transfers/batch\` (${count(options.transactions / loaded.transferSeconds)} transfers/s). The first \`GET /accounts\` after the last account was opened took ${ms(loaded.firstListMs)}: it sorts the names once, and later listings read that order.`,
    "",
    `First render: from the navigation's start to the first frame drawn with the screen's content (the page marks \`dashboard:ready:<screen>\` once its data is in the page), ${options.samples} loads each in a fresh browser context, 1280 px wide. A page of history: from the click on "Older" to the first frame with the page.`,
    "",
    renderTable,
    "",
    `Batch rate with and without event stream clients: full batches on ${options.connections} connections for ${options.seconds} s, each measurement with the clients next to one without (in turn first and second), ${options.rounds} of each, the medians. The clients connect from now on (no \`after\`), each reads every event it is sent, and a client let go for falling behind (\`event: lagged\`) reconnects at once after \`resume_after\`.`,
    "",
    rateTable,
  ].join("\n");
}

// The machine's load when the run started: other work on it slows every figure.
let loadAverage = 0;

async function main(): Promise<void> {
  loadAverage = os.loadavg()[0] ?? 0;
  const parsed = options();
  if (parsed.help) {
    console.log(HELP);
    return;
  }
  const server = await startServer();
  try {
    console.log(`loading ${count(parsed.accounts)} accounts and ${count(parsed.transactions)} transfers...`);
    const loaded = await load(server.url, parsed);
    console.log(`loaded: ${JSON.stringify(loaded.summary)} in ${(loaded.openSeconds + loaded.transferSeconds).toFixed(1)} s`);
    const rendered = await renders(server.url, parsed, loaded);
    const streamed = await streams(server.url, parsed);
    const body = report(parsed, loaded, rendered, streamed);
    console.log(`\n${body}\n`);
    if (parsed.write) {
      writeRegion(BENCHMARKS_MD, body);
      console.log(`written to ${BENCHMARKS_MD}`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
