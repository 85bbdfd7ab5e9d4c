// The REST server over a durable bank: no answer leaves before the fsync that covers it, a kept
// answer survives a crash and is replayed after it, a failed fsync answers 500 and nothing after,
// and `startServer` opens (and closes) the bank in its data directory.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp } from "../../src/http/app.js";
import { startServer } from "../../src/http/server.js";
import { FileStore } from "../../src/store/file-store.js";
import { MemoryFiles } from "../store/memory-files.js";
import { ADMIN_SECRET, bearer, testKeys } from "./auth/support.js";
import { expectReplay, request } from "./helpers.js";

const CLOCK_MS = 1_700_000_000_000;

async function durableApp(files: MemoryFiles, onFailure?: (error: Error) => void, secured = false) {
  const bank = await Bank.open({ clock: () => CLOCK_MS, store: new FileStore({ dataDir: "/data", files, ...(onFailure !== undefined && { onFailure }) }) });
  return { bank, app: buildApp({ bank, ...(secured && { access: { keys: testKeys() } }) }) };
}

async function everyByte(files: MemoryFiles): Promise<string> {
  const names = await files.list("/data");
  const contents = await Promise.all(names.map(async (name) => Buffer.from(await files.read(path.join("/data", name))).toString("latin1")));
  return contents.join("");
}

const settledSoon = (promise: Promise<unknown>) =>
  Promise.race([promise.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 30))]);

describe("the REST server over a durable bank", () => {
  it("when an fsync is slow, the answer waits for it, and so does a read issued meanwhile", async () => {
    const files = new MemoryFiles();
    const { app } = await durableApp(files);
    expect((await request(app, "POST", "/accounts", { name: "alice", initial_balance: 10 })).status).toBe(201);
    files.holdSyncs = true;
    const deposit = request(app, "POST", "/accounts/alice/deposits", { amount: 5 });
    expect(await settledSoon(deposit)).toBe(false);
    const read = request(app, "GET", "/accounts/alice");
    expect(await settledSoon(read)).toBe(false);
    files.holdSyncs = false;
    files.releaseSyncs();
    expect((await deposit).status).toBe(200);
    expect((await read).body).toEqual({ name: "alice", balance: 15, available: 15, held: 0, incoming_held: 0 });
    await app.close();
  });

  it("when an answer with a key was given before a crash, its retry after the crash is a replay", async () => {
    const files = new MemoryFiles();
    const first = await durableApp(files);
    await request(first.app, "POST", "/accounts", { name: "alice", initial_balance: 10 });
    await request(first.app, "POST", "/accounts", { name: "bob", initial_balance: 0 });
    const answer = await request(first.app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 4 }, { "idempotency-key": "pay-1" });
    expect(answer.status).toBe(200);
    files.crash();
    const second = await durableApp(files);
    const retry = await request(second.app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 4 }, { "idempotency-key": "pay-1" });
    expectReplay(retry, answer);
    expect(second.bank.getAccount("bob").balance).toBe(4);
    await second.app.close();
  });

  it("when holders' tokens were issued and rotated, they survive a crash and a clean restart, as digests only", async () => {
    const files = new MemoryFiles();
    const first = await durableApp(files, undefined, true);
    const opened = await request(first.app, "POST", "/accounts", { name: "alice", initial_balance: 10 }, bearer(ADMIN_SECRET));
    const issued = (opened.body as { token: string }).token;
    await request(first.app, "POST", "/accounts", { name: "bob", initial_balance: 0 }, bearer(ADMIN_SECRET));
    const rotated = await request(first.app, "POST", "/accounts/alice/token", undefined, bearer(ADMIN_SECRET));
    const token = (rotated.body as { token: string }).token;
    expect(token).not.toBe(issued);
    expect(await everyByte(files)).not.toContain(token);
    files.crash();
    const second = await durableApp(files, undefined, true);
    expect((await request(second.app, "GET", "/accounts/alice", undefined, bearer(token))).status).toBe(200);
    expect((await request(second.app, "GET", "/accounts/alice", undefined, bearer(issued))).status).toBe(401);
    expect((await request(second.app, "GET", "/accounts/bob", undefined, bearer(token))).status).toBe(403);
    await second.app.close();
    await second.bank.close();
    const third = await durableApp(files, undefined, true);
    expect((await request(third.app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 4 }, bearer(token))).status).toBe(200);
    const bytes = await everyByte(files);
    expect(bytes).not.toContain(token);
    expect(bytes).not.toContain(issued);
    await third.app.close();
  });

  it("when an fsync fails, the waiting answer is a 500, the store says so, and nothing is acknowledged after", async () => {
    const files = new MemoryFiles();
    const failures: Error[] = [];
    const { app } = await durableApp(files, (error) => failures.push(error));
    await request(app, "POST", "/accounts", { name: "alice", initial_balance: 10 });
    files.failSync = "EIO";
    const failed = await request(app, "POST", "/accounts/alice/deposits", { amount: 5 });
    expect(failed.status).toBe(500);
    expect(failures).toHaveLength(1);
    expect((await request(app, "POST", "/accounts/alice/deposits", { amount: 1 })).status).toBe(500);
    expect((await request(app, "GET", "/accounts/alice")).status).toBe(500);
    await app.close();
  });
});

describe("startServer with a data directory", () => {
  it("when started, stopped and started again on the directory, the bank is back", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "bank-server-"));
    try {
      const options = { host: "127.0.0.1", port: 0, logLevel: "silent", dataDir, fsync: "always" as const };
      const first = await startServer(options);
      const opened = await fetch(`${first.url}/accounts`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"name":"alice","initial_balance":7}' });
      expect(opened.status).toBe(201);
      await first.app.close();
      const second = await startServer(options);
      expect(await (await fetch(`${second.url}/accounts/alice`)).json()).toEqual({ name: "alice", balance: 7, available: 7, held: 0, incoming_held: 0 });
      await expect(startServer(options)).rejects.toThrow(/is in use by process/);
      await second.app.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
