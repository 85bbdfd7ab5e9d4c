// The HTTP load benchmark (`npm run bench:http`): the real server in a child process, autocannon
// against it on 127.0.0.1, exact checks after every run, a Markdown table on stdout and in docs/.

import { formatCount } from "../common/format.js";
import { loadAverage } from "../common/machine.js";
import { flag, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions } from "../common/regions.js";
import { HttpCheckError } from "./client.js";
import { runLoad, type LoadResult } from "./load.js";
import { methodBody, resultsBody, resultsTable, SECTION, verdict, type ScenarioReport } from "./report.js";
import { SCENARIOS, type Prepared, type Scenario } from "./scenarios.js";
import { startChildServer, type ChildServer } from "./server.js";

const SINGLE_CONNECTIONS = 32;
// A measured run ends by count after about its duration; the time bound, twice that, is the net.
const TIME_BOUND_FACTOR = 2;
// After a run ended by time, a request cut off in flight may still be applied; wait it out.
const SETTLE_MS = 300;

const SCENARIO_KEYS = SCENARIOS.map((scenario) => scenario.key);

const COMMAND = {
  usage: "npm run bench:http -- [options]   (or node dist-bench/http/main.js [options])",
  summary:
    "The HTTP load benchmark: the real server (bank serve) in a child process on 127.0.0.1, loaded\n" +
    "scenario by scenario with autocannon, its state checked to the cent after every run. Prints a\n" +
    "Markdown table; a run of every scenario also writes docs/BENCHMARKS.md.",
  quick: "short runs (1 s warm-up, 1 run of 2 s, the batch at 4 connections); never writes docs/",
  options: {
    only: valued("LIST", "scenarios to run, comma-separated", list(oneOf(SCENARIO_KEYS)), SCENARIO_KEYS),
    runs: valued("N", "measured runs per scenario", positiveInteger, 3, 1),
    duration: valued("S", "seconds per measured run", positiveInteger, 10, 2),
    warmUp: valued("S", "seconds of each warm-up run", positiveInteger, 3, 1),
    batchConnections: valued(
      "LIST",
      "connection counts the batch tries in short trials; the fastest is kept",
      list(positiveInteger),
      [2, 4, 8] as readonly number[],
      [4],
    ),
    noWrite: flag("print the table only; do not write docs/, which a run writes only when every scenario ran", true),
    profile: valued<string | undefined>("DIR", "write the server's CPU profiles (node --cpu-prof) into DIR", text, undefined),
  },
};

type Options = Values<typeof COMMAND.options>;

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
  const serverNodeArguments = options.profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profile}`];
  console.error(`${scenario.title}`);
  const failures: string[] = [];
  const all: LoadResult[] = [];
  const runs: LoadResult[] = [];
  const trials: { connections: number; requestsPerSecond: number }[] = [];
  let connections = scenario.key === "batch" ? (options.batchConnections[0] as number) : SINGLE_CONNECTIONS;
  const server = await startChildServer(serverNodeArguments);
  try {
    const prepared = await scenario.prepare(server.url);
    const run = async (label: string, conn: number, maxRequests: number, maxSeconds: number) => {
      const result = await checkedRun(server, prepared, label, conn, maxRequests, maxSeconds, failures);
      all.push(result);
      return result;
    };
    const warmUpCount = (conn: number) => plannedCount(scenario.requestsPerSecondCap, options.warmUp, conn);
    let last = await run("warm-up", connections, warmUpCount(connections), options.warmUp);
    if (scenario.key === "batch" && options.batchConnections.length > 1) {
      // The batch rate depends on how many batches are in flight: try each count, keep the fastest.
      let best: LoadResult | undefined;
      for (const conn of options.batchConnections) {
        const trial = await run(`trial, ${conn} connections`, conn, warmUpCount(conn), options.warmUp);
        trials.push({ connections: conn, requestsPerSecond: trial.requestsPerSecond });
        if (best === undefined || trial.requestsPerSecond > best.requestsPerSecond) {
          best = trial;
          connections = conn;
        }
      }
      last = best ?? last;
    }
    for (let index = 1; index <= options.runs; index++) {
      const count = plannedCount(last.requestsPerSecond, options.duration, connections);
      last = await run(`run ${index}/${options.runs}`, connections, count, TIME_BOUND_FACTOR * options.duration);
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
  const options = parseCommandLine(COMMAND, argv);
  if (options === null) return;
  // Ctrl-C: exit at once; the exit handler of server.ts kills the server.
  process.once("SIGINT", () => process.exit(130));
  const loadBefore = loadAverage();
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => options.only.includes(candidate.key))) {
    reports.push(await runScenario(scenario, options));
  }
  const loadAfter = loadAverage();
  console.log(`${resultsTable(reports)}\n\n${verdict(reports)}`);
  const everyScenario = SCENARIOS.every((scenario) => options.only.includes(scenario.key));
  if (!options.noWrite && everyScenario) {
    const facts = {
      command: commandLine(argv),
      date: new Date().toISOString().slice(0, 10),
      runs: options.runs,
      durationSeconds: options.duration,
      warmUpSeconds: options.warmUp,
      loadBefore,
      loadAfter,
    };
    writeRegions(BENCHMARKS_MD, SECTION, { "http-method": methodBody(facts), http: resultsBody(reports, facts) });
    console.error(`Wrote ${BENCHMARKS_MD}`);
  } else {
    console.error("docs/ not written (--quick, --only or --no-write)");
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
