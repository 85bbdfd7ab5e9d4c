// The HTTP load benchmark (`npm run bench:http`): the real server in a child process, wrk or
// autocannon against it on 127.0.0.1, exact checks after every run, bare node:http and minimal
// Fastify baselines for POST /transfers, with --durable the server kept on disk beside the one in
// memory, and Markdown tables on stdout and in docs/.

import { fsyncLine, measureFsync, type FsyncLatency } from "../common/fsync.js";
import { loadAverage } from "../common/machine.js";
import { flag, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions } from "../common/regions.js";
import { DEFAULT_PARENT } from "../common/temporary.js";
import { DURABLE_SECTION, durableBody, durableTable, durableVerdict } from "./durable.js";
import { clientVersion, CLIENTS, type Client } from "./generator.js";
import { methodBody } from "./method.js";
import { resultsBody, resultsTable, SECTION, verdict, type RunFacts, type ScenarioReport } from "./report.js";
import { runScenario, type RunSettings } from "./run.js";
import { SCENARIOS, type Scenario } from "./scenarios.js";

const SCENARIO_KEYS = SCENARIOS.map((scenario) => scenario.key);

const COMMAND = {
  usage: "npm run bench:http -- [options]   (or node dist-bench/http/main.js [options])",
  summary:
    "The HTTP load benchmark: the real server (bank serve) in a child process on 127.0.0.1, loaded\n" +
    "scenario by scenario, its state checked to the cent after every run; POST /transfers is also\n" +
    "compared with a bare node:http server and a minimal Fastify route, run for run. With --durable,\n" +
    "POST /transfers and the batch also load the server kept on disk (fsync always), in turns with the\n" +
    "one in memory, beside this disk's fsync latency. Prints Markdown tables; a run of every scenario\n" +
    "writes its region of docs/BENCHMARKS.md, and a --durable run of transfer and batch the durable one.",
  quick: "short runs (1 s warm-up, 1 run of 2 s, the batch at 4 connections); never writes docs/",
  options: {
    only: valued("LIST", "scenarios to run, comma-separated", list(oneOf(SCENARIO_KEYS)), SCENARIO_KEYS),
    runs: valued("N", "measured runs per scenario and server", positiveInteger, 3, 1),
    duration: valued("S", "seconds per measured run", positiveInteger, 10, 2),
    warmUp: valued("S", "seconds of each warm-up run", positiveInteger, 3, 1),
    batchConnections: valued(
      "LIST",
      "connection counts the batch tries in short trials; the fastest is kept",
      list(positiveInteger),
      [2, 4, 8] as readonly number[],
      [4],
    ),
    client: valued<Client | undefined>(
      "NAME",
      "generator of the single-request scenarios: wrk or autocannon (default: wrk if on PATH, else autocannon; the batch always uses autocannon)",
      oneOf(CLIENTS),
      undefined,
    ),
    noWrite: flag("print the table only; do not write docs/, which a run writes only when every scenario ran", true),
    profile: valued<string | undefined>("DIR", "write our server's CPU profiles (node --cpu-prof) into DIR", text, undefined),
    durable: flag("add our server kept on disk (--data-dir <fresh temporary directory> --fsync always) to transfer and batch"),
    durableInterval: valued<number | undefined>(
      "MS",
      "with --durable, also a durable server whose fsync runs every MS milliseconds (--fsync MSms)",
      positiveInteger,
      undefined,
    ),
    dataRoot: valued("DIR", "where --durable makes the data directories (removed after) and measures fsync", text, DEFAULT_PARENT),
  },
};

type Options = Values<typeof COMMAND.options>;

/** The generators of this run: for single requests (as chosen or found) and for the batch. */
interface Generators {
  readonly single: Client;
  readonly batch: Client;
  /** In words, for the table's verdict and the docs. */
  readonly description: string;
}

function chooseGenerators(options: Options): Generators {
  const wrk = clientVersion("wrk");
  const autocannon = clientVersion("autocannon") as string;
  if (options.client === "wrk" && wrk === null) throw new UsageError("--client wrk: wrk is not on PATH (apt-get install wrk)");
  let single = options.client ?? (wrk === null ? "autocannon" : "wrk");
  if (options.client === undefined && wrk === null) {
    console.error("Note: wrk is not on PATH, so autocannon loads the single requests too; it shares the cores with the server.");
  }
  const singles = SCENARIOS.filter((scenario) => options.only.includes(scenario.key) && scenario.wrk);
  if (singles.length === 0) single = "autocannon";
  const hasBatch = options.only.includes("batch");
  const name = (client: Client) => (client === "wrk" ? `${wrk as string} (1 thread)` : autocannon);
  const parts = [
    ...(singles.length > 0 ? [`${name(single)} for single requests`] : []),
    ...(hasBatch ? [`${autocannon} for the batch`] : []),
  ];
  return { single, batch: "autocannon", description: parts.join(", ") };
}

function commandLine(argv: readonly string[]): string {
  if (process.env.npm_lifecycle_event === "bench:http" && argv.length === 0) {
    return "`npm run bench:http` (which builds the package and bench/, then runs `node dist-bench/http/main.js`)";
  }
  return `\`node dist-bench/http/main.js${argv.map((argument) => ` ${argument}`).join("")}\` (after \`npm run build && tsc -p bench/tsconfig.json\`)`;
}

/**
 * Writes the regions this run stands for: "## HTTP" after a run of every scenario (its in-memory
 * servers and baselines), the durable region after a --durable run of the scenarios it covers.
 */
function writeDocs(
  options: Options,
  reports: readonly ScenarioReport[],
  facts: RunFacts,
  floors: { fsyncBefore: FsyncLatency; fsyncAfter: FsyncLatency } | null,
): void {
  const ran = (scenario: Scenario) => options.only.includes(scenario.key);
  if (!options.noWrite && floors !== null && SCENARIOS.filter((scenario) => scenario.durable).every(ran)) {
    writeRegions(BENCHMARKS_MD, DURABLE_SECTION, { "http-durable": durableBody(reports, { ...facts, ...floors }) });
    console.error(`Wrote ${BENCHMARKS_MD} (http-durable)`);
  }
  if (!options.noWrite && SCENARIOS.every(ran)) {
    const inMemory = reports.filter((report) => report.fsync === null);
    writeRegions(BENCHMARKS_MD, SECTION, { "http-method": methodBody(facts), http: resultsBody(inMemory, facts) });
    console.error(`Wrote ${BENCHMARKS_MD} (http-method, http)`);
  } else {
    console.error("docs/ not written for ## HTTP (--quick, --only or --no-write)");
  }
}

/** This disk's fsync latency where the data directories are made, logged as it is measured. */
async function floor(dataRoot: string, when: string): Promise<FsyncLatency> {
  const latency = await measureFsync(dataRoot);
  console.error(`Fsync floor ${when}: ${fsyncLine(latency)}`);
  return latency;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCommandLine(COMMAND, argv);
  if (options === null) return;
  if (options.durableInterval !== undefined && !options.durable) throw new UsageError("--durable-interval needs --durable; see --help");
  const generators = chooseGenerators(options);
  // Ctrl-C: exit at once; the exit handler of children.ts kills the servers and wrk.
  process.once("SIGINT", () => process.exit(130));
  const settings: RunSettings = {
    runs: options.runs,
    durationSeconds: options.duration,
    warmUpSeconds: options.warmUp,
    batchConnections: options.batchConnections,
    ourNodeArguments: options.profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profile}`],
    durable: options.durable,
    durableIntervalMs: options.durableInterval,
    dataRoot: options.dataRoot,
  };
  const loadBefore = loadAverage();
  const fsyncBefore = options.durable ? await floor(options.dataRoot, "before the runs") : null;
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => options.only.includes(candidate.key))) {
    reports.push(...(await runScenario(scenario, settings, scenario.wrk ? generators.single : generators.batch)));
  }
  const fsyncAfter = options.durable ? await floor(options.dataRoot, "after the runs") : null;
  const loadAfter = loadAverage();
  // The tables of "## HTTP" are in memory; the durable servers have their own.
  const inMemory = reports.filter((report) => report.fsync === null);
  console.log(`${resultsTable(inMemory)}\n\n${verdict(inMemory, generators.description)}`);
  if (fsyncBefore !== null && fsyncAfter !== null) {
    console.log(
      `\nDurable, fsync floor before: ${fsyncLine(fsyncBefore)}\nafter: ${fsyncLine(fsyncAfter)}\n\n` +
        `${durableTable(reports)}\n\n${durableVerdict(reports, fsyncBefore)}`,
    );
  }
  const facts: RunFacts = {
    command: commandLine(argv),
    date: new Date().toISOString().slice(0, 10),
    runs: options.runs,
    durationSeconds: options.duration,
    warmUpSeconds: options.warmUp,
    loadBefore,
    loadAfter,
    generators: generators.description,
  };
  writeDocs(options, reports, facts, fsyncBefore !== null && fsyncAfter !== null ? { fsyncBefore, fsyncAfter } : null);
  const failures = reports.flatMap((report) =>
    report.failures.map((failure) => `${report.scenario.title} (${report.server}), ${failure}`),
  );
  const errors = reports.reduce((total, report) => total + report.non2xx + report.errors, 0);
  if (errors > 0) failures.push(`${errors} non-2xx answers, errors or wrong bodies`);
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((failure) => `- ${failure}`).join("\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
