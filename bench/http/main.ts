// The HTTP load benchmark (`npm run bench:http`): the real server in a child process, autocannon
// against it on 127.0.0.1, exact checks after every run, a Markdown table on stdout and in docs/.

import os from "node:os";
import { fileURLToPath } from "node:url";
import { HttpCheckError } from "./client.js";
import { runLoad, type LoadResult } from "./load.js";
import {
  markdownTable,
  regionBody,
  verdict,
  writeHttpRegion,
  type ScenarioReport,
} from "./report.js";
import { SCENARIOS, type Prepared, type Scenario, type ScenarioKey } from "./scenarios.js";
import { startChildServer, type ChildServer } from "./server.js";
import { formatCount } from "../transfers/table.js";

const SINGLE_CONNECTIONS = 32;
const DEFAULT_BATCH_CONNECTIONS = [2, 4, 8];
const DEFAULT_RUNS = 3;
const DEFAULT_DURATION_SECONDS = 10;
const DEFAULT_WARM_UP_SECONDS = 3;
// A measured run ends by count after about its duration; the time bound, twice that, is the net.
const TIME_BOUND_FACTOR = 2;
// After a run ended by time, a request cut off in flight may still be applied; wait it out.
const SETTLE_MS = 300;

// Relative to the compiled file, dist-bench/http/main.js, so that any working directory will do.
const BENCHMARKS_MD = fileURLToPath(new URL("../../docs/BENCHMARKS.md", import.meta.url));

class UsageError extends Error {
  override readonly name = "UsageError";
}

interface Options {
  readonly runs: number;
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
  readonly only: readonly ScenarioKey[];
  readonly batchConnections: readonly number[];
  /** Whether to rewrite docs/BENCHMARKS.md: by default only after a run of every scenario. */
  readonly write: boolean;
  /** Node options for the server, e.g. ["--cpu-prof", "--cpu-prof-dir=prof"]. */
  readonly serverNodeArguments: readonly string[];
}

const USAGE =
  "options: --runs N, --duration S, --warm-up S, --only balance,deposit,transfer,batch, " +
  "--batch-connections 2,4,8, --no-write, --profile DIRECTORY (writes the server's CPU profiles there)";

function parseOptions(argv: readonly string[]): Options {
  let runs = DEFAULT_RUNS;
  let durationSeconds = DEFAULT_DURATION_SECONDS;
  let warmUpSeconds = DEFAULT_WARM_UP_SECONDS;
  let only: ScenarioKey[] = SCENARIOS.map((scenario) => scenario.key);
  let batchConnections = DEFAULT_BATCH_CONNECTIONS;
  let write: boolean | undefined;
  let serverNodeArguments: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = () => argv[++i] ?? "";
    if (argument === "--runs") runs = positive(value());
    else if (argument === "--duration") durationSeconds = positive(value());
    else if (argument === "--warm-up") warmUpSeconds = positive(value());
    else if (argument === "--only") only = value().split(",").map(scenarioKey);
    else if (argument === "--batch-connections") batchConnections = value().split(",").map(positive);
    else if (argument === "--no-write") write = false;
    else if (argument === "--profile") serverNodeArguments = ["--cpu-prof", `--cpu-prof-dir=${value()}`];
    else throw new UsageError(`unknown argument ${String(argument)}; ${USAGE}`);
  }
  write ??= only.length === SCENARIOS.length;
  return { runs, durationSeconds, warmUpSeconds, only, batchConnections, write, serverNodeArguments };
}

function positive(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`expected a positive integer, not '${text}'`);
  return value;
}

function scenarioKey(text: string): ScenarioKey {
  const scenario = SCENARIOS.find((candidate) => candidate.key === text);
  if (scenario === undefined) throw new UsageError(`unknown scenario '${text}'; ${USAGE}`);
  return scenario.key;
}

/** Runs one bounded load with the scenario's checks around it, and logs it on stderr. */
async function checkedRun(
  server: ChildServer,
  prepared: Prepared,
  label: string,
  connections: number,
  maxRequests: number,
  maxSeconds: number,
  failures: string[],
): Promise<LoadResult> {
  await prepared.beforeRun();
  const run = await runLoad({
    url: server.url,
    connections,
    requests: prepared.requests,
    maxRequests,
    maxSeconds,
    serverCpuSeconds: server.cpuSeconds,
    ...(prepared.verifyBody !== undefined && { verifyBody: prepared.verifyBody }),
  });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const wrong = await prepared.afterRun(run);
  failures.push(...wrong.map((failure) => `${label}: ${failure}`));
  console.error(
    `  ${label}: ${connections} conn., ${formatCount(run.responses)} answers in ${run.seconds.toFixed(2)} s ` +
      `= ${formatCount(run.requestsPerSecond)} req/s, p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, ` +
      `CPU server ${run.serverCores.toFixed(2)} generator ${run.generatorCores.toFixed(2)} other ${run.otherCores.toFixed(2)}, ` +
      `non-2xx ${run.non2xx}, errors ${run.errors}, mismatches ${run.mismatches}, ended by ${run.endedBy}, ` +
      `checks ${wrong.length === 0 ? "exact" : "FAILED"}`,
  );
  return run;
}

/** A count that lasts about `seconds` at `requestsPerSecond`, the same for every connection. */
function plannedCount(requestsPerSecond: number, seconds: number, connections: number): number {
  const perConnection = Math.max(4, Math.round((requestsPerSecond * seconds) / connections));
  return perConnection * connections;
}

async function runScenario(scenario: Scenario, options: Options): Promise<ScenarioReport> {
  console.error(`${scenario.title}`);
  const failures: string[] = [];
  const all: LoadResult[] = [];
  const runs: LoadResult[] = [];
  const trials: { connections: number; requestsPerSecond: number }[] = [];
  let connections = scenario.key === "batch" ? (options.batchConnections[0] as number) : SINGLE_CONNECTIONS;
  const server = await startChildServer(options.serverNodeArguments);
  try {
    const prepared = await scenario.prepare(server.url);
    const run = async (label: string, conn: number, maxRequests: number, maxSeconds: number) => {
      const result = await checkedRun(server, prepared, label, conn, maxRequests, maxSeconds, failures);
      all.push(result);
      return result;
    };
    const warmUpCount = (conn: number) => plannedCount(scenario.requestsPerSecondCap, options.warmUpSeconds, conn);
    let last = await run("warm-up", connections, warmUpCount(connections), options.warmUpSeconds);
    if (scenario.key === "batch") {
      // The batch rate depends on how many batches are in flight: try each count, keep the fastest.
      let best: LoadResult | undefined;
      for (const conn of options.batchConnections) {
        const trial = await run(`trial, ${conn} connections`, conn, warmUpCount(conn), options.warmUpSeconds);
        trials.push({ connections: conn, requestsPerSecond: trial.requestsPerSecond });
        if (best === undefined || trial.requestsPerSecond > best.requestsPerSecond) {
          best = trial;
          connections = conn;
        }
      }
      last = best ?? last;
    }
    for (let index = 1; index <= options.runs; index++) {
      const count = plannedCount(last.requestsPerSecond, options.durationSeconds, connections);
      last = await run(`run ${index}/${options.runs}`, connections, count, TIME_BOUND_FACTOR * options.durationSeconds);
      runs.push(last);
    }
  } catch (error) {
    // A refused setup request, or a server that stopped answering: this scenario's figures are
    // void, but the others are still worth a table.
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`stopped: ${message}`);
    console.error(`  stopped: ${error instanceof HttpCheckError ? message : ((error as Error).stack ?? message)}`);
  } finally {
    await server.stop();
  }
  return {
    scenario,
    connections,
    runs,
    non2xx: all.reduce((total, result) => total + result.non2xx, 0),
    errors: all.reduce((total, result) => total + result.errors + result.mismatches, 0),
    failures,
    trials,
  };
}

function commandLine(argv: readonly string[]): string {
  if (process.env.npm_lifecycle_event === "bench:http" && argv.length === 0) {
    return "`npm run bench:http` (which builds the package and bench/, then runs `node dist-bench/http/main.js`)";
  }
  return `\`node dist-bench/http/main.js${argv.map((argument) => ` ${argument}`).join("")}\` (after \`npm run build && tsc -p bench/tsconfig.json\`)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  // Ctrl-C: exit at once; the exit handler of server.ts kills the server.
  process.once("SIGINT", () => process.exit(130));
  const loadBefore = os.loadavg()[0] ?? Number.NaN;
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => options.only.includes(candidate.key))) {
    reports.push(await runScenario(scenario, options));
  }
  const loadAfter = os.loadavg()[0] ?? Number.NaN;
  console.log(`${markdownTable(reports)}\n\n${verdict(reports)}`);
  if (options.write) {
    const facts = {
      command: commandLine(argv),
      date: new Date().toISOString().slice(0, 10),
      runs: options.runs,
      durationSeconds: options.durationSeconds,
      warmUpSeconds: options.warmUpSeconds,
      loadBefore,
      loadAfter,
    };
    writeHttpRegion(BENCHMARKS_MD, regionBody(reports, facts));
    console.error(`Wrote ${BENCHMARKS_MD}`);
  }
  const failures = reports.flatMap((report) => report.failures.map((failure) => `${report.scenario.title}, ${failure}`));
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
