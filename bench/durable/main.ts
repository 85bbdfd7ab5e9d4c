// The durable-mode benchmark (`npm run bench:durable`): this disk's fsync latency, the library's
// throughput with fsync `always` against an in-memory bank, and restart time against history size,
// as Markdown tables on stdout and in docs/BENCHMARKS.md.

import { formatCount } from "../common/format.js";
import { fsyncLine, measureFsync, type FsyncLatency } from "../common/fsync.js";
import { loadAverage } from "../common/machine.js";
import { sizesOf } from "../common/sizes.js";
import { count, flag, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions } from "../common/regions.js";
import { DEFAULT_PARENT, makeTemporaryDirectory, removeTemporaryDirectory } from "../common/temporary.js";
import { differences, drawTransfers } from "./draws.js";
import { buildHistory, CASES, directoryFiles, reopenHistory, type ReopenRun } from "./history.js";
import { methodBody, restartTable, resultsBody, SECTION, throughputTable, verdict, type RestartRow, type ThroughputRow } from "./report.js";
import { CheckError, materialFor, runWorkload, transfersOf, WORKLOADS, type Mode, type ThroughputRun } from "./throughput.js";

const SIZES = [1_000_000, 10_000_000, 100_000_000];
const DEFAULT_MAX = 10_000_000;
const FULL_MAX = 100_000_000;
const QUICK_SIZE = 500_000;
const PARTS = ["throughput", "restart"] as const;
type Part = (typeof PARTS)[number];

const COMMAND = {
  usage: "npm run bench:durable -- [options]   (or node dist-bench/durable/main.js [options])",
  summary:
    "The durable-mode benchmark: this disk's fsync latency (the floor), the library's throughput with\n" +
    "fsync `always` against an in-memory bank in four ways of awaiting bank.sync(), and the time a\n" +
    "fresh process takes to reopen histories of 1M and 10M transfers after a clean close and after\n" +
    "SIGKILL. Checks every balance after every run. Prints Markdown tables; a run of the standard\n" +
    "sizes (default or --full) also writes docs/BENCHMARKS.md.",
  quick: `${formatCount(QUICK_SIZE)} transfers of history (or --max), short workloads, 1 run each; never writes docs/`,
  options: {
    only: valued("LIST", "parts to run, comma-separated: throughput, restart", list(oneOf(PARTS)), PARTS as readonly Part[]),
    full: flag(`history sizes up to ${formatCount(FULL_MAX)}, into their own region of docs/`),
    max: valued("N", "the largest history size: the standard sizes (1M, 10M) up to N, and N (10M, 500k, 1e6)", count, DEFAULT_MAX, QUICK_SIZE),
    runs: valued("N", "timed runs of each workload, in memory and durable", positiveInteger, 5, 1),
    restartRuns: valued("N", "reopenings of each history (1 above 10M)", positiveInteger, 3, 1),
    dataRoot: valued("DIR", "where the data directories (one fresh temporary directory each, removed after) are made, and fsync measured", text, DEFAULT_PARENT),
    noWrite: flag("print the tables only; do not write docs/", true),
  },
};

type Options = Values<typeof COMMAND.options>;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Every workload in both modes, in rounds; the order of the modes swaps every round. */
async function runThroughput(options: Options): Promise<ThroughputRow[]> {
  const largest = Math.max(...WORKLOADS.map((workload) => transfersOf(workload, options.quick)));
  const material = materialFor(drawTransfers(largest, 1));
  log("Warm-up: every workload once in each mode, short");
  for (const workload of WORKLOADS) {
    for (const mode of ["memory", "durable"] as const) await runWorkload(workload, mode, material, workload.quickTransfers, options.dataRoot);
  }
  const rows = WORKLOADS.map((workload) => ({ workload, transfers: transfersOf(workload, options.quick), durable: [] as ThroughputRun[], memory: [] as ThroughputRun[] }));
  for (let round = 0; round < options.runs; round++) {
    const modes: Mode[] = round % 2 === 0 ? ["memory", "durable"] : ["durable", "memory"];
    for (const row of rows) {
      for (const mode of modes) {
        const run = await runWorkload(row.workload, mode, material, row.transfers, options.dataRoot);
        row[mode].push(run);
        log(
          `  ${row.workload.key} ${mode} run ${round + 1}/${options.runs}: ${formatCount(row.transfers)} in ${run.seconds.toFixed(3)} s ` +
            `= ${formatCount(run.transfersPerSecond)}/s, other CPU ${run.otherCores.toFixed(2)}`,
        );
      }
    }
  }
  return rows;
}

interface History {
  readonly row: Omit<RestartRow, "runs" | "failures">;
  readonly directory: string;
  readonly runs: ReopenRun[];
  readonly failures: string[];
}

/** Builds every size and case, then reopens them in rounds, every one once a round. */
async function runRestarts(options: Options, sizes: readonly number[]): Promise<RestartRow[]> {
  const histories: History[] = [];
  try {
    for (const transfers of sizes) {
      for (const history of CASES) {
        const directory = makeTemporaryDirectory(options.dataRoot, `durable-${history.key}`);
        const label = `build ${formatCount(transfers)}, ${history.key}`;
        log(`  ${label}`);
        const built = await buildHistory(directory, transfers, history, label);
        log(`  ${label}: ${built.seconds.toFixed(2)} s, ${formatCount(built.transfersPerSecond)} transfers/s`);
        histories.push({ row: { transfers, history, built, files: directoryFiles(directory) }, directory, runs: [], failures: [] });
      }
    }
    const rounds = options.restartRuns;
    for (let round = 0; round < rounds; round++) {
      for (const entry of histories) {
        if (round > 0 && entry.row.transfers > DEFAULT_MAX) continue;
        const label = `reopen ${formatCount(entry.row.transfers)}, ${entry.row.history.key}, run ${round + 1}`;
        const run = await reopenHistory(entry.directory, label);
        const wrong = differences(run.state, entry.row.built.state);
        entry.failures.push(...wrong.map((failure) => `${label}: ${failure}`));
        entry.runs.push(run);
        log(
          `  ${label}: ${run.seconds.toFixed(2)} s, peak RSS ${(run.peakResidentBytes / 2 ** 20).toFixed(0)} MiB, ` +
            `other CPU ${run.otherCores.toFixed(2)}, checks ${wrong.length === 0 ? "exact" : "FAILED"}` +
            (run.notices.length > 0 ? `; ${run.notices.join("; ")}` : ""),
        );
      }
    }
  } finally {
    for (const entry of histories) removeTemporaryDirectory(entry.directory);
  }
  return histories.map((entry) => ({ ...entry.row, runs: entry.runs, failures: entry.failures }));
}

function commandLine(argv: readonly string[]): string {
  const node = ["node dist-bench/durable/main.js", ...argv].join(" ");
  if (process.env.npm_lifecycle_event !== "bench:durable") return `\`${node}\` (after \`npm run build && tsc -p bench/tsconfig.json\`)`;
  const typed = ["npm run bench:durable", ...(argv.length > 0 ? ["--", ...argv] : [])].join(" ");
  return `\`${typed}\` (which builds the package and bench/, then runs \`${node}\`)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCommandLine(COMMAND, argv);
  if (options === null) return;
  const sizes = sizesOf(options, SIZES, FULL_MAX);
  process.once("SIGINT", () => process.exit(130));
  const loadBefore = loadAverage();
  const fsyncBefore = await measureFsync(options.dataRoot);
  log(`Fsync floor: ${fsyncLine(fsyncBefore)}`);
  const throughput = options.only.includes("throughput") ? await runThroughput(options) : [];
  if (options.only.includes("restart")) log(`Restart: sizes ${sizes.map(formatCount).join(", ")}`);
  const restarts = options.only.includes("restart") ? await runRestarts(options, sizes) : [];
  const fsyncAfter: FsyncLatency = await measureFsync(options.dataRoot);
  log(`Fsync floor after the runs: ${fsyncLine(fsyncAfter)}`);
  const loadAfter = loadAverage();

  const tables = [
    `Fsync floor before: ${fsyncLine(fsyncBefore)}\nFsync floor after:  ${fsyncLine(fsyncAfter)}`,
    ...(throughput.length > 0 ? [throughputTable(throughput)] : []),
    ...(restarts.length > 0 ? [restartTable(restarts)] : []),
    verdict(throughput, restarts, fsyncBefore),
  ];
  process.stdout.write(`${tables.join("\n\n")}\n`);

  const failures = restarts.flatMap((row) => row.failures);
  const max = sizes[sizes.length - 1] as number;
  const standard = !options.quick && (max === DEFAULT_MAX || max === FULL_MAX) && PARTS.every((part) => options.only.includes(part));
  if (options.noWrite || !standard || failures.length > 0) {
    log("docs/ not written (--quick, --only, custom sizes, a failed check, or --no-write)");
  } else {
    const full = max === FULL_MAX;
    const facts = {
      title: `Histories of ${sizes.map(formatCount).join(", ")} transfers (\`npm run bench:durable${full ? " -- --full" : ""}\`)`,
      command: commandLine(argv),
      date: new Date().toISOString().slice(0, 10),
      loadBefore,
      loadAfter,
      fsyncBefore,
      fsyncAfter,
    };
    const region = full ? "durable-full" : "durable";
    writeRegions(BENCHMARKS_MD, SECTION, { "durable-method": methodBody(options.runs, options.restartRuns), [region]: resultsBody(facts, throughput, restarts) });
    log(`Wrote ${BENCHMARKS_MD} (${region})`);
  }
  if (failures.length > 0) {
    log(`\nFAILED:\n${failures.map((failure) => `- ${failure}`).join("\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  log(error instanceof UsageError || error instanceof CheckError ? error.message : String((error as Error).stack ?? error));
  process.exit(error instanceof UsageError ? 2 : 1);
});
