// One autocannon run against a child server, from the benchmark's own process, bounded both in time
// and in request count, with its figures: responses by class, rate, latency percentiles and CPU.

import autocannon from "autocannon";
import { createRequire } from "node:module";
import { machineBusySeconds } from "../common/cpu.js";
import { percentile, type LoadPlan, type LoadResult } from "./load.js";

const SAMPLE_INTERVAL_MS = 100;

/** "autocannon 8.0.0", for the docs. */
export function autocannonVersion(): string {
  const manifest = createRequire(import.meta.url)("autocannon/package.json") as { version: string };
  return `autocannon ${manifest.version}`;
}

/**
 * Runs the plan. The count bound is the one meant to end a measured run: when every connection
 * has had all its answers, nothing is left in flight, so the server applied exactly the 2xx
 * counted. The time bound is the safety net; if it ends the run, the requests still in flight are
 * cut off, and `unanswered` says how many at most.
 */
export async function runAutocannon(plan: LoadPlan): Promise<LoadResult> {
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
