// The in-process stress benchmark (`npm run bench`): the seed's random-transfer test through
// `account.transfer`, in two scenarios, printing Markdown tables and writing docs/ (table and chart).

import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { renderChart } from "./chart.js";
import type { Scenario } from "./draws.js";
import { runIsolated, type IsolatedResult } from "./isolated.js";
import { METHOD, regionBody, writeRegions } from "./report.js";
import { CheckError } from "./run.js";
import { formatCount, markdownTable, summarize, type Row } from "./table.js";

const SIZES = [
  1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000,
  5_000_000, 10_000_000, 20_000_000, 50_000_000, 100_000_000,
];
const DEFAULT_MAX = 10_000_000;
const FULL_MAX = 100_000_000;
const DEFAULT_SEED = 1;

const TARGET_VALID_PER_SECOND = 4_000_000;
const TARGET_MIX_PER_SECOND = 1_500_000;
const TARGET_BYTES_PER_TRANSFER = 64;
const SEED_PER_SECOND_LOW = 400_000;
const SEED_PER_SECOND_HIGH = 450_000;
const SEED_BYTES_PER_TRANSFER = 272;

// Relative to the compiled file, dist-bench/transfers/main.js, so that any working directory will do.
const DOCS_DIRECTORY = fileURLToPath(new URL("../../docs/", import.meta.url));

const SCENARIOS: readonly Scenario[] = ["valid", "mix"];

/** A command line the benchmark does not understand. */
class UsageError extends Error {
  override readonly name = "UsageError";
}

interface Options {
  readonly max: number;
  readonly seed: number;
  readonly write: boolean;
}

function parseOptions(argv: readonly string[]): Options {
  let max = DEFAULT_MAX;
  let seed = DEFAULT_SEED;
  let write = true;
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--full") max = FULL_MAX;
    else if (argument === "--max") max = parseCount(argv[++i]);
    else if (argument === "--seed") seed = parseCount(argv[++i]);
    else if (argument === "--no-write") write = false;
    else throw new UsageError(`unknown argument ${String(argument)}; use --full, --max N, --seed S, --no-write`);
  }
  return { max, seed, write };
}

/** "100M", "500k", "1e6", "1_000_000" or "1000000". */
function parseCount(text: string | undefined): number {
  const match = /^([\d_.e]+)([kM]?)$/.exec(text ?? "");
  const value = match === null ? NaN : Number((match[1] as string).replaceAll("_", ""));
  const count = value * (match?.[2] === "M" ? 1e6 : match?.[2] === "k" ? 1e3 : 1);
  if (!Number.isSafeInteger(count) || count < 1) throw new UsageError(`not a positive count: ${String(text)}`);
  return count;
}

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
      `(median of ${job.runs}), ${row.bytesPerTransfer.toFixed(1)} B/transfer, ${formatCount(row.refused)} refused`,
  );
}

/** One sentence per scenario on the sizes that matter (N >= 1M), for the docs. */
function verdict(label: string, rows: readonly Row[], target: number): string {
  const large = rows.filter((row) => row.count >= 1_000_000);
  if (large.length === 0) return "";
  const rates = large.map((row) => row.transfersPerSecond);
  const bytes = large.map((row) => row.bytesPerTransfer);
  const over = rows.filter((row) => row.bytesPerTransfer > TARGET_BYTES_PER_TRANSFER).map((row) => formatCount(row.count));
  const met = (ok: boolean) => (ok ? "met" : "not met");
  return (
    `- ${label}, N ≥ 1,000,000: ${formatCount(Math.min(...rates))}–${formatCount(Math.max(...rates))} transfers/s ` +
    `(target ${formatCount(target)}: ${met(Math.min(...rates) >= target)}), ` +
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
  const options = parseOptions(argv);
  const sizes = SIZES.filter((count) => count <= options.max);
  if (!sizes.includes(options.max)) sizes.push(options.max);
  const loadBefore = os.loadavg()[0] as number;
  const jobs: Job[] = SCENARIOS.flatMap((scenario) =>
    sizes.map((count) => ({ scenario, count, runs: runsFor(count), results: [] })),
  );
  runJobs(jobs, options.seed);
  const rows = (scenario: Scenario) =>
    jobs.filter((job) => job.scenario === scenario).map((job) => summarize(job.count, job.results));
  const valid = rows("valid");
  const mix = rows("mix");
  const validTable = markdownTable(valid);
  const mixTable = markdownTable(mix);
  process.stdout.write(`### Every transfer valid\n\n${validTable}\n\n### Seed mix (~10% refused)\n\n${mixTable}\n`);

  const standard = options.max === DEFAULT_MAX || options.max === FULL_MAX;
  if (!options.write || !standard) {
    log("docs/ not written (custom sizes or --no-write)");
    return;
  }
  const full = options.max === FULL_MAX;
  const region = full ? "transfers-full" : "transfers";
  const range = `N = ${formatCount(sizes[0] as number)} to ${formatCount(options.max)}`;
  mkdirSync(DOCS_DIRECTORY, { recursive: true });
  const results = regionBody({
    title: `${range} (\`${full ? "npm run bench:full" : "npm run bench"}\`)`,
    command: commandLine(argv),
    date: new Date().toISOString().slice(0, 10),
    seed: options.seed,
    peakResidentBytes: Math.max(...jobs.flatMap((job) => job.results.map((result) => result.peakResidentBytes))),
    loadBefore,
    loadAfter: os.loadavg()[0] as number,
    validTable,
    mixTable,
    verdict: [
      verdict("Every transfer valid", valid, TARGET_VALID_PER_SECOND),
      verdict("Seed mix", mix, TARGET_MIX_PER_SECOND),
    ].join("\n"),
  });
  writeRegions(path.join(DOCS_DIRECTORY, "BENCHMARKS.md"), { "transfers-method": METHOD, [region]: results });
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
  process.exitCode = 1;
}
