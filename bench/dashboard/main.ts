// The dashboard benchmark (`npm run bench:dashboard`): a bank of 100,000 accounts and 1,000,000
// transactions loaded over HTTP; each screen's first render and each page of history timed in
// Chromium; and the batch rate with and without 100 clients of GET /events, alternating in one run.
// Figures only, never a pass or a fail: it prints them and writes them in docs/BENCHMARKS.md.

import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import { fileURLToPath } from "node:url";
import { formatCount as count, markdownTable, median } from "../common/format.js";
import { loadAverage, machine } from "../common/machine.js";
import { flag, parseCommandLine, positiveInteger, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions, type Section } from "../common/regions.js";
import { accountName, batchBody, batchRate, BATCH_SIZE, expectOk, HUB, openAccounts, random, send, sendBatches } from "./load.js";
import type { ClientsReport } from "./clients.js";
import { firstRender, floor, historyPages, launchChromium, type Screen } from "./render.js";
import { startServer, type BankServer } from "./server.js";

const COMMAND = {
  usage: "npm run bench:dashboard -- [options]   (or node dist-bench/dashboard/main.js [options])",
  summary:
    "The dashboard benchmark: the real server in a child process, loaded over HTTP with accounts and\n" +
    "full batches of transfers; each screen's first render and pages of history timed in Chromium;\n" +
    "and the batch rate with and without clients of GET /events, alternating. Prints the tables and\n" +
    "writes docs/BENCHMARKS.md.",
  quick: "a small bank (2,000 accounts, 50,000 transfers), 2 loads a screen, 1 round of 1 s; never writes docs/",
  options: {
    accounts: valued("N", "accounts to open", positiveInteger, 100_000, 2_000),
    transactions: valued("N", "transfers to load, in full batches", positiveInteger, 1_000_000, 50_000),
    samples: valued("N", "fresh loads of each screen", positiveInteger, 5, 2),
    pages: valued("N", "pages of history to click through in a row", positiveInteger, 20, 3),
    clients: valued("N", "GET /events clients in the largest measurement", positiveInteger, 100, 10),
    rounds: valued("N", "measurements of the batch rate with the clients, and as many without", positiveInteger, 3, 1),
    seconds: valued("S", "seconds of batch load per measurement", positiveInteger, 3, 1),
    connections: valued("N", "connections sending batches", positiveInteger, 4),
    noWrite: flag("print the tables only; do not write docs/", true),
  },
};

const TARGET_MS = 200;
const TARGET_COST = 0.1;
// A pause after each measurement of the batch rate, for the server to collect what it left.
const SETTLE_MS = 1000;
const CLIENTS_SCRIPT = fileURLToPath(new URL("./clients.js", import.meta.url));

const SECTION: Section = {
  heading: "## Dashboard",
  regions: [{ name: "dashboard", placeholder: "_Not run yet: `npm run bench:dashboard`._" }],
};

type Options = Values<typeof COMMAND.options>;

const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const left = (title: string) => ({ title, align: "left" as const });
const right = (title: string) => ({ title, align: "right" as const });



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

interface StreamResult {
  readonly label: string;
  readonly without: number[];
  readonly with: number[];
  /** Server CPU ms per 1,000 transfers, without the clients and with them. */
  readonly cpuWithout: number[];
  readonly cpuWith: number[];
  readonly received: ClientsReport[];
}

async function streams(url: string, server: BankServer, options: Options) {
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
  const results: StreamResult[] = [];
  for (const kind of kinds) {
    const result: StreamResult = { label: kind.label, without: [], with: [], cpuWithout: [], cpuWith: [], received: [] };
    for (let round = 0; round < options.rounds; round++) {
      // Each measurement with the clients next to one without, in turn first and second, so that
      // a drift of the machine, or what a phase leaves behind, falls on both.
      for (const withClients of round % 2 === 0 ? [false, true] : [true, false]) {
        const clients = withClients ? await startClients(url, kind.clients, kind.filtered, options.accounts) : null;
        const cpuBefore = server.cpuSeconds();
        const run = await batchRate(url, bodies, options.connections, options.seconds);
        const rate = run.applied / run.seconds;
        (withClients ? result.with : result.without).push(rate);
        // The server's CPU per 1,000 transfers, in ms: steadier than the rate on a shared machine.
        (withClients ? result.cpuWith : result.cpuWithout).push(((server.cpuSeconds() - cpuBefore) / run.applied) * 1e6);
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

function report(
  options: Options,
  loaded: Awaited<ReturnType<typeof load>>,
  rendered: Awaited<ReturnType<typeof renders>>,
  streamed: Awaited<ReturnType<typeof streams>>,
  onMachine: string,
): string {
  const command = "npm run bench:dashboard";
  const verdict = (times: number[]) => (Math.max(...times) < TARGET_MS ? "yes" : median(times) < TARGET_MS ? "median only" : "**no**");
  const renderTable = markdownTable(
    [left("Screen, loaded afresh (nothing cached)"), right("Median"), right("Slowest"), right(`< ${TARGET_MS} ms`)],
    rendered.rows.map(({ label, times }) => [label, ms(median(times)), ms(Math.max(...times)), verdict(times)]),
  );
  const rateRows = streamed.map((result) => {
    const without = median(result.without);
    const withClients = median(result.with);
    const cost = 1 - withClients / without;
    const cpuCost = median(result.cpuWith) / median(result.cpuWithout) - 1;
    const events = result.received.reduce((sum, one) => sum + one.events, 0) / Math.max(1, result.received.length);
    const lagged = result.received.reduce((sum, one) => sum + one.lagged, 0);
    return [
      result.label,
      count(without),
      count(withClients),
      `${(cost * 100).toFixed(1)}%`,
      cost < TARGET_COST ? "yes" : "**no**",
      `${median(result.cpuWithout).toFixed(2)} → ${median(result.cpuWith).toFixed(2)}`,
      `${(cpuCost * 100).toFixed(1)}%`,
      cpuCost < TARGET_COST ? "yes" : "**no**",
      `${count(events)} a run; ${lagged} let go and resumed`,
    ];
  });
  const rateTable = markdownTable(
    [left("`/events` clients during the batch load"), right("Transfers/s without"), right("With"), right("Cost"), right(`< ${TARGET_COST * 100}%`),
      right("Server CPU ms per 1,000 transfers, without → with"), right("Cost by CPU"), right(`< ${TARGET_COST * 100}%`),
      right("Events the clients received")],
    rateRows,
  );
  return [
    "### Dashboard (`npm run bench:dashboard`)",
    "",
    `Run on ${new Date().toISOString().slice(0, 10)} with \`${command}\` (which builds the package and the benchmark, then runs \`node dist-bench/dashboard/main.js\`), on ${onMachine}, Chromium ${rendered.version}. The server is the real \`bank serve\`, in a child process; Chromium, the loader and the event clients (a process of their own) share the machine with it.`,
    "",
    `The bank: ${count(loaded.summary.accounts)} accounts and ${count(loaded.summary.transactions)} transactions (the openings and ${count(options.transactions)} transfers, one in ten from \`hub\`), loaded over HTTP: the accounts in ${loaded.openSeconds.toFixed(1)} s (32 requests in flight), the transfers in ${loaded.transferSeconds.toFixed(1)} s as full batches of \`POST /transfers/batch\` (${count(options.transactions / loaded.transferSeconds)} transfers/s). The first \`GET /accounts\` after the last account was opened took ${ms(loaded.firstListMs)}: it sorts the names once, and later listings read that order.`,
    "",
    `First render: from the navigation's start to the first frame drawn with the screen's content (the page marks \`dashboard:ready:<screen>\` once its data is in the page), ${options.samples} loads each in a fresh browser context, 1280 px wide. A page of history: from the click on "Older" to the first frame with the page.`,
    "",
    renderTable,
    "",
    `Batch rate with and without event stream clients: full batches on ${options.connections} connections for ${options.seconds} s, each measurement with the clients next to one without (in turn first and second), ${options.rounds} of each, the medians; and the server's CPU time (user + system, from /proc) per 1,000 transfers applied, the medians, which a shared machine moves less than the rate (the clients' cost is in the server's CPU: framing and writing their events). The clients connect from now on (no \`after\`), each reads every event it is sent, and a client let go for falling behind (\`event: lagged\`) reconnects at once after \`resume_after\`.`,
    "",
    rateTable,
  ].join("\n");
}

/** The machine and how busy it was, in words: other work on a shared machine slows every figure. */
function describeMachine(loadBefore: number, loadAfter: number): string {
  const { cpu, cpuCount, memoryGiB, node, platform } = machine();
  return `${cpu}, ${cpuCount} cores, ${Math.round(memoryGiB)} GiB, ${platform}, Node ${node} (load average ${loadBefore.toFixed(1)} before the run, ${loadAfter.toFixed(1)} after)`;
}

async function main(): Promise<void> {
  const options = parseCommandLine(COMMAND, process.argv.slice(2));
  if (options === null) return;
  const loadBefore = loadAverage();
  const server = await startServer();
  try {
    console.log(`loading ${count(options.accounts)} accounts and ${count(options.transactions)} transfers...`);
    const loaded = await load(server.url, options);
    console.log(`loaded: ${JSON.stringify(loaded.summary)} in ${(loaded.openSeconds + loaded.transferSeconds).toFixed(1)} s`);
    const rendered = await renders(server.url, options, loaded);
    const streamed = await streams(server.url, server, options);
    const body = report(options, loaded, rendered, streamed, describeMachine(loadBefore, loadAverage()));
    console.log(`\n${body}\n`);
    if (options.noWrite) console.error("docs/ not written (--quick or --no-write)");
    else {
      writeRegions(BENCHMARKS_MD, SECTION, { dashboard: body });
      console.error(`Wrote ${BENCHMARKS_MD}`);
    }
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
