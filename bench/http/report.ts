// The HTTP benchmark's results as Markdown: the table, the verdict on the targets, how it measures,
// and its section of docs/BENCHMARKS.md ("## HTTP"), whose two marked regions it alone rewrites.

import { formatCount, formatFixed, markdownTable, median, type Column } from "../common/format.js";
import { machine } from "../common/machine.js";
import type { Section } from "../common/regions.js";
import type { Client } from "./generator.js";
import type { LoadResult } from "./load.js";
import type { Scenario } from "./scenarios.js";
import type { ServerKind } from "./server.js";

export const SEED_TRANSFERS_PER_SECOND = 2_700;
export const TARGET_TRANSFERS_PER_SECOND = 16_000;
export const TARGET_P99_MS = 10;
export const TARGET_BATCH_TRANSFERS_PER_SECOND = 1_000_000;
/** Our POST /transfers rate over the bare node:http server's, same load (issue 8). */
export const TARGET_RATIO_TO_BARE = 0.7;

/** How it measures (rewritten by every run, so that it stays true to the code), then the results. */
export const SECTION: Section = {
  heading: "## HTTP",
  regions: [
    { name: "http-method", placeholder: "" },
    { name: "http", placeholder: "_Not run yet: `npm run bench:http`._" },
  ],
};

const SERVER_TITLES: Record<ServerKind, string> = {
  ours: "",
  bare: ", bare node:http",
  fastify: ", minimal Fastify",
};

/** One server's measured runs of one scenario (warm-ups and trials left out), and what went wrong. */
export interface ScenarioReport {
  readonly scenario: Scenario;
  readonly server: ServerKind;
  readonly client: Client;
  readonly connections: number;
  readonly runs: readonly LoadResult[];
  /** Requests that were not 2xx, and connection errors, timeouts and wrong bodies, in every run. */
  readonly non2xx: number;
  readonly errors: number;
  readonly failures: readonly string[];
  /** Batch only: the connection counts tried, with the rate each reached. */
  readonly trials: readonly { connections: number; requestsPerSecond: number }[];
}

/** Medians over the measured runs, column by column. */
export interface Summary {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly transfersPerSecond: number;
  readonly serverCores: number;
  readonly generatorCores: number;
  readonly otherCores: number;
}

export function summarize(report: ScenarioReport): Summary {
  const of = (pick: (run: LoadResult) => number) => median(report.runs.map(pick));
  const transfersPerRequest = report.server === "ours" ? report.scenario.transfersPerRequest : 0;
  return {
    requestsPerSecond: of((run) => run.requestsPerSecond),
    p50Ms: of((run) => run.p50Ms),
    p99Ms: of((run) => run.p99Ms),
    transfersPerSecond: of((run) => (run.ok * transfersPerRequest) / run.seconds),
    serverCores: of((run) => run.serverCores),
    generatorCores: of((run) => run.generatorCores),
    otherCores: of((run) => run.otherCores),
  };
}

/** The bare baseline run beside this report's scenario, if there was one. */
function bareOf(report: ScenarioReport, reports: readonly ScenarioReport[]): ScenarioReport | undefined {
  return reports.find((other) => other.scenario === report.scenario && other.server === "bare");
}

/** A multiple: 6.8 -> "6.8×". */
const times = (value: number) => (Number.isNaN(value) ? formatFixed(value, 1) : `${formatFixed(value, 1)}×`);

const COLUMNS: readonly Column[] = [
  { title: "Scenario", align: "left" },
  ...[
    "Conn.", "Req/s", "Runs (req/s)", "vs bare", "p50 (ms)", "p99 (ms)", "Transfers/s", "vs seed",
    "CPU: server", "generator", "other", "Non-2xx", "Errors",
  ].map((title): Column => ({ title, align: "right" })),
  { title: "Checks", align: "left" },
];

export function resultsTable(reports: readonly ScenarioReport[]): string {
  const rows = reports.map((report) => {
    const summary = summarize(report);
    const bare = bareOf(report, reports);
    const moves = report.server === "ours" && report.scenario.transfersPerRequest > 0;
    const checks = report.failures.length > 0 ? "**failed**" : report.server === "ours" ? "exact" : "–";
    return [
      `\`${report.scenario.title}\`${SERVER_TITLES[report.server]}`,
      String(report.connections),
      formatCount(summary.requestsPerSecond),
      report.runs.map((run) => formatCount(run.requestsPerSecond)).join(" · ") || "–",
      bare === undefined ? "–" : formatFixed(summary.requestsPerSecond / summarize(bare).requestsPerSecond, 2),
      formatFixed(summary.p50Ms, 2),
      formatFixed(summary.p99Ms, 2),
      moves ? formatCount(summary.transfersPerSecond) : "–",
      moves ? times(summary.transfersPerSecond / SEED_TRANSFERS_PER_SECOND) : "–",
      formatFixed(summary.serverCores, 2),
      formatFixed(summary.generatorCores, 2),
      formatFixed(summary.otherCores, 2),
      formatCount(report.non2xx),
      formatCount(report.errors),
      checks,
    ];
  });
  return markdownTable(COLUMNS, rows);
}

const met = (ok: boolean) => (ok ? "met" : "**not met**");

/** One line per target: the figure, and whether it is met. */
export function verdict(reports: readonly ScenarioReport[], generators: string): string {
  const lines = [`- Load generator: ${generators}.`];
  const ours = reports.filter((report) => report.server === "ours");
  const find = (key: string) => ours.find((report) => report.scenario.key === key);
  const transfer = find("transfer");
  if (transfer !== undefined) {
    const summary = summarize(transfer);
    lines.push(
      `- \`POST /transfers\`, ${transfer.connections} connections: ${formatCount(summary.transfersPerSecond)} transfers/s ` +
        `(target ≥ ${formatCount(TARGET_TRANSFERS_PER_SECOND)}: ${met(summary.transfersPerSecond >= TARGET_TRANSFERS_PER_SECOND)}), ` +
        `${times(summary.transfersPerSecond / SEED_TRANSFERS_PER_SECOND)} the seed's ~${formatCount(SEED_TRANSFERS_PER_SECOND)}/s.`,
    );
    lines.push(...baselineVerdict(transfer, reports));
  }
  const singles = ours.filter((report) => report.scenario.key !== "batch");
  if (singles.length > 0) {
    const worst = Math.max(...singles.map((report) => summarize(report).p99Ms));
    lines.push(`- p99 latency, 32 connections: at most ${formatFixed(worst, 2)} ms (target < ${TARGET_P99_MS} ms: ${met(worst < TARGET_P99_MS)}).`);
  }
  const batch = find("batch");
  if (batch !== undefined) {
    const transfersPerSecond = summarize(batch).transfersPerSecond;
    lines.push(
      `- \`POST /transfers/batch\`, ${batch.connections} connections: ${formatCount(transfersPerSecond)} transfers/s ` +
        `(target ≥ ${formatCount(TARGET_BATCH_TRANSFERS_PER_SECOND)}: ${met(transfersPerSecond >= TARGET_BATCH_TRANSFERS_PER_SECOND)}).`,
    );
    if (batch.trials.length > 0) {
      const tried = batch.trials.map((trial) => `${trial.connections}: ${formatCount(trial.requestsPerSecond)} req/s`).join(", ");
      lines.push(`  Connections tried in short trial runs: ${tried}; the fastest was kept.`);
    }
  }
  const errors = reports.reduce((total, report) => total + report.non2xx + report.errors, 0);
  const failed = ours.filter((report) => report.failures.length > 0).length;
  lines.push(`- Non-2xx answers and errors, every run: ${formatCount(errors)} (target 0: ${met(errors === 0)}).`);
  lines.push(`- Balances and transaction counts exact after every run: ${failed === 0 ? "yes" : `**no**, in ${failed} scenarios`}.`);
  return lines.join("\n");
}

/** Our ratio to the bare server (the target), run by run too, and where minimal Fastify stands. */
function baselineVerdict(ours: ScenarioReport, reports: readonly ScenarioReport[]): string[] {
  const bare = bareOf(ours, reports);
  if (bare === undefined || bare.runs.length === 0) return [];
  const rate = (report: ScenarioReport) => summarize(report).requestsPerSecond;
  const ratio = rate(ours) / rate(bare);
  const pairs = ours.runs
    .map((run, index) => run.requestsPerSecond / (bare.runs[index]?.requestsPerSecond ?? Number.NaN))
    .map((value) => formatFixed(value, 2));
  const lines = [
    `- \`POST /transfers\` against a bare \`node:http\` server answering the same JSON, same load, run for run: ` +
      `${formatCount(rate(ours))} req/s against ${formatCount(rate(bare))}, **${formatFixed(ratio, 2)}** of it ` +
      `(target ≥ ${TARGET_RATIO_TO_BARE}: ${met(ratio >= TARGET_RATIO_TO_BARE)}); run by run ${pairs.join(" · ")}.`,
  ];
  const fastify = reports.find((other) => other.scenario === ours.scenario && other.server === "fastify");
  if (fastify !== undefined && fastify.runs.length > 0) {
    lines.push(
      `  A minimal Fastify route with the same schemas: ${formatCount(rate(fastify))} req/s, ` +
        `${formatFixed(rate(fastify) / rate(bare), 2)} of bare; ours is ${formatFixed(rate(ours) / rate(fastify), 2)} of it.`,
    );
  }
  return lines;
}

export interface RunFacts {
  readonly command: string;
  readonly date: string;
  readonly runs: number;
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
  /** The generators as they ran, e.g. "wrk 4.1.0 (1 thread) for single requests, autocannon 8.0.0 for the batch". */
  readonly generators: string;
}

/** The body of the results region: where and when it ran, the table and the verdict. */
export function resultsBody(reports: readonly ScenarioReport[], facts: RunFacts): string {
  const host = machine();
  return `
### Results

Run on ${facts.date} with ${facts.command}. Machine: ${host.cpu}, ${host.cpuCount} cores,
${host.memoryGiB.toFixed(1)} GiB, Node ${host.node}, ${host.platform}.
Load average (1 min) before the run: ${facts.loadBefore.toFixed(2)}, after: ${facts.loadAfter.toFixed(2)}.

${resultsTable(reports)}

${verdict(reports, facts.generators)}
`;
}

/** How the benchmark measures, for the method region. */
export function methodBody(facts: Pick<RunFacts, "runs" | "durationSeconds" | "warmUpSeconds">): string {
  return `
\`npm run bench:http\` builds the package and bench/, starts the real server as a child process
(\`LOG_LEVEL=warn node dist/cli/main.js serve --host 127.0.0.1 --port <free port>\`, so no line is
logged per request), a fresh one for each scenario, waits for \`GET /health\`, opens the accounts
over HTTP (not timed), and loads it from 127.0.0.1 only, keep-alive connections, one request in
flight per connection. The single-request scenarios are loaded with wrk (1 thread) when \`wrk\` is
on PATH, else with autocannon, from the benchmark's process (\`--client\` chooses; why wrk, below);
the batch always with autocannon, which sends its 16 bodies round-robin and counts the answers to
each for the exact check.

| Scenario | Request | Connections |
|---|---|--:|
| balance | \`GET /accounts/alice\` | 32 |
| deposit | \`POST /accounts/dan/deposits\` \`{"amount":1}\` | 32 |
| transfer | \`POST /transfers\` \`{"sender":"alice","recipient":"bob","amount":1}\`, alice holding 1,000,000,000.00 | 32 |
| batch | \`POST /transfers/batch\`, \`"atomic": true\`, 8,190 transfers per body among 10,000 accounts of 1,000,000.00, amounts 0.01 to 10.00; 16 bodies drawn from seed 1 (sfc32), sent round-robin | 2, 4 or 8 |

- **Baselines of \`POST /transfers\`.** In the same run, two more child processes answer the same
  request: a bare \`node:http\` server (\`bench/http/baseline/bare.ts\`: no framework; it reads the
  body, \`JSON.parse\`s it and answers 200 \`application/json\` with a body of our answer's shape and
  size, about 316 bytes, built with \`JSON.stringify\`), and a minimal Fastify route
  (\`bench/http/baseline/fastify.ts\`: the same body and response schemas as ours, no logger, hooks
  or plugins). They get the same generator, connections and durations as ours, and the servers
  take turns run by run (ours, bare, Fastify, ours, …), so that a burst of other load hits each of
  them; their columns are medians like ours. "vs bare" is a server's median rate over the bare
  server's: ours against bare is what routing, validation, idempotency hooks, logging and
  serialisation cost; Fastify against bare is the framework's share of it. The baselines keep no
  state, so only their answers' statuses are checked.
- Each scenario starts with a ${facts.warmUpSeconds} s warm-up run per server (for the batch, one per connection
  count tried, the fastest count kept), then ${facts.runs} measured runs of about ${facts.durationSeconds} s. A wrk run
  lasts its ${facts.durationSeconds} s and ends by time. An autocannon run is bounded by count, set from the
  previous run's rate to last about ${facts.durationSeconds} s, and by time (${2 * facts.durationSeconds} s); ending by count means every
  request sent was answered, so what the server applied can be compared exactly with the 2xx
  answers counted. A run ended by time may leave one request per connection unanswered, which the
  server may or may not have applied; the checks allow for exactly that.
- Req/s is answers over the run's time (wrk's own duration; for autocannon, from the first request
  to the last answer); transfers/s is 2xx answers times the transfers per request over the same
  time. p50 and p99 are percentiles of every request's own response time in a run (wrk's
  histogram, or nearest-rank over autocannon's exact times). Each column is the median of the
  measured runs (the machine is shared and noisy); "Runs" lists every run's rate.
- After every run, warm-ups included, the benchmark checks our server's state over HTTP: each
  touched balance moved by exactly the amount times the transfers applied; the transactions the
  server recorded (counted with a 0.01 probe deposit before and after, as ids are dense) equal the
  2xx count (plus at most one per connection for a run ended by time), times 8,190 for batches; for
  the batch, the 10,000 balances (read with \`GET /accounts\`, 1,000 a page) still total
  10,000,000,000.00, none is negative, and each equals its value before the run plus what the
  answered bodies moved. A batch answer must say \`applied: 8190\`, \`refused: 0\`. Any non-2xx
  answer, error or failed check makes the benchmark exit non-zero. Timings are never asserted.
- **Sharing the cores.** The machine has 2 cores, and the server and the load generator share them.
  The server runs its JavaScript on one thread (V8's garbage collector and libuv add some work on
  others); the generator runs on one thread too, so the server can never have both cores. The CPU
  columns are the CPU seconds used per second of run (1.00 is one core, medians of the runs): by
  the server, by the load generator (wrk's from /proc, autocannon's from \`process.cpuUsage()\`),
  and by every other process on the machine (from /proc/stat). When "other" is high, something
  else was running and the server got less than a core; the rates of that run are low for that
  reason. Batches need little from the generator, so there the limit is the server's one
  JavaScript thread while the second core idles. A server alone on the machine, loaded from
  another one, would do better on single requests; the seed's ~2,700 transfers/s was measured the
  same way, on this machine.

| Target (issues 3, 4 and 8) | |
|---|--:|
| \`POST /transfers\`, 32 connections | ≥ ${formatCount(TARGET_TRANSFERS_PER_SECOND)} transfers/s |
| \`POST /transfers\`, as a ratio to the bare \`node:http\` server, same load | ≥ ${TARGET_RATIO_TO_BARE} |
| p99 latency, 32 connections | < ${TARGET_P99_MS} ms |
| Non-2xx and errors | 0 |
| \`POST /transfers/batch\`, 8,190 per request | ≥ ${formatCount(TARGET_BATCH_TRANSFERS_PER_SECOND)} transfers/s |
| The seed's FastAPI/uvicorn server, \`POST /transfers\`, same load, this machine | ~${formatCount(SEED_TRANSFERS_PER_SECOND)} transfers/s |
`;
}
