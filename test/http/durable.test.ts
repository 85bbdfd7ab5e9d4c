// The HTTP edge of durable mode, on a file system in memory that knows what an fsync made durable:
// no answer leaves before the fsync that covers it (a read's neither, while another request's
// change is not yet durable); an idempotent POST answered before a crash is replayed byte for byte
// by a new app on the reopened bank; one cut off before its fsync is absent, and its retry runs it;
// a failed write or fsync (or a disk full part-way through a batch) answers the usual 500
// problem, is reported once, and nothing is acknowledged after it.

import { setImmediate as turn } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type BankApp } from "../../src/http/app.js";
import { FileStore } from "../../src/store/file-store.js";
import { StoreFailedError } from "../../src/store/errors.js";
import { MemoryFiles } from "../store/memory-files.js";
import { expectProblem, expectReplay, FIXED_TIME_MS, request, snapshot, type JsonResponse } from "./helpers.js";

const DATA = "/data";

const apps: BankApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

interface Durable {
  bank: Bank;
  app: BankApp;
  failures: StoreFailedError[];
}

/** A bank on `files` (alice 100, bob 0 when new) and an app serving it. */
async function durableApp(files: MemoryFiles): Promise<Durable> {
  const failures: StoreFailedError[] = [];
  const store = new FileStore({ dataDir: DATA, files, onFailure: (error) => failures.push(error) });
  const bank = await Bank.open({ clock: () => FIXED_TIME_MS, store });
  if (bank.listAccounts().length === 0) {
    bank.createAccount("alice", 100);
    bank.createAccount("bob");
    await bank.sync();
  }
  const app = buildApp({ bank });
  apps.push(app);
  await app.ready();
  return { bank, app, failures };
}

/** A request in flight, and whether it has been answered yet. */
function inFlight(response: Promise<JsonResponse>): { response: Promise<JsonResponse>; settled: () => boolean } {
  let settled = false;
  void response.finally(() => (settled = true));
  return { response, settled: () => settled };
}

/** Lets the event loop run a few turns: time for an answer that does not wait to arrive. */
async function someTurns(): Promise<void> {
  for (let index = 0; index < 20; index++) await turn();
}

function post(app: BankApp, url: string, body: unknown, key?: string): Promise<JsonResponse> {
  return request(app, "POST", url, body, key === undefined ? {} : { "idempotency-key": key });
}

describe("a durable app's answers", () => {
  it("when the fsync is held, a POST is not answered; once it completes, the POST is", async () => {
    const files = new MemoryFiles();
    const { app, bank } = await durableApp(files);
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    const deposit = inFlight(post(app, "/accounts/alice/deposits", { amount: 5 }));
    await vi.waitFor(() => expect(files.syncs).toBe(syncsBefore + 1));
    await someTurns();
    // Applied and written, its fsync started, and no answer yet.
    expect(bank.getAccount("alice").balance).toBe(105);
    expect(deposit.settled()).toBe(false);
    files.holdSyncs = false;
    files.releaseSyncs();
    const answered = await deposit.response;
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ name: "alice", balance: 105 });
  });

  it("when another request's change is not yet durable, a GET waits for it too, then reads it", async () => {
    const files = new MemoryFiles();
    const { app } = await durableApp(files);
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    const deposit = inFlight(post(app, "/accounts/alice/deposits", { amount: 5 }));
    await vi.waitFor(() => expect(files.syncs).toBe(syncsBefore + 1));
    const read = inFlight(request(app, "GET", "/accounts/alice"));
    const list = inFlight(request(app, "GET", "/accounts"));
    await someTurns();
    expect([deposit.settled(), read.settled(), list.settled()]).toEqual([false, false, false]);
    files.holdSyncs = false;
    files.releaseSyncs();
    expect((await read.response).body).toEqual({ name: "alice", balance: 105, available: 105, held: 0, incoming_held: 0 });
    expect((await list.response).status).toBe(200);
    expect((await deposit.response).status).toBe(200);
  });

  it("when nothing is waiting for an fsync, a GET is answered without one", async () => {
    const files = new MemoryFiles();
    const { app } = await durableApp(files);
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    const read = await request(app, "GET", "/accounts/alice/history");
    expect(read.status).toBe(200);
    expect(files.syncs).toBe(syncsBefore);
  });

  it("when a crash comes after the fsync of answered POSTs, a new app on the reopened bank replays each byte for byte and changes nothing", async () => {
    const files = new MemoryFiles();
    const first = await durableApp(files);
    const created = await post(first.app, "/accounts", { name: "carol", initial_balance: "7.25" }, "open-carol");
    const transfer = await post(first.app, "/transfers", { sender: "alice", recipient: "bob", amount: 30 }, "move-1");
    const refused = await post(first.app, "/accounts/bob/withdrawals", { amount: 1_000 }, "take-1");
    const batch = await post(first.app, "/transfers/batch", {
      atomic: false,
      transfers: [{ sender: "alice", recipient: "carol", amount: 1 }, { sender: "carol", recipient: "bob", amount: 500 }],
    }, "batch-1");
    expect([created.status, transfer.status, refused.status, batch.status]).toEqual([201, 200, 400, 200]);
    const before = snapshot(first.bank);
    files.crash();

    const second = await durableApp(files);
    expect(snapshot(second.bank)).toEqual(before);
    const replayedCreate = await post(second.app, "/accounts", { name: "carol", initial_balance: "7.25" }, "open-carol");
    expectReplay(replayedCreate, created);
    expect(replayedCreate.headers.location).toBe("/accounts/carol");
    expectReplay(await post(second.app, "/transfers", { sender: "alice", recipient: "bob", amount: 30 }, "move-1"), transfer);
    expectReplay(await post(second.app, "/accounts/bob/withdrawals", { amount: 1_000 }, "take-1"), refused);
    expectReplay(await post(second.app, "/transfers/batch", {
      atomic: false,
      transfers: [{ sender: "alice", recipient: "carol", amount: 1 }, { sender: "carol", recipient: "bob", amount: 500 }],
    }, "batch-1"), batch);
    expect(snapshot(second.bank)).toEqual(before);
    // Reused for another body, the key is refused as it was before the crash.
    expectProblem(await post(second.app, "/transfers", { sender: "alice", recipient: "bob", amount: 31 }, "move-1"), 422, "IDEMPOTENCY_KEY_REUSED");
  });

  it("when a crash comes after holds were made, posted and voided over HTTP, they are back with their references and their keys replay", async () => {
    const files = new MemoryFiles();
    const first = await durableApp(files);
    const held = await post(first.app, "/holds", { sender: "alice", recipient: "bob", amount: 30, reference: "order-1" }, "hold-1");
    const posted = await post(first.app, "/holds/1/post", { amount: 12.5 }, "post-1");
    expect((await post(first.app, "/holds", { sender: "alice", recipient: "bob", amount: 5 })).status).toBe(201);
    const voided = await post(first.app, "/holds/2/void", {}, "void-2");
    expect((await post(first.app, "/holds", { sender: "alice", recipient: "bob", amount: 20, timeout_seconds: 60 })).status).toBe(201);
    expect([held.status, posted.status, voided.status]).toEqual([201, 200, 200]);
    const reads = async (app: BankApp) => Promise.all(
      ["/holds/1", "/holds/2", "/holds/3", "/accounts/alice", "/accounts/bob/history?reference=order-1"].map(async (url) => (await request(app, "GET", url)).body),
    );
    const before = { bank: snapshot(first.bank), reads: await reads(first.app) };
    files.crash();

    const second = await durableApp(files);
    expect({ bank: snapshot(second.bank), reads: await reads(second.app) }).toEqual(before);
    expect(before.reads[3]).toEqual({ name: "alice", balance: 87.5, available: 67.5, held: 20, incoming_held: 0 });
    expectReplay(await post(second.app, "/holds", { sender: "alice", recipient: "bob", amount: 30, reference: "order-1" }, "hold-1"), held);
    expectReplay(await post(second.app, "/holds/1/post", { amount: 12.5 }, "post-1"), posted);
    expectReplay(await post(second.app, "/holds/2/void", {}, "void-2"), voided);
    // Still pending after the restart, hold 3 is posted once, and a second settle is refused.
    expect((await post(second.app, "/holds/3/post", {})).body).toMatchObject({ status: "posted", posted_amount: 20 });
    expectProblem(await post(second.app, "/holds/3/void", {}), 409, "HOLD_NOT_PENDING");
  });

  it("when a crash comes before the fsync, the unanswered POST is absent after reopening, and its retry applies it once", async () => {
    const files = new MemoryFiles();
    const first = await durableApp(files);
    const before = snapshot(first.bank);
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    const cutOff = inFlight(post(first.app, "/transfers", { sender: "alice", recipient: "bob", amount: 30 }, "move-1"));
    await vi.waitFor(() => expect(files.syncs).toBe(syncsBefore + 1));
    await someTurns();
    files.crash();
    expect(cutOff.settled()).toBe(false);

    const second = await durableApp(files);
    expect(snapshot(second.bank)).toEqual(before);
    const retry = await post(second.app, "/transfers", { sender: "alice", recipient: "bob", amount: 30 }, "move-1");
    expect(retry.status).toBe(200);
    expect(retry.headers["idempotency-replayed"]).toBeUndefined();
    expect(second.bank.getAccount("bob").balance).toBe(30);
    expectReplay(await post(second.app, "/transfers", { sender: "alice", recipient: "bob", amount: 30 }, "move-1"), retry);
    expect(second.bank.getAccount("bob").historyLength).toBe(2);
  });
});

describe("a durable app whose disk fails", () => {
  it.each([
    ["an fsync fails (EIO)", (files: MemoryFiles) => (files.failSync = "EIO")],
    ["a write fails (ENOSPC)", (files: MemoryFiles) => (files.failWrite = "ENOSPC")],
  ])("when %s, the waiting POST answers 500, the failure is reported once, and nothing is acknowledged after", async (_case, fault) => {
    const files = new MemoryFiles();
    const { app, failures } = await durableApp(files);
    fault(files);
    const failed = await post(app, "/accounts/alice/deposits", { amount: 5 }, "dep-1");
    expectProblem(failed, 500, "INTERNAL_ERROR");
    // The usual problem, which names no internals: the cause is in the log.
    expect(failed.text).not.toMatch(/journal|EIO|ENOSPC/);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(StoreFailedError);
    // Every later request, a read included, is refused: none could be made durable.
    expectProblem(await post(app, "/accounts/alice/deposits", { amount: 5 }), 500, "INTERNAL_ERROR");
    expectProblem(await post(app, "/accounts/alice/deposits", { amount: 5 }, "dep-1"), 500, "INTERNAL_ERROR");
    expectProblem(await request(app, "GET", "/accounts/alice"), 500, "INTERNAL_ERROR");
    expect(failures).toHaveLength(1);

    // Started again, the bank holds nothing of the failed deposit, and the key runs it once.
    files.crash();
    const again = await durableApp(files);
    expect(again.bank.getAccount("alice").balance).toBe(100);
    const retry = await post(again.app, "/accounts/alice/deposits", { amount: 5 }, "dep-1");
    expect(retry.status).toBe(200);
    expect(retry.headers["idempotency-replayed"]).toBeUndefined();
    expect(again.bank.getAccount("alice").balance).toBe(105);
  });

  it("when the disk fills part-way through a big batch's write, the batch gets no 2xx; after a restart it is absent and its key applies it once", async () => {
    const files = new MemoryFiles();
    const { app, bank, failures } = await durableApp(files);
    bank.deposit("bob", 100);
    await bank.sync();
    const before = snapshot(bank);
    const body = {
      transfers: Array.from({ length: 3_000 }, (_, index) => (index % 2 === 0
        ? { sender: "alice", recipient: "bob", amount: 0.01 }
        : { sender: "bob", recipient: "alice", amount: 0.02 })),
    };
    files.spaceBytes = 10_000;
    expectProblem(await post(app, "/transfers/batch", body, "big-1"), 500, "INTERNAL_ERROR");
    expect(failures).toHaveLength(1);

    // Killed with what reached the disk: part of the batch's write, which recovery cuts.
    files.crash((_file, unsynced) => unsynced);
    files.spaceBytes = null;
    const again = await durableApp(files);
    expect(snapshot(again.bank)).toEqual(before);
    const retry = await post(again.app, "/transfers/batch", body, "big-1");
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ atomic: true, applied: 3_000, refused: 0 });
    expectReplay(await post(again.app, "/transfers/batch", body, "big-1"), retry);
    expect(again.bank.getAccount("alice").historyLength).toBe(3_001);
    expect(again.bank.getAccount("alice").balance).toBe(100 + 15);
  });
});
