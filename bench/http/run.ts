// One scenario of the HTTP benchmark, run: our server, with --durable also kept on disk, and the
// scenario's baselines, each a child process, warmed up, then loaded in turns with the scenario's
// checks around every run.

import { formatCount } from "../common/format.js";
import { makeTemporaryDirectory, removeTemporaryDirectory } from "../common/temporary.js";
import { HttpCheckError } from "./client.js";
import { runLoad, type Client } from "./generator.js";
import type { LoadResult } from "./load.js";
import type { ScenarioReport } from "./report.js";
import type { Prepared, Scenario } from "./scenarios.js";
import { isOurs, startChildServer, type ChildServer, type ServerKind } from "./server.js";

const SINGLE_CONNECTIONS = 32;
// A measured autocannon run ends by count after about its duration; the time bound, twice that, is the net.
const TIME_BOUND_FACTOR = 2;
// After a run ended by time, a request cut off in flight may still be applied; wait it out.
const SETTLE_MS = 300;

/** How long and how often to load, from the command line. */
export interface RunSettings {
  readonly runs: number;
  readonly durationSeconds: number;
  readonly warmUpSeconds: number;
  readonly batchConnections: readonly number[];
  /** Node options for our server only, e.g. ["--cpu-prof", "--cpu-prof-dir=prof"]. */
  readonly ourNodeArguments: readonly string[];
  /** Whether scenarios that allow it add our server kept on disk, fsync `always`. */
  readonly durable: boolean;
  /** With `durable`, also ours with an fsync every this many milliseconds. */
  readonly durableIntervalMs: number | undefined;
  /** Where the durable servers' data directories are made, a fresh temporary one each. */
  readonly dataRoot: string;
}

/** The fsync policy of a durable server, as `bank serve --fsync` takes it; null for the others. */
export function fsyncOf(kind: ServerKind, settings: Pick<RunSettings, "durableIntervalMs">): string | null {
  if (kind === "durable") return "always";
  if (kind === "interval") return `${settings.durableIntervalMs ?? Number.NaN}ms`;
  return null;
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

/** A scenario as it runs: its servers and contenders so far, and whose step is running now. */
interface ScenarioState {
  readonly scenario: Scenario;
  readonly client: Client;
  readonly kinds: readonly ServerKind[];
  readonly servers: ChildServer[];
  readonly contenders: Contender[];
  /** What went wrong, by server: a failed step belongs to the server it ran against. */
  readonly failures: Map<ServerKind, string[]>;
  /** The durable servers' data directories, removed when the scenario ends. */
  readonly directories: string[];
  current: ServerKind;
}

/** Ours, then ours kept on disk if asked for, then the baselines: the order of the turns. */
function kindsOf(scenario: Scenario, settings: RunSettings): ServerKind[] {
  const durable: ServerKind[] = !settings.durable || !scenario.durable ? [] : settings.durableIntervalMs === undefined ? ["durable"] : ["durable", "interval"];
  return ["ours", ...durable, ...scenario.baselines];
}

/**
 * Runs one scenario: our server and its baselines, warmed up, then loaded in turns (ours, each
 * baseline, ours again, ...) so that a burst of other load on the machine hits all of them rather
 * than the runs of one. Returns one report per server, ours first.
 */
export async function runScenario(scenario: Scenario, settings: RunSettings, client: Client): Promise<ScenarioReport[]> {
  console.error(`${scenario.title} (${client})`);
  const kinds = kindsOf(scenario, settings);
  const failures = new Map<ServerKind, string[]>(kinds.map((kind) => [kind, []]));
  const state: ScenarioState = { scenario, client, kinds, servers: [], contenders: [], failures, directories: [], current: "ours" };
  try {
    await startContenders(state, settings);
    await loadInTurns(state, settings);
  } catch (error) {
    // A refused setup request, or a server that stopped answering: this scenario's figures are
    // void, but the others are still worth a table.
    const message = error instanceof Error ? error.message : String(error);
    failures.get(state.current)?.push(`stopped: ${message}`);
    console.error(`  stopped: ${error instanceof HttpCheckError ? message : ((error as Error).stack ?? message)}`);
  } finally {
    await Promise.all(state.servers.map((server) => server.stop()));
    for (const directory of state.directories) removeTemporaryDirectory(directory);
  }
  return kinds.map((kind) => reportOf(state, kind, firstConnections(scenario, settings), fsyncOf(kind, settings)));
}

function firstConnections(scenario: Scenario, settings: RunSettings): number {
  return scenario.key === "batch" ? (settings.batchConnections[0] as number) : SINGLE_CONNECTIONS;
}

/** Our server's own options: a fresh data directory and the fsync policy for a durable one. */
function serverArguments(state: ScenarioState, kind: ServerKind, settings: RunSettings): string[] {
  const fsync = fsyncOf(kind, settings);
  if (fsync === null) return [];
  const directory = makeTemporaryDirectory(settings.dataRoot, `http-${kind}`);
  state.directories.push(directory);
  return ["--data-dir", directory, "--fsync", fsync];
}

/** Starts the servers side by side (an idle one costs nothing), then prepares each in turn. */
async function startContenders(state: ScenarioState, settings: RunSettings): Promise<void> {
  const started = await Promise.allSettled(
    state.kinds.map((kind) =>
      startChildServer(kind, isOurs(kind) ? settings.ourNodeArguments : [], serverArguments(state, kind, settings)),
    ),
  );
  started.forEach((result) => {
    if (result.status === "fulfilled") state.servers.push(result.value);
  });
  const refused = started.findIndex((result) => result.status === "rejected");
  if (refused !== -1) {
    state.current = state.kinds[refused] as ServerKind;
    throw (started[refused] as PromiseRejectedResult).reason;
  }
  for (const server of state.servers) {
    state.current = server.kind;
    const prepared = await state.scenario.prepare(server.url, server.kind);
    const connections = firstConnections(state.scenario, settings);
    state.contenders.push({ kind: server.kind, server, prepared, connections, all: [], runs: [], trials: [] });
  }
}

/** Warm-ups, the batch's trials of connection counts, then the measured runs in turns. */
async function loadInTurns(state: ScenarioState, settings: RunSettings): Promise<void> {
  const { scenario, contenders } = state;
  const warmUpCount = (connections: number) => plannedCount(scenario.requestsPerSecondCap, settings.warmUpSeconds, connections);
  for (const contender of contenders) {
    const connections = contender.connections;
    contender.last = await checkedRun(state, contender, "warm-up", connections, warmUpCount(connections), settings.warmUpSeconds);
  }
  if (scenario.key === "batch" && settings.batchConnections.length > 1) {
    // The batch rate depends on how many batches are in flight: try each count, keep the fastest,
    // for each of our servers (one kept on disk may want more in flight than one in memory).
    for (const ours of contenders.filter((contender) => isOurs(contender.kind))) {
      let best: LoadResult | undefined;
      for (const connections of settings.batchConnections) {
        const label = `trial, ${connections} connections`;
        const trial = await checkedRun(state, ours, label, connections, warmUpCount(connections), settings.warmUpSeconds);
        ours.trials.push({ connections, requestsPerSecond: trial.requestsPerSecond });
        if (best === undefined || trial.requestsPerSecond > best.requestsPerSecond) {
          best = trial;
          ours.connections = connections;
        }
      }
      ours.last = best ?? ours.last;
    }
  }
  // wrk knows no count: its runs last their duration. autocannon's end by count, time the net.
  const maxSeconds = state.client === "wrk" ? settings.durationSeconds : TIME_BOUND_FACTOR * settings.durationSeconds;
  for (let index = 1; index <= settings.runs; index++) {
    for (const contender of contenders) {
      const rate = contender.last?.requestsPerSecond ?? scenario.requestsPerSecondCap;
      const count = plannedCount(rate, settings.durationSeconds, contender.connections);
      contender.last = await checkedRun(state, contender, `run ${index}/${settings.runs}`, contender.connections, count, maxSeconds);
      contender.runs.push(contender.last);
    }
  }
}

/** A count that lasts about `seconds` at `requestsPerSecond`, the same for every connection. */
function plannedCount(requestsPerSecond: number, seconds: number, connections: number): number {
  const perConnection = Math.max(4, Math.round((requestsPerSecond * seconds) / connections));
  return perConnection * connections;
}

/** Runs one bounded load with the scenario's checks around it, and logs it on stderr. */
async function checkedRun(
  state: ScenarioState,
  contender: Contender,
  step: string,
  connections: number,
  maxRequests: number,
  maxSeconds: number,
): Promise<LoadResult> {
  const { server, prepared } = contender;
  const label = state.kinds.length > 1 ? `${contender.kind} ${step}` : step;
  state.current = contender.kind;
  await prepared.beforeRun();
  const run = await runLoad(state.client, {
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
  state.failures.get(contender.kind)?.push(...wrong.map((failure) => `${label}: ${failure}`));
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

function reportOf(state: ScenarioState, kind: ServerKind, connections: number, fsync: string | null): ScenarioReport {
  const contender = state.contenders.find((candidate) => candidate.kind === kind);
  const all = contender?.all ?? [];
  return {
    scenario: state.scenario,
    server: kind,
    fsync,
    client: state.client,
    connections: contender?.connections ?? connections,
    runs: contender?.runs ?? [],
    non2xx: all.reduce((total, result) => total + result.non2xx, 0),
    errors: all.reduce((total, result) => total + result.errors + result.mismatches, 0),
    failures: state.failures.get(kind) ?? [],
    trials: contender?.trials ?? [],
  };
}
