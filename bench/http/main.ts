// The HTTP load benchmark (`npm run bench:http`): the real server in a child process, wrk or
// autocannon against it on 127.0.0.1, exact checks after every run, bare node:http and minimal
// Fastify baselines for POST /transfers, and a Markdown table on stdout and in docs/.

import { formatCount } from "../common/format.js";
import { loadAverage } from "../common/machine.js";
import { flag, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions } from "../common/regions.js";
import { HttpCheckError } from "./client.js";
import { clientVersion, CLIENTS, runLoad, type Client } from "./generator.js";
import type { LoadResult } from "./load.js";
import { methodBody, resultsBody, resultsTable, SECTION, verdict, type ScenarioReport } from "./report.js";
import { SCENARIOS, type Prepared, type Scenario } from "./scenarios.js";
import { startChildServer, type ChildServer, type ServerKind } from "./server.js";

const SINGLE_CONNECTIONS = 32;
// A measured autocannon run ends by count after about its duration; the time bound, twice that, is the net.
const TIME_BOUND_FACTOR = 2;
// After a run ended by time, a request cut off in flight may still be applied; wait it out.
const SETTLE_MS = 300;

const SCENARIO_KEYS = SCENARIOS.map((scenario) => scenario.key);

const COMMAND = {
  usage: "npm run bench:http -- [options]   (or node dist-bench/http/main.js [options])",
  summary:
    "The HTTP load benchmark: the real server (bank serve) in a child process on 127.0.0.1, loaded\n" +
    "scenario by scenario, its state checked to the cent after every run; POST /transfers is also\n" +
    "compared with a bare node:http server and a minimal Fastify route, run for run. Prints a Markdown\n" +
    "table; a run of every scenario also writes docs/BENCHMARKS.md.",
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

/** A server under load in one scenario: ours, or a baseline beside it, with its runs so far. */
interface Contender {
  readonly kind: ServerKind;
  readonly server: ChildServer;
  readonly prepared: Prepared;
  connections: number;
  /** Every run, warm-ups and trials included, for the error counts. */
  readonly all: LoadResult[];
  /** The measured runs. */
  readonly runs: LoadResult[];
  readonly trials: { connections: number; requestsPerSecond: number }[];
  last?: LoadResult;
}

/** Runs one bounded load with the scenario's checks around it, and logs it on stderr. */
async function checkedRun(
  contender: Contender,
  client: Client,
  label: string,
  connections: number,
  maxRequests: number,
  maxSeconds: number,
  failures: string[],
): Promise<LoadResult> {
  const { server, prepared } = contender;
  await prepared.beforeRun();
  const run = await runLoad(client, {
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
  contender.all.push(run);
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

/**
 * One scenario: our server and the scenario's baselines, each in a process of its own, warmed up,
 * then loaded in turns (ours, each baseline, ours again, ...) so that a burst of other load on the
 * machine hits all of them rather than the runs of one.
 */
async function runScenario(scenario: Scenario, options: Options, client: Client): Promise<ScenarioReport[]> {
  console.error(`${scenario.title}${client === "wrk" ? " (wrk)" : " (autocannon)"}`);
  const kinds: ServerKind[] = ["ours", ...scenario.baselines];
  const failures = new Map<ServerKind, string[]>(kinds.map((kind) => [kind, []]));
  const servers: ChildServer[] = [];
  const contenders: Contender[] = [];
  let current: ServerKind = "ours";
  const firstConnections = scenario.key === "batch" ? (options.batchConnections[0] as number) : SINGLE_CONNECTIONS;
  try {
    // The servers start side by side (an idle one costs nothing), then each is prepared in turn.
    const profile = options.profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profile}`];
    const started = await Promise.allSettled(kinds.map((kind) => startChildServer(kind, kind === "ours" ? profile : [])));
    started.forEach((result) => {
      if (result.status === "fulfilled") servers.push(result.value);
    });
    const refused = started.findIndex((result) => result.status === "rejected");
    if (refused !== -1) {
      current = kinds[refused] as ServerKind;
      throw (started[refused] as PromiseRejectedResult).reason;
    }
    for (const server of servers) {
      current = server.kind;
      const prepared = await scenario.prepare(server.url, server.kind);
      contenders.push({ kind: server.kind, server, prepared, connections: firstConnections, all: [], runs: [], trials: [] });
    }
    const run = (contender: Contender, label: string, connections: number, maxRequests: number, maxSeconds: number) => {
      current = contender.kind;
      const name = kinds.length > 1 ? `${contender.kind} ${label}` : label;
      return checkedRun(contender, client, name, connections, maxRequests, maxSeconds, failures.get(contender.kind) as string[]);
    };
    const warmUpCount = (connections: number) => plannedCount(scenario.requestsPerSecondCap, options.warmUp, connections);
    for (const contender of contenders) {
      contender.last = await run(contender, "warm-up", contender.connections, warmUpCount(contender.connections), options.warmUp);
    }
    const ours = contenders[0] as Contender;
    if (scenario.key === "batch" && options.batchConnections.length > 1) {
      // The batch rate depends on how many batches are in flight: try each count, keep the fastest.
      let best: LoadResult | undefined;
      for (const connections of options.batchConnections) {
        const trial = await run(ours, `trial, ${connections} connections`, connections, warmUpCount(connections), options.warmUp);
        ours.trials.push({ connections, requestsPerSecond: trial.requestsPerSecond });
        if (best === undefined || trial.requestsPerSecond > best.requestsPerSecond) {
          best = trial;
          ours.connections = connections;
        }
      }
      ours.last = best ?? ours.last;
    }
    for (let index = 1; index <= options.runs; index++) {
      for (const contender of contenders) {
        const rate = contender.last?.requestsPerSecond ?? scenario.requestsPerSecondCap;
        const count = plannedCount(rate, options.duration, contender.connections);
        const maxSeconds = client === "wrk" ? options.duration : TIME_BOUND_FACTOR * options.duration;
        contender.last = await run(contender, `run ${index}/${options.runs}`, contender.connections, count, maxSeconds);
        contender.runs.push(contender.last);
      }
    }
  } catch (error) {
    // A refused setup request, or a server that stopped answering: this scenario's figures are
    // void, but the others are still worth a table.
    const message = error instanceof Error ? error.message : String(error);
    failures.get(current)?.push(`stopped: ${message}`);
    console.error(`  stopped: ${error instanceof HttpCheckError ? message : ((error as Error).stack ?? message)}`);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
  return kinds.map((kind) => {
    const contender = contenders.find((candidate) => candidate.kind === kind);
    const all = contender?.all ?? [];
    return {
      scenario,
      server: kind,
      client,
      connections: contender?.connections ?? firstConnections,
      runs: contender?.runs ?? [],
      non2xx: all.reduce((total, result) => total + result.non2xx, 0),
      errors: all.reduce((total, result) => total + result.errors + result.mismatches, 0),
      failures: failures.get(kind) as string[],
      trials: contender?.trials ?? [],
    };
  });
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
  const generators = chooseGenerators(options);
  // Ctrl-C: exit at once; the exit handler of children.ts kills the servers and wrk.
  process.once("SIGINT", () => process.exit(130));
  const loadBefore = loadAverage();
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => options.only.includes(candidate.key))) {
    reports.push(...(await runScenario(scenario, options, scenario.wrk ? generators.single : generators.batch)));
  }
  const loadAfter = loadAverage();
  console.log(`${resultsTable(reports)}\n\n${verdict(reports, generators.description)}`);
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
      generators: generators.description,
    };
    writeRegions(BENCHMARKS_MD, SECTION, { "http-method": methodBody(facts), http: resultsBody(reports, facts) });
    console.error(`Wrote ${BENCHMARKS_MD}`);
  } else {
    console.error("docs/ not written (--quick, --only or --no-write)");
  }
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
