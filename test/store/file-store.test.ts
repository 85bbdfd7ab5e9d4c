// The file store's own rules, on a file system in memory: the interval policy and its loss window,
// a closed store that refuses changes loudly, a turn too big for one write, segments and snapshots
// that cannot be made, a snapshot taken while another is under way, the entries of a scope not yet
// added kept across snapshots, and a second fault after the first.

import { describe, expect, it, vi } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp } from "../../src/http/app.js";
import { StoreFailedError } from "../../src/store/errors.js";
import { FileStore, type FileStoreOptions } from "../../src/store/file-store.js";
import type { AppendFile } from "../../src/store/files.js";
import { MemoryFiles } from "./memory-files.js";

const DATA = "/data";
const CLOCK_MS = 1_700_000_000_000;

function open(files: MemoryFiles, options: Partial<FileStoreOptions> = {}): Promise<Bank> {
  return Bank.open({ clock: () => CLOCK_MS, store: new FileStore({ dataDir: DATA, files, ...options }) });
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function snapshots(files: MemoryFiles): string[] {
  return files.names().filter((name) => name.endsWith(".snap"));
}

/**
 * Files that can refuse to make new files, hold or fail the next snapshot, leave files out of the
 * directory's listing, and fail fsyncs with an error of their own.
 */
class FaultyFiles extends MemoryFiles {
  failNewFiles = false;
  failSnapshot = false;
  holdSnapshot: Promise<void> | null = null;
  readonly unlisted = new Set<string>();
  syncError: Error | null = null;

  override openAppend(file: string): AppendFile {
    if (this.failNewFiles && !this.files.has(file)) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: "EACCES" });
    const opened = super.openAppend(file);
    return {
      get size() {
        return opened.size;
      },
      write: (bytes) => opened.write(bytes),
      sync: () => (this.syncError === null ? opened.sync() : Promise.reject(this.syncError)),
      close: () => opened.close(),
    };
  }

  override async list(directory: string): Promise<string[]> {
    return (await super.list(directory)).filter((name) => !this.unlisted.has(name));
  }

  override async writeAtomically(file: string, chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<void> {
    if (this.failSnapshot) {
      this.failSnapshot = false;
      throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    }
    await this.holdSnapshot;
    return super.writeAtomically(file, chunks);
  }
}

describe("the interval policy", () => {
  it.each([0, -1, 1.5, Number.NaN])("when the interval is %s ms, the store refuses it", (intervalMs) => {
    expect(() => new FileStore({ dataDir: DATA, fsync: { intervalMs } })).toThrow(new RangeError("The fsync interval must be a whole number of milliseconds, at least 1"));
  });

  it("when a change is written, it is acknowledged before its fsync, which the interval brings; a crash before it loses the change", async () => {
    const files = new MemoryFiles();
    const bank = await open(files, { fsync: { intervalMs: 5 } });
    bank.createAccount("alice", 100);
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    bank.deposit("alice", 5);
    // Acknowledged once written, with no fsync yet: the loss window.
    await bank.sync();
    expect(files.syncs).toBe(syncsBefore);
    await vi.waitFor(() => expect(files.syncs).toBe(syncsBefore + 1), { timeout: 10_000 });
    files.crash();
    const again = await open(files, { fsync: { intervalMs: 5 } });
    expect(again.listAccounts()).toEqual([]);

    again.createAccount("alice", 100);
    await again.sync();
    const syncsThen = files.syncs;
    await vi.waitFor(() => expect(files.syncs).toBeGreaterThan(syncsThen), { timeout: 10_000 });
    files.crash();
    const third = await open(files, { fsync: { intervalMs: 5 } });
    expect(third.getAccount("alice").balance).toBe(100);
    await third.close();
  });
});

describe("a closed store", () => {
  it("when closed before it was ever opened, it does nothing and touches no file", async () => {
    const files = new MemoryFiles();
    await new FileStore({ dataDir: DATA, files }).close();
    expect(files.names()).toEqual([]);
  });

  it("when closed twice, the second close does nothing", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1);
    await bank.close();
    const names = files.names();
    await bank.close();
    expect(files.names()).toEqual(names);
  });

  it("when a change comes after close, it is refused loudly, never lost quietly", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1);
    await bank.close();
    const closed = "The bank is closed: changes are no longer recorded";
    expect(() => bank.deposit("alice", 1)).toThrow(closed);
    expect(() => bank.createAccount("bob")).toThrow(closed);
    // A refusal kept for its key is a change too: its outcome would be recorded.
    expect(() => bank.withdraw("alice", 5, { idempotencyKey: "late" })).toThrow(closed);
  });
});

describe("a turn that records more than one write should hold", () => {
  it("when one turn records over 4 MiB, its records are written out early, and a crash before its commit cuts them all", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1_000_000);
    bank.createAccount("bob", 1_000_000);
    await bank.sync();
    const before = bank.listAccounts().map((account) => account.balanceMinor);
    const writesBefore = files.writes;
    const batch = Array.from({ length: 8_190 }, (_, index) => (index % 2 === 0
      ? { sender: "alice", recipient: "bob", amount: 0.01 }
      : { sender: "bob", recipient: "alice", amount: 0.01 }));
    // About 18 bytes a transfer: 30 batches are some 4.4 MB.
    for (let index = 0; index < 30; index++) bank.transferBatch(batch);
    // Still within the turn: part of it is written, and its commit is not.
    expect(files.writes).toBeGreaterThan(writesBefore);
    files.crash((_file, unsynced) => unsynced);
    const notices: string[] = [];
    const again = await open(files, { onNotice: (notice) => notices.push(notice) });
    expect(again.listAccounts().map((account) => account.balanceMinor)).toEqual(before);
    expect(again.transactionCount).toBe(2);
    expect(notices).toEqual([expect.stringMatching(/^cut \d+ bytes at offset \d+ of journal-/)]);
  });

  it("when the turn ends, its commit follows, and the whole turn survives a crash", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 3_000_000);
    bank.createAccount("bob");
    const batch = Array.from({ length: 8_190 }, () => ({ sender: "alice", recipient: "bob", amount: 0.01 }));
    // About 18 bytes a transfer: 30 batches are some 4.4 MB.
    for (let index = 0; index < 30; index++) bank.transferBatch(batch);
    await bank.sync();
    files.crash();
    const again = await open(files);
    expect(again.getAccount("bob").balanceMinor).toBe(30 * 8_190);
  });
});

describe("files that cannot be made", () => {
  it("when the first segment cannot be made, the bank does not open, and frees the directory", async () => {
    const files = new FaultyFiles();
    files.failNewFiles = true;
    await expect(open(files)).rejects.toThrow(StoreFailedError);
    files.failNewFiles = false;
    const bank = await open(files);
    await bank.close();
  });

  it("when a full segment cannot be followed by a new one, the store fails and acknowledges nothing more", async () => {
    const files = new FaultyFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { segmentBytesMax: 300, onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 1_000);
    await bank.sync();
    files.failNewFiles = true;
    let error: unknown = null;
    for (let index = 0; index < 50 && error === null; index++) {
      bank.deposit("alice", 1);
      error = await bank.sync().then(() => null, (caught: unknown) => caught);
    }
    expect(error).toBeInstanceOf(StoreFailedError);
    expect((error as Error).message).toMatch(/EACCES/);
    expect(failures).toEqual([error]);
  });

  it("when a snapshot is due and its new segment cannot be made, the store fails", async () => {
    const files = new FaultyFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { snapshotBytesMin: 500, onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 1_000);
    await bank.sync();
    files.failNewFiles = true;
    for (let index = 0; index < 50 && failures.length === 0; index++) {
      bank.deposit("alice", 1);
      await bank.sync().catch(() => undefined);
    }
    expect(failures).toHaveLength(1);
    expect(snapshots(files)).toEqual([]);
  });

  it("when the file a new segment would begin is there already, the store fails rather than write into it", async () => {
    const files = new FaultyFiles();
    const first = await open(files);
    first.createAccount("alice", 1);
    await first.close();
    // The segment begun at close, left out of the listing: recovery does not see it, the store finds it.
    const segment = files.names().find((name) => name.endsWith(".log")) as string;
    await files.writeAtomically(`${DATA}/${segment}`, [Buffer.from("somebody else's bytes")]);
    files.unlisted.add(segment);
    await expect(open(files)).rejects.toThrow(`The journal could not be written (${segment} exists already)`);
  });

  it("when an fsync fails with the store's own failure, that failure is passed on as it is", async () => {
    const files = new FaultyFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { onFailure: (error) => failures.push(error) });
    const own = new StoreFailedError(new Error("EIO: the disk went away"));
    files.syncError = own;
    bank.createAccount("alice", 1);
    await expect(bank.sync()).rejects.toBe(own);
    expect(failures).toEqual([own]);
  });
});

describe("snapshots that fail or take a while", () => {
  it("when a snapshot cannot be written, the store says so and goes on, and the journal still holds everything", async () => {
    const files = new FaultyFiles();
    const notices: string[] = [];
    const bank = await open(files, { snapshotBytesMin: 500, onNotice: (notice) => notices.push(notice) });
    bank.createAccount("alice", 1_000);
    files.failSnapshot = true;
    for (let index = 0; index < 50 && notices.length === 0; index++) {
      bank.deposit("alice", 1);
      await bank.sync();
      await turn();
    }
    expect(notices).toEqual(["a snapshot could not be written (ENOSPC: no space left on device); the journal still holds everything"]);
    bank.deposit("alice", 1);
    await bank.sync();
    const balance = bank.getAccount("alice").balance;
    files.crash();
    expect((await open(files)).getAccount("alice").balance).toBe(balance);
  });

  it("when changes come while a snapshot is written, no second one starts, and the first lands", async () => {
    const files = new FaultyFiles();
    let release!: () => void;
    files.holdSnapshot = new Promise((resolve) => (release = resolve));
    const bank = await open(files, { snapshotBytesMin: 500, segmentBytesMax: 100_000 });
    bank.createAccount("alice", 1_000);
    const segmentsBefore = files.names().filter((name) => name.endsWith(".log")).length;
    // Enough for several snapshots to be due, while the first is held.
    for (let index = 0; index < 60; index++) {
      bank.deposit("alice", 1);
      await bank.sync();
    }
    // One snapshot began (with its new segment) and no other.
    expect(files.names().filter((name) => name.endsWith(".log")).length).toBe(segmentsBefore + 1);
    expect(snapshots(files)).toEqual([]);
    release();
    await vi.waitFor(() => expect(snapshots(files)).toHaveLength(1));
    files.crash();
    expect((await open(files)).getAccount("alice").balance).toBe(1_060);
  });
});

describe("the entries of a scope not yet added", () => {
  it("when the bank is opened, changed and closed without its HTTP app, the kept responses survive the snapshot", async () => {
    const files = new MemoryFiles();
    const first = await open(files);
    first.createAccount("alice", 100);
    const app = buildApp({ bank: first });
    const payload = { amount: 5 };
    const answered = await app.inject({ method: "POST", url: "/accounts/alice/deposits", payload, headers: { "idempotency-key": "d-1" } });
    await app.close();
    await first.close();

    // A bank without the app: the HTTP replay store's entries wait, and go into its snapshot.
    const plain = await open(files);
    plain.deposit("alice", 1);
    await plain.close();

    const last = await open(files);
    const again = buildApp({ bank: last });
    const replayed = await again.inject({ method: "POST", url: "/accounts/alice/deposits", payload, headers: { "idempotency-key": "d-1" } });
    expect(replayed.headers["idempotency-replayed"]).toBe("true");
    expect(replayed.body).toBe(answered.body);
    expect(last.getAccount("alice").balance).toBe(106);
    await again.close();
    await last.close();
  });
});

describe("a second fault after the first", () => {
  it("when an fsync under way fails after a write already failed, the failure is reported once, with the first cause", async () => {
    const files = new MemoryFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 100);
    await bank.sync();
    files.holdSyncs = true;
    const syncsBefore = files.syncs;
    bank.deposit("alice", 1);
    const first = bank.sync().then(() => null, (caught: unknown) => caught);
    await vi.waitFor(() => expect(files.syncs).toBe(syncsBefore + 1));
    files.failWrite = "ENOSPC";
    bank.deposit("alice", 1);
    await turn();
    files.failHeldSyncs("EIO");
    const error = await first;
    expect(error).toBeInstanceOf(StoreFailedError);
    expect((error as Error).message).toMatch(/ENOSPC/);
    await turn();
    expect(failures).toEqual([error]);
  });
});
