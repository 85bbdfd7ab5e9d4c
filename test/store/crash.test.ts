// Durable mode against kill -9: a real `bank serve --data-dir` child under concurrent load (single
// transfers, deposits, withdrawals, atomic and independent batches, each request with an
// Idempotency-Key of its own) is killed with SIGKILL at seeded random moments and started again on
// the same directory, many times. After each start every answered request is still there exactly
// once and its retry is a byte-for-byte replay; every request cut off is retried and then holds
// exactly once; money is conserved to the cent; every balance is its history replayed.
// CRASH_SEED=<n> runs it again with the seed a failure printed.

import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Client, killBanks, startBank, stopBank, type Answer, type BankServer } from "../bank-process.js";
import { problemsOf, readState, seededRandom, Workload, type Operation } from "./crash-model.js";

const SEED = Number(process.env.CRASH_SEED ?? 20_251_201);
const CYCLES = 10;
/** Requests in flight at once. */
const WORKERS = 6;
/** Accounts opened before the load (the load opens a few more). */
const ACCOUNTS = 6;
/** The cycle whose server is stopped cleanly (SIGTERM, a snapshot) instead of killed. */
const CLEAN_STOP_CYCLE = 4;
/** A bound on each cycle's requests, should the kill never come. */
const REQUESTS_PER_CYCLE_MAX = 600;

const directory = mkdtempSync(join(tmpdir(), "bank-crash-"));
afterAll(() => {
  killBanks();
  rmSync(directory, { recursive: true, force: true });
});

function send(client: Client, operation: Operation): Promise<Answer> {
  return client.request("POST", operation.path, operation.body, { "idempotency-key": operation.key });
}

/** Runs `action` on each item, `WORKERS` at a time. */
async function eachAtOnce<T>(items: readonly T[], action: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await action(items[next++] as T);
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
}

interface Tally {
  answered: number;
  cut: number;
  /** Cut off, yet applied before the kill: their retry was a replay. */
  cutApplied: number;
  /** Cut off before they were applied: their retry ran them. */
  cutRetried: number;
}

/**
 * Sends generated requests from WORKERS workers until `answersBeforeStop` have been answered, then
 * (after `delayMs`) kills the server with SIGKILL, or, for a clean stop, lets the requests in flight
 * finish and sends SIGTERM. Resolves once the server has exited.
 */
async function loadThenStop(
  server: BankServer, client: Client, workload: Workload, operations: Operation[], tally: Tally,
  stop: { answersBeforeStop: number; delayMs: number; clean: boolean },
): Promise<void> {
  let answered = 0;
  let stopped = false;
  let requests = 0;
  let killed: Promise<unknown> = Promise.resolve();
  const kill = () => {
    stopped = true;
    if (!stop.clean) killed = stopBank(server, "SIGKILL");
  };
  if (stop.answersBeforeStop === 0) setTimeout(kill, stop.delayMs);
  const worker = async () => {
    while (!stopped && requests++ < REQUESTS_PER_CYCLE_MAX) {
      const operation = workload.next();
      operations.push(operation);
      try {
        operation.answer = await send(client, operation);
        answered++;
        tally.answered++;
      } catch (error) {
        if (!stopped) throw new Error(`${operation.key} failed before the kill: ${(error as Error).message}\n${server.output()}`);
        tally.cut++;
        continue;
      }
      if (answered === stop.answersBeforeStop) setTimeout(kill, stop.delayMs);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  if (!stopped) kill();
  await killed;
  if (stop.clean) {
    const exit = await stopBank(server, "SIGTERM");
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    // A clean stop leaves a snapshot and no lock.
    expect(readdirSync(directory).filter((name) => name.endsWith(".snap") || name === "LOCK")).toEqual([
      expect.stringMatching(/^snapshot-\d{16}\.snap$/),
    ]);
  }
  client.close();
}

/**
 * After a start: every request answered before is retried and must be a replay of its answer;
 * every request cut off is retried and its answer kept.
 */
async function retryAll(client: Client, operations: readonly Operation[], tally: Tally, context: string): Promise<void> {
  await eachAtOnce(operations, async (operation) => {
    const retry = await send(client, operation);
    const first = operation.answer;
    if (first === null) {
      expect(retry.status, `${context}: ${operation.key} retried: ${retry.text}`).toBeLessThan(500);
      operation.answer = retry;
      if (retry.headers["idempotency-replayed"] === "true") tally.cutApplied++;
      else tally.cutRetried++;
      return;
    }
    const what = `${context}: ${operation.key}'s retry`;
    expect(retry.headers["idempotency-replayed"], what).toBe("true");
    expect(retry.status, what).toBe(first.status);
    expect(retry.headers["content-type"], what).toBe(first.headers["content-type"]);
    expect(retry.headers.location, what).toBe(first.headers.location);
    expect(retry.text, what).toBe(first.text);
  });
}

describe("a durable server killed with SIGKILL under load", () => {
  it(`when killed at random moments (seed ${SEED}) and started again each time, keeps every answer exactly once`, async () => {
    console.log(`crash test: seed ${SEED} (CRASH_SEED=${SEED} runs it again), ${CYCLES} cycles, data in ${directory}`);
    const workload = new Workload(SEED);
    const random = seededRandom(SEED ^ 0x9e3779b9);
    const operations: Operation[] = [];
    const tally: Tally = { answered: 0, cut: 0, cutApplied: 0, cutRetried: 0 };
    let server = await startBank(["--data-dir", directory]);
    let client = new Client(server);
    for (let index = 0; index < ACCOUNTS; index++) {
      const operation = workload.open(100_000);
      operations.push(operation);
      operation.answer = await send(client, operation);
      expect(operation.answer.status, operation.answer.text).toBe(201);
    }
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const context = `seed ${SEED}, cycle ${cycle}`;
      // Now and then at once, before any answer; mostly after some, then at once or a few ms later.
      const answersBeforeStop = random() < 0.1 ? 0 : 1 + Math.floor(random() * 150);
      const delayMs = random() < 0.5 ? 0 : Math.floor(random() * 15);
      const stop = { answersBeforeStop, delayMs, clean: cycle === CLEAN_STOP_CYCLE };
      await loadThenStop(server, client, workload, operations, tally, stop);

      server = await startBank(["--data-dir", directory]);
      client = new Client(server);
      // Every request ever sent: the answered ones must be replays, the cut-off ones are run now.
      await retryAll(client, operations, tally, context);
      expect(problemsOf(operations, await readState(client)), context).toEqual([]);
    }
    const exit = await stopBank(server, "SIGTERM");
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    client.close();
    console.log(
      `crash test: seed ${SEED}: ${operations.length} requests, ${tally.answered} answered before a stop, ` +
        `${tally.cut} cut off (${tally.cutApplied} had been applied: replayed; ${tally.cutRetried} had not: run on retry)`,
    );
  }, 150_000);
});
