// The real file layer, on a temporary directory: appends and their fsync, whole-or-nothing writes,
// truncation, listing and removal, and the directory's lock (taken, refused, and taken over from
// a process that is gone). A whole durable bank on it, opened, changed, closed and opened again.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openBank } from "../../src/index.js";
import { DataDirectoryLockedError, nodeFiles } from "../../src/store/files.js";

let directory = "";

beforeEach(() => {
  directory = mkdtempSync(path.join(tmpdir(), "bank-files-"));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("nodeFiles", () => {
  it("when a file is appended to, synced, truncated, listed and removed, each does what it says", async () => {
    const file = path.join(directory, "a.log");
    const appended = nodeFiles.openAppend(file);
    expect(appended.size).toBe(0);
    appended.write(Buffer.from("hello "));
    appended.write(Buffer.from("world"));
    await appended.sync();
    expect(appended.size).toBe(11);
    await appended.close();
    expect(Buffer.from(await nodeFiles.read(file)).toString()).toBe("hello world");
    expect(nodeFiles.openAppend(file).size).toBe(11);
    await nodeFiles.truncate(file, 5);
    expect(readFileSync(file, "utf8")).toBe("hello");
    await nodeFiles.makeDirectory(path.join(directory, "sub", "deeper"));
    expect((await nodeFiles.list(directory)).sort()).toEqual(["a.log", "sub"]);
    await nodeFiles.remove(file);
    await nodeFiles.remove(file);
    expect(await nodeFiles.list(directory)).toEqual(["sub"]);
  });

  it("when a file is written atomically, it appears whole under its name and no temporary is left", async () => {
    const file = path.join(directory, "snapshot.snap");
    async function* chunks() {
      yield Buffer.from("one,");
      yield Buffer.from("two");
    }
    await nodeFiles.writeAtomically(file, chunks());
    expect(readFileSync(file, "utf8")).toBe("one,two");
    await nodeFiles.writeAtomically(file, [Buffer.from("three")]);
    expect(readFileSync(file, "utf8")).toBe("three");
    expect(await nodeFiles.list(directory)).toEqual(["snapshot.snap"]);
  });

  it("when a file cannot be synced, its sync rejects", async () => {
    const appended = nodeFiles.openAppend(path.join(directory, "b.log"));
    await appended.close();
    await expect(appended.sync()).rejects.toThrow();
  });

  it("when the lock is held by this live process, a second taker is refused; once released it is free", async () => {
    const release = await nodeFiles.lock(directory);
    expect(readFileSync(path.join(directory, "LOCK"), "utf8")).toBe(`${process.pid}\n`);
    await expect(nodeFiles.lock(directory)).rejects.toBeInstanceOf(DataDirectoryLockedError);
    await expect(nodeFiles.lock(directory)).rejects.toThrow(`is in use by process ${process.pid}`);
    await release();
    const again = await nodeFiles.lock(directory);
    await again();
  });

  it("when the lock was left by a process that is gone, it is taken over", async () => {
    // A process that has run and exited: its id is free (or reused by a process we may not signal).
    const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(path.join(directory, "LOCK"), `${child.stdout}\n`);
    const release = await nodeFiles.lock(directory);
    expect(readFileSync(path.join(directory, "LOCK"), "utf8")).toBe(`${process.pid}\n`);
    await release();
  });

  it("when the directory does not exist, taking its lock fails with the system's error", async () => {
    await expect(nodeFiles.lock(path.join(directory, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("when the lock file holds no process id, it is stale and taken over", async () => {
    writeFileSync(path.join(directory, "LOCK"), "not a pid\n");
    const release = await nodeFiles.lock(directory);
    await release();
  });
});

describe("a durable bank on real files", () => {
  it("when opened, changed, closed and opened again, everything is back, and a second opener is refused meanwhile", async () => {
    const bank = await openBank({ dataDir: directory, clock: () => 1_700_000_000_000 });
    bank.createAccount("alice", 50);
    bank.createAccount("bob");
    bank.transfer("alice", "bob", 20, { idempotencyKey: "k" });
    await bank.sync();
    await expect(openBank({ dataDir: directory })).rejects.toBeInstanceOf(DataDirectoryLockedError);
    await bank.close();
    await bank.close();
    expect(() => bank.deposit("alice", 1)).toThrow("The bank is closed");
    const again = await openBank({ dataDir: directory, clock: () => 1_700_000_000_000 });
    expect(again.listAccounts().map((account) => [account.name, account.balance])).toEqual([["alice", 30], ["bob", 20]]);
    expect(again.transfer("alice", "bob", 20, { idempotencyKey: "k" }).id).toBe(3);
    expect(again.getAccount("bob").balance).toBe(20);
    await again.close();
  });

  it("when its fsync policy is an interval, answers wait for the write and an fsync follows", async () => {
    const bank = await openBank({ dataDir: directory, fsync: { intervalMs: 5 } });
    bank.createAccount("alice", 1);
    await bank.sync();
    await new Promise((resolve) => setTimeout(resolve, 30));
    await bank.close();
    const again = await openBank({ dataDir: directory });
    expect(again.getAccount("alice").balance).toBe(1);
    await again.close();
  });

  it("when the fsync interval is not a whole number of milliseconds, opening refuses", async () => {
    await expect(openBank({ dataDir: directory, fsync: { intervalMs: 0.5 } })).rejects.toThrow(RangeError);
  });
});
