// A bank kept by the file store, on a file system in memory that knows what an fsync made durable:
// closed and opened again, or crashed and opened again, it holds exactly what was synced; a torn
// last write is cut off; damage before it stops the start; a failed write or fsync stops the store.

import { describe, expect, it } from "vitest";
import { Bank, BankError, InsufficientFundsError, type BatchInstruction, type TransferInstruction } from "../../src/index.js";
import { CorruptDataError, StoreFailedError } from "../../src/store/errors.js";
import { FileStore, type FileStoreOptions } from "../../src/store/file-store.js";
import { DataDirectoryLockedError } from "../../src/store/files.js";
import { MemoryFiles } from "./memory-files.js";

const DATA = "/data";

/** A clock that moves a millisecond per reading, the same for every bank made with it. */
function steppingClock(startMs = 1_700_000_000_000): () => number {
  let now = startMs;
  return () => now++;
}

function open(files: MemoryFiles, options: Partial<FileStoreOptions> & { clock?: () => number } = {}): Promise<Bank> {
  const { clock = steppingClock(), ...storeOptions } = options;
  return Bank.open({ clock, store: new FileStore({ dataDir: DATA, files, ...storeOptions }) });
}

/** All a bank holds: every account with its balance and whole history, and the journal's length. */
function everything(bank: Bank): unknown {
  return {
    transactionCount: bank.transactionCount,
    accounts: bank.listAccounts().map((account) => ({
      name: account.name,
      balanceMinor: account.balanceMinor,
      history: account.getTransactionHistory().map((transaction) => transaction.toJSON()),
    })),
  };
}

function someActivity(bank: Bank): void {
  bank.createAccount("alice", 100);
  bank.createAccount("bob", "0.50");
  bank.createAccount("zoë 🙂");
  bank.deposit("alice", 25.25);
  bank.transfer("alice", "bob", 10, { idempotencyKey: "t-1" });
  bank.withdraw("bob", 0.5);
  bank.transferBatch([
    { sender: "alice", recipient: "zoë 🙂", amount: 1 },
    { sender: "bob", recipient: "alice", amount: 2 },
  ]);
  bank.transferBatch([
    { sender: "alice", recipient: "bob", amount: 3 },
    { sender: "bob", recipient: "alice", amount: 1_000 },
  ], { atomic: false, idempotencyKey: "b-1" });
}

describe("a durable bank, closed and opened again", () => {
  it("when reopened, every account, balance, history and timestamp is back", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    const before = everything(bank);
    await bank.close();
    const again = await open(files);
    expect(everything(again)).toEqual(before);
    // The clean close left a snapshot: nothing is replayed from the journal.
    expect(files.names().filter((name) => name.endsWith(".snap"))).toHaveLength(1);
    await again.close();
  });

  it("when a key is retried after a crash, it is a replay: the same outcome, no second effect", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    const transfer = () => bank.transfer("alice", "bob", 7, { idempotencyKey: "t-2" });
    const refused = (target: Bank) => thrown(() => target.withdraw("bob", 9_999, { idempotencyKey: "w-1" }));
    const batch: TransferInstruction[] = [{ sender: "alice", recipient: "bob", amount: 3 }, { sender: "bob", recipient: "alice", amount: 1_000 }];
    const first = transfer().toJSON();
    const refusal = refused(bank);
    const batchResult = bank.transferBatch(batch, { atomic: false, idempotencyKey: "b-2" });
    await bank.sync();
    files.crash();

    const again = await open(files);
    const state = everything(again);
    expect(again.transfer("alice", "bob", 7, { idempotencyKey: "t-2" }).toJSON()).toEqual(first);
    const replayed = refused(again);
    expect(replayed).toBeInstanceOf(InsufficientFundsError);
    expect(replayed.message).toBe(refusal.message);
    expect({ ...replayed }).toEqual({ ...refusal });
    const replayedBatch = again.transferBatch(batch, { atomic: false, idempotencyKey: "b-2" });
    expect(plain(replayedBatch.results)).toEqual(plain(batchResult.results));
    expect(everything(again)).toEqual(state);
    await again.close();
  });
});

describe("a durable bank whose batches hold", () => {
  /** Every hold of the bank, as JSON, and each account's available balance: what holds change. */
  function holdsOf(bank: Bank): unknown {
    const holds = [];
    // Hold ids run from 1; getHold refuses the first id past the last.
    for (let id = 1; ; id++) {
      try {
        holds.push(bank.getHold(id).toJSON());
      } catch {
        break;
      }
    }
    return { holds, available: bank.listAccounts().map((account) => [account.name, account.availableMinor, account.incomingHeldMinor]) };
  }

  it("when it crashes after batches that make, post and void holds, they are back, and a retried key is a replay", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    const atomic: BatchInstruction[] = [
      { type: "hold", sender: "alice", recipient: "bob", amount: 20, reference: "order-1" },
      { type: "hold", sender: "alice", recipient: "zoë 🙂", amount: 5, timeoutSeconds: 3600 },
      { type: "post", holdId: 1, amount: 15 },
      { sender: "alice", recipient: "bob", amount: 1, reference: "order-1" },
    ];
    const independent: BatchInstruction[] = [
      { type: "void", holdId: 2 },
      { type: "void", holdId: 2 },
      { type: "hold", sender: "bob", recipient: "alice", amount: 4 },
      { type: "hold", sender: "bob", recipient: "alice", amount: 1_000 },
    ];
    bank.transferBatch(atomic, { idempotencyKey: "holds-1" });
    const result = bank.transferBatch(independent, { atomic: false, idempotencyKey: "holds-2" });
    expect(result.results.map((item) => item.ok)).toEqual([true, false, true, false]);
    await bank.sync();
    const synced = { everything: everything(bank), holds: holdsOf(bank) };
    files.holdSyncs = true;
    bank.transferBatch([{ type: "post", holdId: 3 }]);
    files.crash();

    const again = await open(files);
    expect({ everything: everything(again), holds: holdsOf(again) }).toEqual(synced);
    expect(again.getHold(3).status).toBe("pending");
    const referenced = again.getAccount("alice").getTransactionHistory().filter((transaction) => transaction.reference === "order-1");
    expect(referenced.map((transaction) => transaction.type)).toEqual(["hold_created", "hold_posted", "transfer_out"]);
    const replayed = again.transferBatch(independent, { atomic: false, idempotencyKey: "holds-2" });
    expect(plain(replayed.results)).toEqual(plain(result.results));
    expect({ everything: everything(again), holds: holdsOf(again) }).toEqual(synced);
    await again.close();
  });
});

function thrown(action: () => unknown): BankError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(BankError);
    return error as BankError;
  }
  throw new Error("expected a refusal");
}

/** Batch results with each error as its class name, code and message, to compare by value. */
function plain(results: readonly { ok: boolean; error?: BankError }[]): unknown {
  return results.map((item) => (item.error === undefined ? item : { ...item, error: [item.error.name, item.error.code, item.error.message] }));
}

describe("a durable bank that crashes", () => {
  it("when it crashes, what was synced is back and what was not synced is not, whole", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    await bank.sync();
    const synced = everything(bank);
    files.holdSyncs = true;
    bank.deposit("alice", 1);
    bank.transfer("alice", "bob", 2);
    const pending = bank.sync();
    let settled = false;
    void pending.then(() => (settled = true), () => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Written, not yet fsynced: not acknowledged.
    expect(settled).toBe(false);
    files.crash();
    const again = await open(files);
    expect(everything(again)).toEqual(synced);
    await again.close();
  });

  it("when a bank was opened and closed without a change, what the next bank syncs into its segment survives a crash", async () => {
    const files = new MemoryFiles();
    // The first bank makes the segment and writes nothing into it, so it never syncs the directory.
    await (await open(files)).close();
    const bank = await open(files);
    bank.createAccount("alice", 100);
    bank.deposit("alice", 5);
    await bank.sync();
    const synced = everything(bank);
    files.crash();
    const again = await open(files);
    expect(everything(again)).toEqual(synced);
    await again.close();
  });

  it("when the last write is torn at any byte, the bank opens as it was before that write, and says what it cut", async () => {
    const base = new MemoryFiles();
    const bank = await open(base);
    someActivity(bank);
    await bank.sync();
    const before = everything(bank);
    base.holdSyncs = true;
    bank.transfer("alice", "bob", 1, { idempotencyKey: "torn-1" });
    bank.createAccount("carol", 5);
    bank.transferBatch([{ sender: "alice", recipient: "carol", amount: 1 }, { sender: "carol", recipient: "bob", amount: 2 }]);
    const after = everything(bank);
    void bank.sync().catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    const segment = base.names().find((name) => name.endsWith(".log")) as string;
    const file = `${DATA}/${segment}`;
    const memory = base.files.get(file) as { length: number; synced: number; bytes: Uint8Array };
    const unsynced = memory.length - memory.synced;
    expect(unsynced).toBeGreaterThan(100);
    for (let kept = 0; kept <= unsynced; kept++) {
      const files = copyOf(base);
      files.crash((name) => (name === file ? kept : 0));
      const notices: string[] = [];
      const again = await open(files, { onNotice: (notice) => notices.push(notice) });
      // Every byte of the group written: the group is whole and applied; any fewer: none of it.
      expect(everything(again), `${kept} of ${unsynced} bytes kept`).toEqual(kept === unsynced ? after : before);
      expect(notices.length, `${kept} of ${unsynced} bytes kept`).toBe(kept === 0 || kept === unsynced ? 0 : 1);
      if (kept > 0 && kept < unsynced) expect(notices[0]).toMatch(/^cut \d+ bytes at offset \d+ of journal-\d{16}\.log/);
      // Opened again after the cut, it is the same bank, and takes new changes.
      again.deposit("alice", 1);
      await again.close();
    }
  });

  it("when a record before the last write is damaged, the bank refuses to start, naming the file and offset", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    await bank.sync();
    bank.deposit("bob", 1);
    await bank.sync();
    files.crash();
    const segment = files.names().find((name) => name.endsWith(".log")) as string;
    files.corrupt(`${DATA}/${segment}`, 60);
    const error = await open(files).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as CorruptDataError).file).toBe(`${DATA}/${segment}`);
    expect((error as CorruptDataError).offset).toBe(24);
    expect((error as Error).message).toMatch(/^Damaged data in \/data\/journal-\d{16}\.log at offset 24: bad checksum/);
  });

  it("when a snapshot is damaged, the bank refuses to start, naming it", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    someActivity(bank);
    await bank.close();
    const snapshot = files.names().find((name) => name.endsWith(".snap")) as string;
    files.corrupt(`${DATA}/${snapshot}`, 100);
    const error = await open(files).then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(CorruptDataError);
    expect((error as CorruptDataError).file).toBe(`${DATA}/${snapshot}`);
  });
});

describe("a durable bank whose disk fails", () => {
  it.each(["an fsync", "a write"])("when %s fails, nothing is acknowledged, the store says so once, and takes no more changes", async (what) => {
    const files = new MemoryFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { onFailure: (error) => failures.push(error) });
    someActivity(bank);
    await bank.sync();
    if (what === "an fsync") files.failSync = "EIO";
    else files.failWrite = "ENOSPC";
    bank.deposit("alice", 1);
    const error = await bank.sync().then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreFailedError);
    expect((error as Error).message).toMatch(what === "an fsync" ? /EIO/ : /ENOSPC/);
    expect(failures).toEqual([error]);
    expect(() => bank.deposit("alice", 1)).toThrow(StoreFailedError);
    await expect(bank.sync()).rejects.toBe(error);
  });
});

describe("snapshots", () => {
  it("when the journal outgrows the last snapshot, a snapshot is taken and the segments it covers are removed", async () => {
    const files = new MemoryFiles();
    const bank = await open(files, { snapshotBytesMin: 4_000, segmentBytesMax: 2_000 });
    bank.createAccount("a", 1_000_000);
    bank.createAccount("b");
    for (let turn = 0; turn < 60; turn++) {
      for (let i = 0; i < 5; i++) bank.transfer(turn % 2 === 0 ? "a" : "b", turn % 2 === 0 ? "b" : "a", 1);
      await bank.sync();
      // Let a snapshot under way finish now and then.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const before = everything(bank);
    const names = files.names();
    expect(names.filter((name) => name.endsWith(".snap"))).toHaveLength(1);
    // Without snapshots, 60 turns of ~5 records would fill ~20 segments of 2,000 bytes.
    expect(names.filter((name) => name.endsWith(".log")).length).toBeLessThan(6);
    files.crash();
    const again = await open(files);
    expect(everything(again)).toEqual(before);
    await again.close();
  });
});

describe("the data directory's lock", () => {
  it("when a second bank opens the same directory, it is refused, and the first goes on", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    await expect(open(files)).rejects.toBeInstanceOf(DataDirectoryLockedError);
    bank.createAccount("alice", 1);
    await bank.close();
    const again = await open(files);
    expect(again.getAccount("alice").balance).toBe(1);
    await again.close();
  });
});

/** A copy of the file system as it is now, so that each of many crashes starts from the same bytes. */
function copyOf(files: MemoryFiles): MemoryFiles {
  const copy = new MemoryFiles();
  for (const [name, memory] of files.files) {
    copy.files.set(name, { bytes: memory.bytes.slice(), length: memory.length, synced: memory.synced });
  }
  return copy;
}

describe("the event stream of a durable bank", () => {
  it("when a change is not yet durable, its event waits for the fsync; a stream closed meanwhile ends", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1);
    await bank.sync();
    const stream = bank.events({ account: "alice", after: 0 });
    expect(stream.lastId).toBe(0);
    expect((await stream.next()).value?.id).toBe(1);
    files.holdSyncs = true;
    bank.deposit("alice", 2);
    const next = stream.next();
    const early = await Promise.race([next.then(() => "given"), new Promise((resolve) => setTimeout(() => resolve("waiting"), 30))]);
    expect(early).toBe("waiting");
    files.releaseSyncs();
    expect((await next).value?.description).toBe("Deposited: 2.00");
    bank.deposit("alice", 3);
    const pending = stream.next();
    await new Promise((resolve) => setTimeout(resolve, 10));
    stream.close();
    files.releaseSyncs();
    expect(await pending).toEqual({ done: true, value: undefined });
    files.holdSyncs = false;
    files.releaseSyncs();
    await bank.close();
  });
});

describe("the store under strain", () => {
  it("when one turn records more than the write buffer holds, it is written in pieces and reopens whole", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 0);
    // About 42 bytes a record: 150,000 deposits in one synchronous run are some 6 MB.
    for (let i = 0; i < 150_000; i++) bank.deposit("alice", 0.01);
    expect(files.writes).toBeGreaterThan(1);
    await bank.sync();
    const before = everything(bank);
    files.crash();
    const again = await open(files);
    expect(everything(again)).toEqual(before);
    await again.close();
  });

  it("when a turn's last record is the one that sends its records out early, the turn is still committed", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 0);
    await bank.sync();
    const writesBefore = files.writes;
    let deposits = 0;
    while (files.writes === writesBefore) {
      bank.deposit("alice", 0.01);
      deposits++;
    }
    await bank.sync();
    files.crash();
    const again = await open(files);
    expect(again.getAccount("alice").balanceMinor).toBe(deposits);
    await again.close();
  });

  it("when a new segment cannot be made, the store fails and says why", async () => {
    const files = new MemoryFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { segmentBytesMax: 200, onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 1);
    await bank.sync();
    files.failWrite = "ENOSPC";
    bank.deposit("alice", 1);
    bank.deposit("alice", 1);
    await expect(bank.sync()).rejects.toBeInstanceOf(StoreFailedError);
    expect(failures).toHaveLength(1);
  });

  it("when pending keys are not outcomes yet, a snapshot keeps only the outcomes", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1, { idempotencyKey: "open-alice" });
    await bank.close();
    const again = await open(files);
    expect(again.createAccount("alice", 1, { idempotencyKey: "open-alice" })).toBe(again.getAccount("alice"));
    await again.close();
  });
});

describe("holds and references in a durable bank", () => {
  /** Holds in every state, and references, on a clock that moves a second a reading. */
  async function bankWithHolds(files: MemoryFiles): Promise<Bank> {
    let nowMs = 1_700_000_000_000;
    const bank = await open(files, { clock: () => (nowMs += 1_000) });
    bank.createAccount("alice", 100);
    bank.createAccount("bob");
    bank.hold("alice", "bob", 10, { reference: "order-1" }).post(4);
    bank.hold("alice", "bob", 5).void();
    bank.hold("alice", "bob", 7, { timeoutSeconds: 1 });
    bank.hold("alice", "bob", 20, { timeoutSeconds: 3_600, reference: "order-2", idempotencyKey: "h-2" });
    bank.deposit("bob", 1, { reference: "INV-9" });
    return bank;
  }

  function holdsOf(bank: Bank): unknown {
    return [1, 2, 3, 4].map((id) => bank.getHold(id).toJSON());
  }

  it.each(["closed", "crashed after a sync"])("when %s and opened again, every hold, its state, history and reference is back", async (how) => {
    const files = new MemoryFiles();
    const bank = await bankWithHolds(files);
    const before = { everything: everything(bank), holds: holdsOf(bank), available: bank.getAccount("alice").available };
    if (how === "closed") await bank.close();
    else {
      await bank.sync();
      files.crash();
    }
    let nowMs = 1_700_000_010_000;
    const again = await open(files, { clock: () => (nowMs += 1_000) });
    expect({ everything: everything(again), holds: holdsOf(again), available: again.getAccount("alice").available }).toEqual(before);
    expect(again.getAccount("alice").getTransactionPage({ reference: "order-2" }).transactions.map((t) => t.type)).toEqual(["hold_created"]);
    // The pending hold is pending still, and its key replays.
    expect(again.hold("alice", "bob", 20, { timeoutSeconds: 3_600, reference: "order-2", idempotencyKey: "h-2" }).id).toBe(4);
    expect(again.postHold(4).status).toBe("posted");
    await again.close();
  });
});
