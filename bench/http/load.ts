// What one load run is told and what it gives back, whichever generator ran it: responses by
// class, rate, latency percentiles and the CPU each process used. A leaf: it imports only types.

import type autocannon from "autocannon";

/**
 * What to send, how hard, and when to stop: at `maxRequests` responses or `maxSeconds`, first
 * wins. wrk knows no count: a wrk run always ends by time.
 */
export interface LoadPlan {
  readonly url: string;
  readonly connections: number;
  readonly requests: autocannon.Request[];
  readonly maxRequests: number;
  readonly maxSeconds: number;
  /** Returns whether a response body is right; a wrong one counts as a mismatch (autocannon only). */
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

/** The nearest-rank percentile of sorted values; NaN when there are none. */
export function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] as number;
}
