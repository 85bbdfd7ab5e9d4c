// The in-process stress benchmark (`npm run bench`): the seed's random-transfer test through
// `account.transfer`, in two scenarios, printing Markdown tables and writing docs/ (table and chart).

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { formatCount } from "../common/format.js";
import { loadAverage } from "../common/machine.js";
import { sizesOf } from "../common/sizes.js";
import { count, flag, parseCommandLine, positiveInteger, UsageError, valued } from "../common/options.js";
import { BENCHMARKS_MD, DOCS_DIRECTORY, writeRegions } from "../common/regions.js";
import { renderChart } from "./chart.js";
import type { Scenario } from "./draws.js";
import { runIsolated, type IsolatedResult } from "./isolated.js";
import { METHOD, regionBody, SECTION, TARGETS } from "./report.js";
import { CheckError } from "./run.js";
import { rowsTable, summarize, type Row } from "./table.js";

const SIZES = [
  1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000,
  5_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000,
];
const DEFAULT_MAX = 10_000_000;
const FULL_MAX = 100_000_000;
const QUICK_SIZE = 1_000_000;
const QUICK_RUNS = 3;
const DEFAULT_SEED = 1;

const TARGET_VALID_PER_SECOND = TARGETS.validPerSecond;
const TARGET_MIX_PER_SECOND = TARGETS.mixPerSecond;
const TARGET_BYTES_PER_TRANSFER = TARGETS.bytesPerTransfer;
const SEED_PER_SECOND_LOW = 400_000;
const SEED_PER_SECOND_HIGH = 450_000;
const SEED_BYTES_PER_TRANSFER = 272;

const SCENARIOS: readonly Scenario[] = ["valid", "mix"];

const COMMAND = {
  usage: "npm run bench -- [options]   (or node --expose-gc dist-bench/transfers/main.js [options])",
  summary:
    "The in-process stress benchmark: N random transfers through account.transfer, every transfer valid\n" +
    "and the seed's mix (~10% refused), each run in a process of its own, checked to the cent. Prints\n" +
    "Markdown tables; a run of the standard sizes (default or --full) also writes docs/BENCHMARKS.md\n" +
    "and docs/bench-transfers.svg.",
  quick: `one size (${formatCount(QUICK_SIZE)}, or --max), both scenarios, ${QUICK_RUNS} runs each; never writes docs/`,
  options: {
    full: flag(`sizes up to ${formatCount(FULL_MAX)} (npm run bench:full), into their own region of docs/`),
    max: valued("N", "the largest size: the standard sizes up to N, and N (10M, 500k, 1e6, 1_000_000)", count, DEFAULT_MAX, QUICK_SIZE),
    runs: valued<number | undefined>("R", "runs per size; by default 7 up to 1M, 3 up to 20M, 1 above", positiveInteger, undefined, QUICK_RUNS),
    seed: valued("S", "seed of the drawn transfers", count, DEFAULT_SEED),
    noWrite: flag("print the tables only; do not write docs/", true),
  },
};

/** More runs where a run is short and noisy, fewer where one run already takes a while. */
function runsFor(count: number): number {
  if (count <= 1_000_000) return 7;
  if (count <= 20_000_000) return 3;
  return 1;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Every run of one scenario at one size. */
interface Job {
  readonly scenario: Scenario;
  readonly count: number;
  readonly runs: number;
  readonly results: IsolatedResult[];
}

/**
 * Runs all jobs in rounds (each size once per round, then again) rather than one size after the
 * other, so that a burst of load from other work on the machine spoils one run of many sizes
 * rather than every run of one size.
 */
function runJobs(jobs: readonly Job[], seed: number): void {
  const rounds = Math.max(...jobs.map((job) => job.runs));
  for (let round = 0; round < rounds; round++) {
    log(`Round ${round + 1} of ${rounds}`);
    for (const job of jobs) {
      if (round >= job.runs) continue;
      const label = `${job.scenario} N=${formatCount(job.count)} run ${round + 1}/${job.runs}`;
      job.results.push(runIsolated(job.scenario, job.count, seed, label));
      if (job.results.length === job.runs) logRow(job, summarize(job.count, job.results));
    }
  }
}

function logRow(job: Job, row: Row): void {
  log(
    `${job.scenario.padEnd(5)} N=${formatCount(job.count).padStart(11)}: ${formatCount(row.transfersPerSecond).padStart(10)}/s ` +
      `(median of ${job.runs}), ${formatCount(row.transfersPerCpuSecond).padStart(10)}/CPU-s, ` +
      `${row.bytesPerTransfer.toFixed(1)} B/transfer, ${formatCount(row.refused)} refused, ` +
      `peak RSS ${(Math.max(...job.results.map((result) => result.peakResidentBytes)) / 2 ** 30).toFixed(2)} GiB`,
  );
}

/** One sentence per scenario on the sizes that matter (N >= 1M), for the docs. */
function verdict(label: string, rows: readonly Row[], target: number): string {
  const large = rows.filter((row) => row.count >= 1_000_000);
  if (large.length === 0) return "";
  const rates = large.map((row) => row.transfersPerSecond);
  const cpuRates = large.map((row) => row.transfersPerCpuSecond);
  const bytes = large.map((row) => row.bytesPerTransfer);
  const over = rows.filter((row) => row.bytesPerTransfer > TARGET_BYTES_PER_TRANSFER).map((row) => formatCount(row.count));
  const met = (ok: boolean) => (ok ? "met" : "not met");
  return (
    `- ${label}, N ≥ 1,000,000: ${formatCount(Math.min(...rates))}–${formatCount(Math.max(...rates))} transfers/s ` +
    `(target ${formatCount(target)}: ${met(Math.min(...rates) >= target)}), ` +
    `${formatCount(Math.min(...cpuRates))}–${formatCount(Math.max(...cpuRates))} per CPU-second, ` +
    `${Math.min(...bytes).toFixed(1)}–${Math.max(...bytes).toFixed(1)} bytes/transfer ` +
    `(target ${TARGET_BYTES_PER_TRANSFER}: ${met(Math.max(...bytes) <= TARGET_BYTES_PER_TRANSFER)})` +
    (over.length > 0
      ? `; above ${TARGET_BYTES_PER_TRANSFER} bytes/transfer at N = ${over.join(", ")}, where the journal's last chunk is partly empty.`
      : ".")
  );
}

/** The command as typed, and the node command it came down to. */
function commandLine(argv: readonly string[]): string {
  const node = ["node --expose-gc dist-bench/transfers/main.js", ...argv].join(" ");
  const script = process.env["npm_lifecycle_event"];
  if (script !== "bench" && script !== "bench:full") return `\`${node}\``;
  return `\`npm run ${script}\` (which builds the package and bench/, then runs \`${node}\`)`;
}

function main(): void {
  const argv = process.argv.slice(2);
  const options = parseCommandLine(COMMAND, argv);
  if (options === null) return;
  const sizes = sizesOf(options, SIZES, FULL_MAX);
  const max = sizes[sizes.length - 1] as number;
  const loadBefore = loadAverage();
  const jobs: Job[] = SCENARIOS.flatMap((scenario) =>
    sizes.map((size) => ({ scenario, count: size, runs: options.runs ?? runsFor(size), results: [] })),
  );
  runJobs(jobs, options.seed);
  const rows = (scenario: Scenario) =>
    jobs.filter((job) => job.scenario === scenario).map((job) => summarize(job.count, job.results));
  const valid = rows("valid");
  const mix = rows("mix");
  const validTable = rowsTable(valid);
  const mixTable = rowsTable(mix);
  process.stdout.write(`### Every transfer valid\n\n${validTable}\n\n### Seed mix (~10% refused)\n\n${mixTable}\n`);

  // Only the standard sizes and runs stand for the figures in docs/.
  const standard = !options.quick && options.runs === undefined && (max === DEFAULT_MAX || max === FULL_MAX);
  if (options.noWrite || !standard) {
    log("docs/ not written (--quick, custom sizes or runs, or --no-write)");
    return;
  }
  const full = max === FULL_MAX;
  const region = full ? "transfers-full" : "transfers";
  const range = `N = ${formatCount(sizes[0] as number)} to ${formatCount(max)}`;
  mkdirSync(DOCS_DIRECTORY, { recursive: true });
  const results = regionBody({
    title: `${range} (\`${full ? "npm run bench:full" : "npm run bench"}\`)`,
    command: commandLine(argv),
    date: new Date().toISOString().slice(0, 10),
    seed: options.seed,
    peakResidentBytes: Math.max(...jobs.flatMap((job) => job.results.map((result) => result.peakResidentBytes))),
    loadBefore,
    loadAfter: loadAverage(),
    validTable,
    mixTable,
    verdict: [
      verdict("Every transfer valid", valid, TARGET_VALID_PER_SECOND),
      verdict("Seed mix", mix, TARGET_MIX_PER_SECOND),
    ].join("\n"),
  });
  writeRegions(BENCHMARKS_MD, SECTION, { "transfers-method": METHOD, [region]: results });
  writeFileSync(path.join(DOCS_DIRECTORY, "bench-transfers.svg"), renderChart({
    title: `In-process transfers through account.transfer, ${range} (medians)`,
    valid,
    mix,
    targetValidPerSecond: TARGET_VALID_PER_SECOND,
    targetMixPerSecond: TARGET_MIX_PER_SECOND,
    seedPerSecondLow: SEED_PER_SECOND_LOW,
    seedPerSecondHigh: SEED_PER_SECOND_HIGH,
    targetBytesPerTransfer: TARGET_BYTES_PER_TRANSFER,
    seedBytesPerTransfer: SEED_BYTES_PER_TRANSFER,
  }));
  log(`Wrote docs/BENCHMARKS.md (${region}) and docs/bench-transfers.svg`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof CheckError || error instanceof UsageError)) throw error;
  log(error.message);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
