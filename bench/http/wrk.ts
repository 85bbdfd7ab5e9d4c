// One wrk run against a child server: one thread, keep-alive connections, one request in flight on
// each, for a fixed time. The request is set in a Lua script, whose done() hook prints wrk's summary
// (requests, duration, latency percentiles, errors by kind) as one line of JSON for us to read.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type autocannon from "autocannon";
import { spawnChild } from "../common/children.js";
import { machineBusySeconds, processCpuSeconds } from "../common/cpu.js";
import type { LoadPlan, LoadResult } from "./load.js";

const THREADS = 1;
// autocannon's default: a request unanswered for this long is an error.
const TIMEOUT_SECONDS = 10;
// wrk's CPU time is read from /proc while it runs; the last reading misses at most this much.
const CPU_SAMPLE_MS = 50;
const RESULT_MARK = "BENCH-RESULT ";

/** The summary the Lua done() hook prints; times in microseconds, as wrk keeps them. */
interface WrkSummary {
  readonly requests: number;
  readonly durationUs: number;
  readonly connect: number;
  readonly read: number;
  readonly write: number;
  /** Answers with a status of 400 or more (wrk counts 3xx as success, and we send none). */
  readonly status: number;
  readonly timeout: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** "wrk 4.1.0-3+b2", or null when wrk is not on PATH. */
export function wrkVersion(): string | null {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  if (probe.error !== undefined) return null;
  // "wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer"; wrk exits 1 after printing it.
  const version = /^wrk (?:\w+\/)?(\S+)/.exec(probe.stdout)?.[1];
  return `wrk ${version ?? "(unknown version)"}`;
}

/** A Lua long string that holds `text` as it is, whatever brackets it contains. */
function luaString(text: string): string {
  let level = "";
  while (text.includes(`]${level}]`)) level += "=";
  return `[${level}[${text}]${level}]`;
}

function luaScript(request: autocannon.Request): string {
  const lines = [`wrk.method = ${luaString(request.method ?? "GET")}`];
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(String(request.body))}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    lines.push(`wrk.headers[ ${luaString(name)} ] = ${luaString(String(value))}`);
  }
  lines.push(
    "function done(summary, latency, requests)",
    "  local e = summary.errors",
    `  io.write(string.format("\\n${RESULT_MARK}{\\"requests\\":%d,\\"durationUs\\":%d,\\"connect\\":%d,\\"read\\":%d," ..`,
    `    "\\"write\\":%d,\\"status\\":%d,\\"timeout\\":%d,\\"p50Us\\":%d,\\"p99Us\\":%d}\\n",`,
    "    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,",
    "    latency:percentile(50), latency:percentile(99)))",
    "end",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Runs the plan for `maxSeconds`. wrk has no count bound, so a wrk run always ends by time, and up
 * to one request per connection may have been cut off in flight, applied or not.
 */
export async function runWrk(plan: LoadPlan): Promise<LoadResult> {
  const [request, ...others] = plan.requests;
  if (request === undefined || others.length > 0 || request.onResponse !== undefined || plan.verifyBody !== undefined) {
    throw new Error("wrk sends one request, unchecked; this scenario needs autocannon");
  }
  const directory = mkdtempSync(path.join(os.tmpdir(), "bench-wrk-"));
  try {
    const script = path.join(directory, "request.lua");
    writeFileSync(script, luaScript(request));
    return await runScript(plan, script, `${plan.url}${request.path ?? "/"}`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function runScript(plan: LoadPlan, script: string, url: string): Promise<LoadResult> {
  const machineBusyBefore = machineBusySeconds();
  const serverCpuBefore = plan.serverCpuSeconds();
  const startedAt = performance.now();
  const args = [`-t${THREADS}`, `-c${plan.connections}`, `-d${plan.maxSeconds}s`, "--timeout", `${TIMEOUT_SECONDS}s`];
  const child = spawnChild("wrk", [...args, "-s", script, url], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  let generatorCpu = 0;
  const sampler = setInterval(() => {
    const seconds = processCpuSeconds(child.pid ?? -1);
    if (!Number.isNaN(seconds)) generatorCpu = seconds;
  }, CPU_SAMPLE_MS);
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  }).finally(() => clearInterval(sampler));
  const endedAt = performance.now();
  const serverCpu = plan.serverCpuSeconds() - serverCpuBefore;
  const machineBusy = machineBusySeconds() - machineBusyBefore;
  const line = output.split("\n").find((candidate) => candidate.startsWith(RESULT_MARK));
  if (exitCode !== 0 || line === undefined) {
    throw new Error(`wrk exited with ${String(exitCode)} without a summary:\n${output.trim()}`);
  }
  const summary = JSON.parse(line.slice(RESULT_MARK.length)) as WrkSummary;
  const seconds = summary.durationUs / 1e6;
  return {
    responses: summary.requests,
    ok: summary.requests - summary.status,
    non2xx: summary.status,
    errors: summary.connect + summary.read + summary.write + summary.timeout,
    mismatches: 0,
    unanswered: plan.connections,
    endedBy: "time",
    seconds,
    requestsPerSecond: summary.requests / seconds,
    p50Ms: summary.p50Us / 1000,
    p99Ms: summary.p99Us / 1000,
    serverCores: serverCpu / seconds,
    generatorCores: generatorCpu / seconds,
    otherCores: Math.max(0, machineBusy - serverCpu - generatorCpu) / ((endedAt - startedAt) / 1000),
  };
}
