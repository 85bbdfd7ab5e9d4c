// The holds benchmark (`npm run bench:holds`): holds created and posted in process as a share of
// plain transfers in the same run, and filtered history pages over a journal of 10M entries.
// Prints Markdown tables and, unless told not to, writes them into docs/BENCHMARKS.md.

import { formatCount, formatFixed, markdownTable, median } from "../common/format.js";
import { loadAverage, machine } from "../common/machine.js";
import { count, flag, parseCommandLine, positiveInteger, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions, type Section } from "../common/regions.js";
import { fillJournal, PAGE_LIMIT, QUERIES, timeQuery, type QueryResult } from "./history.js";
import { CheckError, drawMovements, runOnce, type Mode } from "./throughput.js";

const TARGET_SHARE = 0.5;
const TARGET_PAGE_MICROS = 1000;
const WARM_UP_COUNT = 100_000;

const COMMAND = {
  usage: "npm run bench:holds -- [options]   (or node --expose-gc dist-bench/holds/main.js [options])",
  summary:
    "Holds in process: N holds created and posted against N plain transfers of the same draws, in rounds\n" +
    "that alternate which goes first; then filtered pages of one account's history over a journal of E\n" +
    "entries. Prints Markdown tables and writes docs/BENCHMARKS.md (section \"Holds and history queries\").",
  quick: "N = 200,000, 3 rounds, E = 1,000,000, 200 pages per query; never writes docs/",
  options: {
    count: valued("N", "movements per run (holds, or transfers)", count, 1_000_000, 200_000),
    rounds: valued("R", "rounds; each runs both modes once", positiveInteger, 7, 3),
    entries: valued("E", "journal entries under the history pages", count, 10_000_000, 1_000_000),
    pages: valued("P", "timed pages per query", positiveInteger, 2_000, 200),
    seed: valued("S", "seed of the draws", count, 1),
    noWrite: flag("print the tables only; do not write docs/", true),
  },
};

type Options = Values<typeof COMMAND.options>;

const SECTION: Section = {
  heading: "## Holds and history queries",
  regions: [{ name: "holds", placeholder: "_Not run yet: `npm run bench:holds`._" }],
};

interface Throughput {
  readonly perSecond: Record<Mode, number[]>;
  readonly shares: number[];
}

function measureThroughput(options: Options): Throughput {
  const draws = drawMovements(options.count, options.seed);
  const warmUp = drawMovements(Math.min(WARM_UP_COUNT, options.count), options.seed + 1);
  runOnce("transfers", warmUp);
  runOnce("holds", warmUp);
  const perSecond: Record<Mode, number[]> = { transfers: [], holds: [] };
  const shares: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const order: Mode[] = round % 2 === 0 ? ["transfers", "holds"] : ["holds", "transfers"];
    const rates: Partial<Record<Mode, number>> = {};
    for (const mode of order) {
      const rate = options.count / runOnce(mode, draws);
      rates[mode] = rate;
      perSecond[mode].push(rate);
    }
    shares.push((rates.holds as number) / (rates.transfers as number));
    process.stderr.write(`round ${round + 1}/${options.rounds}: share ${formatFixed(shares[round] as number, 3)}\n`);
  }
  return { perSecond, shares };
}

function throughputTable(options: Options, throughput: Throughput): string {
  const transfers = median(throughput.perSecond.transfers);
  const holds = median(throughput.perSecond.holds);
  const rows = [
    ["`bank.transfer(sender, recipient, amount)`", formatCount(transfers), "1", "–"],
    ["`bank.hold(sender, recipient, amount).post()`", formatCount(holds), "2", formatFixed(median(throughput.shares) * 100, 1) + " %"],
  ];
  const columns = [
    { title: `Per movement (N = ${formatCount(options.count)}, ${options.rounds} rounds)`, align: "left" as const },
    { title: "Movements/s (median)", align: "right" as const },
    { title: "Journal entries each", align: "right" as const },
    { title: "Share of transfers (median of rounds)", align: "right" as const },
  ];
  return markdownTable(columns, rows);
}

function historyTable(entries: number, pages: number, results: readonly QueryResult[]): string {
  const columns = [
    { title: `Page of ${PAGE_LIMIT} over ${formatCount(entries)} entries (${formatCount(pages)} pages)`, align: "left" as const },
    { title: "Median µs", align: "right" as const },
    { title: "p99 µs", align: "right" as const },
    { title: "Transactions per page", align: "right" as const },
  ];
  const rows = results.map((result) => [
    result.name, formatFixed(result.medianMicros, 1), formatFixed(result.p99Micros, 1), formatFixed(result.meanTransactions, 1),
  ]);
  return markdownTable(columns, rows);
}

function summary(throughput: Throughput, results: readonly QueryResult[]): string {
  const share = median(throughput.shares);
  const slowest = Math.max(...results.map((result) => result.medianMicros));
  return `Holds created and posted: ${formatFixed(share * 100, 1)} % of plain transfers (target ≥ ${TARGET_SHARE * 100} %: ` +
    `${share >= TARGET_SHARE ? "met" : "missed"}). Slowest filtered page: median ${formatFixed(slowest, 1)} µs ` +
    `(target < ${TARGET_PAGE_MICROS} µs: ${slowest < TARGET_PAGE_MICROS ? "met" : "missed"}).`;
}

function main(): void {
  const options = parseCommandLine(COMMAND, process.argv.slice(2));
  if (options === null) return;
  const loadBefore = loadAverage();
  const throughput = measureThroughput(options);
  process.stderr.write(`filling a journal of ${formatCount(options.entries)} entries\n`);
  const journal = fillJournal(options.entries, options.seed);
  const results = QUERIES.map((query, index) => timeQuery(journal, query, options.pages, options.seed + index));
  const loadAfter = loadAverage();
  const { cpu, cpuCount, node } = machine();
  const tables = `${throughputTable(options, throughput)}\n\n${historyTable(options.entries, options.pages, results)}`;
  const context = `Run on ${new Date().toISOString().slice(0, 10)} with \`npm run bench:holds\`, seed ${options.seed}. ` +
    `Machine: ${cpu}, ${cpuCount} cores, Node ${node}; load average ${formatFixed(loadBefore, 2)} before, ` +
    `${formatFixed(loadAfter, 2)} after (a shared machine: the share is the median of rounds run side by side). ` +
    `Journal of ${formatCount(journal.entries)} entries filled in ${formatFixed(journal.fillSeconds, 1)} s.`;
  const body = `${context}\n\n${tables}\n\n${summary(throughput, results)}`;
  process.stdout.write(`${body}\n`);
  if (!options.noWrite) writeRegions(BENCHMARKS_MD, SECTION, { holds: body });
}

try {
  main();
} catch (error) {
  if (error instanceof UsageError || error instanceof CheckError) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 2;
  } else {
    throw error;
  }
}
