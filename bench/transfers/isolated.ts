// Each timed run in a process of its own. The allocator keeps memory that a large run freed, and a
// later run growing its journal into it would skip the page faults that a growing bank really pays
// (on this machine, well over half the time of a 10M-transfer run): no run may inherit another's.

import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { drawTransfers, type Scenario } from "./draws.js";
import { CheckError, keepOneBankOpen, runTransfers, type RunResult } from "./run.js";
import { formatCount } from "../common/format.js";

/** What a run's process reports back on its standard output, as one line of JSON. */
export interface IsolatedResult extends RunResult {
  readonly peakResidentBytes: number;
}

const WARM_UP_SIZE = 200_000;
const WARM_UP_RUNS = 3;
const PROGRESS_EVERY_SECONDS = 5;
const SCRIPT = fileURLToPath(import.meta.url);
const SETTLE_MS = 100;
/**
 * --expose-gc for the memory readings. --no-flush-bytecode because V8 otherwise drops the bytecode
 * of functions idle for a few collections (the warm-up's, the draws') between the two readings,
 * which would make small runs seem to retain less than nothing.
 */
const CHILD_NODE_OPTIONS = ["--expose-gc", "--no-flush-bytecode"];

/** The parent's side: runs one size of one scenario in a fresh process and reads its result. */
export function runIsolated(scenario: Scenario, count: number, seed: number, label: string): IsolatedResult {
  const nodeOptions = [...new Set([...process.execArgv, ...CHILD_NODE_OPTIONS])];
  const child = spawnSync(process.execPath, [...nodeOptions, SCRIPT, scenario, String(count), String(seed), label], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new CheckError(`${label} failed (exit ${String(child.status ?? child.signal)})`);
  return JSON.parse(child.stdout) as IsolatedResult;
}

/** The child's side: warm up, draw, run once, check, and report. */
function runHere(scenario: Scenario, count: number, seed: number, label: string): IsolatedResult {
  keepOneBankOpen();
  // Warm-up draws use another seed, so the timed run meets transfers the JIT has not seen.
  const warmUp = drawTransfers(scenario, WARM_UP_SIZE, seed + 1);
  for (let run = 0; run < WARM_UP_RUNS; run++) runTransfers(warmUp, () => undefined);
  const draws = drawTransfers(scenario, count, seed);
  // A process's first timed run is slower than the next ones even after the warm-up; a short run
  // would show mostly that, so it is rehearsed once. It reuses memory the warm-up freed either way.
  if (count <= WARM_UP_SIZE) runTransfers(draws, () => undefined);
  // Let V8's background threads (compiler, sweeper) finish the warm-up's work before the clock starts.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
  let lastReport = 0;
  const result = runTransfers(draws, (done, elapsed) => {
    if (elapsed - lastReport < PROGRESS_EVERY_SECONDS || done === count) return;
    lastReport = elapsed;
    process.stderr.write(`  ${label}: ${formatCount(done)} done, ${elapsed.toFixed(1)} s\n`);
  });
  return { ...result, peakResidentBytes: process.resourceUsage().maxRSS * 1024 };
}

if (process.argv[1] === SCRIPT) {
  const [scenario, count, seed, label] = process.argv.slice(2) as [Scenario, string, string, string];
  try {
    process.stdout.write(`${JSON.stringify(runHere(scenario, Number(count), Number(seed), label))}\n`);
  } catch (error) {
    if (!(error instanceof CheckError)) throw error;
    process.stderr.write(`${label}: ${error.message}\n`);
    process.exitCode = 1;
  }
}
