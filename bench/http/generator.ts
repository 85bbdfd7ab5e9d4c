// The load generator of a run: wrk, a C program in a process of its own, or autocannon, in the
// benchmark's own process (see docs/BENCHMARKS.md for why wrk is the default where it is installed).

import { autocannonVersion, runAutocannon } from "./autocannon.js";
import type { LoadPlan, LoadResult } from "./load.js";
import { runWrk, wrkVersion } from "./wrk.js";

export type Client = "wrk" | "autocannon";
export const CLIENTS: readonly Client[] = ["wrk", "autocannon"];

export function runLoad(client: Client, plan: LoadPlan): Promise<LoadResult> {
  return client === "wrk" ? runWrk(plan) : runAutocannon(plan);
}

/** The generator's name and version, e.g. "wrk 4.1.0", or null for wrk when it is not on PATH. */
export function clientVersion(client: Client): string | null {
  return client === "wrk" ? wrkVersion() : autocannonVersion();
}
