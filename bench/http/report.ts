// The HTTP benchmark's results as Markdown: the table, the verdict on the targets, how it measures,
// and its section of docs/BENCHMARKS.md ("## HTTP"), whose two marked regions it alone rewrites.

import { formatCount, formatFixed, markdownTable, median, type Column } from "../common/format.js";
import { machine } from "../common/machine.js";
import type { Section } from "../common/regions.js";
import type { Client } from "./generator.js";
import type { LoadResult } from "./load.js";
import { isBatchScenario, type Scenario } from "./scenarios.js";
import { isOurs, type ServerKind } from "./server.js";

export const SEED_TRANSFERS_PER_SECOND = 2_700;
export const TARGET_TRANSFERS_PER_SECOND = 16_000;
export const TARGET_P99_MS = 10;
export const TARGET_BATCH_TRANSFERS_PER_SECOND = 1_000_000;
/** Our POST /transfers rate over the bare node:http server's, same load. */
export const TARGET_RATIO_TO_BARE = 0.7;

/** How it measures (rewritten by every run, so that it stays true to the code), then the results. */
export const SECTION: Section = {
  heading: "## HTTP",
  regions: [
    { name: "http-method", placeholder: "" },
    { name: "http", placeholder: "_Not run yet: `npm run bench:http`._" },
  ],
};

/** What follows the scenario's title in a row: nothing for ours in memory. */
export function serverTitle(report: Pick<ScenarioReport, "server" | "fsync">): string {
  if (report.server === "bare") return ", bare node:http";
  if (report.server === "fastify") return ", minimal Fastify";
  return report.fsync === null ? "" : `, durable (\`--fsync ${report.fsync}\`)`;
}

/** One server's measured runs of one scenario (warm-ups and trials left out), and what went wrong. */
export interface ScenarioReport {
  readonly scenario: Scenario;
  readonly server: ServerKind;
  /** A durable server's fsync policy ("always", "5ms"); null for one in memory and the baselines. */
  readonly fsync: string | null;
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
  const transfersPerRequest = isOurs(report.server) ? report.scenario.transfersPerRequest : 0;
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
    const moves = isOurs(report.server) && report.scenario.transfersPerRequest > 0;
    const checks = report.failures.length > 0 ? "**failed**" : isOurs(report.server) ? "exact" : "–";
    return [
      `\`${report.scenario.title}\`${serverTitle(report)}`,
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
  const singles = ours.filter((report) => !isBatchScenario(report.scenario.key));
  if (singles.length > 0) {
    const worst = Math.max(...singles.map((report) => summarize(report).p99Ms));
    lines.push(`- p99 latency, 32 connections: at most ${formatFixed(worst, 2)} ms (target < ${TARGET_P99_MS} ms: ${met(worst < TARGET_P99_MS)}).`);
  }
  for (const batch of ours.filter((report) => isBatchScenario(report.scenario.key))) {
    const transfersPerSecond = summarize(batch).transfersPerSecond;
    lines.push(
      `- \`${batch.scenario.title}\`, ${batch.connections} connections: ${formatCount(transfersPerSecond)} transfers/s ` +
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
