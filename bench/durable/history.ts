// Restart time against history size. A builder process fills a data directory with a history of
// batches (a sync after each) and either closes the bank cleanly or, after its last sync, is
// killed with SIGKILL by the benchmark; then a fresh process per run times `openBank` on that
// directory. This file is both sides: the benchmark's functions, and the children's entry point.

import { readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openBank, type TransferInstruction } from "banking-system";
import { spawnChild } from "../common/children.js";
import { machineBusySeconds } from "../common/cpu.js";
import { formatCount } from "../common/format.js";
import { balancedBatches, openAccounts, stateOf, type BankState } from "./draws.js";
import { CheckError } from "./throughput.js";

const SCRIPT = fileURLToPath(import.meta.url);
const BODIES = 16;
const PROGRESS_EVERY_MS = 5_000;
/** A builder whose snapshots are off: the journal since the last snapshot never reaches this. */
const NO_SNAPSHOT_BYTES = Number.MAX_SAFE_INTEGER;

/** How a directory was left, which decides what the next open reads. */
export type CaseKey = "clean" | "crash" | "journal";

export interface HistoryCase {
  readonly key: CaseKey;
  readonly title: string;
  /** Whether the builder takes snapshots as the store does by default, or none. */
  readonly snapshots: boolean;
  /** Closed cleanly (a snapshot at the end), or killed with SIGKILL after its last sync. */
  readonly ending: "close" | "kill";
}

export const CASES: readonly HistoryCase[] = [
  { key: "clean", title: "a clean close: its snapshot", snapshots: true, ending: "close" },
  { key: "crash", title: "SIGKILL: the newest snapshot and the journal after it", snapshots: true, ending: "kill" },
  { key: "journal", title: "SIGKILL, no snapshot ever taken: the whole journal", snapshots: false, ending: "kill" },
];

/** What a builder reports: the state it left, and how fast it got there. */
export interface Built {
  readonly state: BankState;
  readonly seconds: number;
  readonly transfersPerSecond: number;
}

/** What a reopening process reports. */
export interface Reopened {
  readonly seconds: number;
  readonly peakResidentBytes: number;
  /** CPU the process used up to the open's end (its start included). */
  readonly cpuSeconds: number;
  readonly state: BankState;
  readonly notices: readonly string[];
}

/** A reopening, with the rest of the machine's busy CPU meanwhile, in cores. */
export interface ReopenRun extends Reopened {
  readonly otherCores: number;
}

/** The directory's files as the next open will read them. */
export interface DirectoryFiles {
  readonly snapshotBytes: number;
  /** Bytes of the segments that begin after the newest snapshot: what recovery replays. */
  readonly journalBytes: number;
}

const SEGMENT = /^journal-(\d{16})\.log$/;
const SNAPSHOT = /^snapshot-(\d{16})\.snap$/;

export function directoryFiles(directory: string): DirectoryFiles {
  const names = readdirSync(directory);
  const size = (name: string) => statSync(path.join(directory, name)).size;
  const numbered = (pattern: RegExp) =>
    names.flatMap((name) => {
      const match = pattern.exec(name);
      return match === null ? [] : [{ name, sequence: Number(match[1]) }];
    });
  const snapshot = numbered(SNAPSHOT).sort((a, b) => b.sequence - a.sequence)[0];
  const after = snapshot?.sequence ?? 0;
  const journalBytes = numbered(SEGMENT)
    .filter((segment) => segment.sequence > after)
    .reduce((total, segment) => total + size(segment.name), 0);
  return { snapshotBytes: snapshot === undefined ? 0 : size(snapshot.name), journalBytes };
}

/** Runs this script as a child with `args`; resolves with its first line of output, parsed. */
function runChild<T>(args: readonly string[], label: string, kill: boolean): Promise<T> {
  const child = spawnChild(process.execPath, [...process.execArgv, SCRIPT, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise<T>((resolve, reject) => {
    let output = "";
    let result: T | undefined;
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const end = output.indexOf("\n");
      if (result !== undefined || end === -1) return;
      result = JSON.parse(output.slice(0, end)) as T;
      // The builder has synced its last batch and said so: it dies now, as a crash would take it.
      if (kill) child.kill("SIGKILL");
    });
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      const expected = kill ? signal === "SIGKILL" : code === 0;
      if (result !== undefined && expected) resolve(result);
      else reject(new CheckError(`${label} failed (exit ${String(code ?? signal)})`));
    });
  });
}

/** Fills `directory` with `transfers` transfers in batches, and leaves it as `history` says. */
export function buildHistory(directory: string, transfers: number, history: HistoryCase, label: string): Promise<Built> {
  const args = ["build", directory, String(transfers), history.snapshots ? "snapshots" : "none", history.ending];
  return runChild<Built>(args, label, history.ending === "kill");
}

/**
 * Opens the bank in `directory` in a fresh process and reports how long `openBank` took. The
 * process exits without closing the bank, so that the directory stays as it was for the next run;
 * its lock, left behind by a process that is gone, is removed here.
 */
export async function reopenHistory(directory: string, label: string): Promise<ReopenRun> {
  const busyBefore = machineBusySeconds();
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  const reopened = await runChild<Reopened>(["reopen", directory], label, false);
  const seconds = (performance.now() - start) / 1000;
  const own = process.cpuUsage(ownBefore);
  const busy = machineBusySeconds() - busyBefore - (own.user + own.system) / 1e6 - reopened.cpuSeconds;
  rmSync(path.join(directory, "LOCK"), { force: true });
  return { ...reopened, otherCores: Math.max(0, busy) / seconds };
}

// -------------------------------------------------------------------------------------------------
// The children's side

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

async function build(directory: string, transfers: number, snapshots: boolean, ending: string): Promise<void> {
  const bank = await openBank({ dataDir: directory, fsync: "always", ...(!snapshots && { snapshotBytesMin: NO_SNAPSHOT_BYTES }) });
  openAccounts(bank);
  await bank.sync();
  const bodies = balancedBatches(BODIES, 1);
  const start = performance.now();
  let reported = start;
  for (let done = 0, index = 0; done < transfers; index++) {
    const body = bodies[index % BODIES] as TransferInstruction[];
    const batch = done + body.length <= transfers ? body : body.slice(0, transfers - done);
    bank.transferBatch(batch);
    done += batch.length;
    await bank.sync();
    if (performance.now() - reported >= PROGRESS_EVERY_MS) {
      reported = performance.now();
      process.stderr.write(`    built ${formatCount(done)} of ${formatCount(transfers)} transfers\n`);
    }
  }
  const seconds = (performance.now() - start) / 1000;
  if (ending === "close") await bank.close();
  print({ state: stateOf(bank), seconds, transfersPerSecond: transfers / seconds } satisfies Built);
  // Killed: wait for the signal, which may come while a snapshot is still being written.
  if (ending === "kill") setInterval(() => undefined, 1 << 30);
}

async function reopen(directory: string): Promise<void> {
  const notices: string[] = [];
  const start = performance.now();
  const bank = await openBank({ dataDir: directory, onNotice: (notice) => notices.push(notice) });
  const seconds = (performance.now() - start) / 1000;
  const usage = process.resourceUsage();
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  print({ seconds, peakResidentBytes: usage.maxRSS * 1024, cpuSeconds, state: stateOf(bank), notices } satisfies Reopened);
  process.exit(0);
}

if (process.argv[1] === SCRIPT) {
  const [mode, directory, transfers, snapshots, ending] = process.argv.slice(2) as [string, string, string, string, string];
  const work = mode === "build" ? build(directory, Number(transfers), snapshots === "snapshots", ending) : reopen(directory);
  work.catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
