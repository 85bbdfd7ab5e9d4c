// One autocannon run against the child server, bounded both in time and in request count, with
// its figures: responses by class, rate, latency percentiles and the CPU each process used.

import autocannon from "autocannon";
import { machineBusySeconds } from "./cpu.js";

const SAMPLE_INTERVAL_MS = 100;

/** What to send, how hard, and when to stop: at `maxRequests` responses or `maxSeconds`, first wins. */
export interface LoadPlan {
  readonly url: string;
  readonly connections: number;
  readonly requests: autocannon.Request[];
  readonly maxRequests: number;
  readonly maxSeconds: number;
  /** Returns whether a response body is right; a wrong one counts as a mismatch. */
  readonly verifyBody?: (body: string) => boolean;
  /** CPU seconds used so far by the server, read before and after the run. */
  readonly serverCpuSeconds: () => number;
}

export interface LoadResult {
  readonly responses: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly mismatches: number;
  /**
   * At most how many requests were cut off in flight, applied or not: zero when the count bound
   * ended the run, else one per connection (one request at a time on each, no pipelining).
   */
  readonly unanswered: number;
  readonly endedBy: "count" | "time";
  readonly seconds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU used per second of run, in cores: 1.0 is one core busy all the time. */
  readonly serverCores: number;
  readonly generatorCores: number;
  /** The rest of the machine's busy CPU, in cores: other work that competed for the 2 cores. */
  readonly otherCores: number;
}

/**
 * Runs the plan. The count bound is the one meant to end a measured run: when every connection
 * has had all its answers, nothing is left in flight, so the server applied exactly the 2xx
 * counted. The time bound is the safety net; if it ends the run, the requests still in flight are
 * cut off, and `unanswered` says how many at most.
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  // autocannon's own histogram keeps whole milliseconds; these are the exact response times.
  const latenciesMs = new Float64Array(plan.maxRequests + plan.connections);
  let responses = 0;
  let lastResponseAt = 0;
  const verifyBody = plan.verifyBody;
  const machineBusyBefore = machineBusySeconds();
  const serverCpuBefore = plan.serverCpuSeconds();
  const generatorCpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        duration: plan.maxSeconds,
        maxOverallRequests: plan.maxRequests,
        // autocannon notices the end of a run at its next sample; the default is a second later.
        sampleInt: SAMPLE_INTERVAL_MS,
        requests: plan.requests,
        // autocannon hands over the body as a string, though its types also allow a Buffer.
        ...(verifyBody !== undefined && { verifyBody: (body) => verifyBody(String(body)) }),
      },
      (error, finished) => (error ? reject(error as Error) : resolve(finished)),
    );
    instance.on("response", (_client, _status, _bytes, responseTimeMs) => {
      latenciesMs[responses++] = responseTimeMs;
      lastResponseAt = performance.now();
    });
  });
  const endedAt = performance.now();
  // CPU is read at the end, a moment after the last answer, when server and generator are idle.
  const generatorUsage = process.cpuUsage(generatorCpuBefore);
  const generatorCpu = (generatorUsage.user + generatorUsage.system) / 1e6;
  const serverCpu = plan.serverCpuSeconds() - serverCpuBefore;
  const machineBusy = machineBusySeconds() - machineBusyBefore;
  // The run proper ends at the last answer; other processes keep running until the end.
  const seconds = ((responses === 0 ? endedAt : lastResponseAt) - startedAt) / 1000;
  const sorted = latenciesMs.subarray(0, responses).sort();
  const endedBy = responses >= plan.maxRequests ? "count" : "time";
  return {
    responses,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    mismatches: result.mismatches,
    unanswered: endedBy === "count" ? 0 : plan.connections,
    endedBy,
    seconds,
    requestsPerSecond: responses / seconds,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    serverCores: serverCpu / seconds,
    generatorCores: generatorCpu / seconds,
    otherCores: Math.max(0, machineBusy - serverCpu - generatorCpu) / ((endedAt - startedAt) / 1000),
  };
}

/** The nearest-rank percentile of sorted values; NaN when there are none. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] as number;
}
