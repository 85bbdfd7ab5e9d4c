// Faults at the file layer, each with its expected outcome: a disk that fills part-way through a big
// batch's write, a directory fsync that fails when a new segment is made, a crash between a
// snapshot and the removal of what it covers, a covered segment brought back torn, damage in a
// segment that is not the last, and damage in the last segment with whole records after it
// (refused, not cut).

import { describe, expect, it } from "vitest";
import { Bank, type TransferInstruction } from "../../src/index.js";
import { CorruptDataError, StoreFailedError } from "../../src/store/errors.js";
import { FileStore, type FileStoreOptions } from "../../src/store/file-store.js";
import { readRecord } from "../../src/store/record-reader.js";
import { RECORD_HEADER_BYTES } from "../../src/store/records.js";
import { SEGMENT_HEADER_BYTES } from "../../src/store/segments.js";
import { MemoryFiles } from "./memory-files.js";

const DATA = "/data";
const CLOCK_MS = 1_700_000_000_000;

function open(files: MemoryFiles, options: Partial<FileStoreOptions> = {}): Promise<Bank> {
  return Bank.open({ clock: () => CLOCK_MS, store: new FileStore({ dataDir: DATA, files, ...options }) });
}

/** Every account with its balance and whole history. */
function everything(bank: Bank): unknown {
  return bank.listAccounts().map((account) => ({
    name: account.name,
    balanceMinor: account.balanceMinor,
    history: account.getTransactionHistory().map((transaction) => transaction.toJSON()),
  }));
}

function segments(files: MemoryFiles): string[] {
  return files.names().filter((name) => name.endsWith(".log")).map((name) => `${DATA}/${name}`);
}

/** Where each record of a segment starts. */
async function recordOffsets(files: MemoryFiles, file: string): Promise<number[]> {
  const bytes = Buffer.from(await files.read(file));
  const offsets: number[] = [];
  for (let offset = SEGMENT_HEADER_BYTES; offset < bytes.length;) {
    const record = readRecord(bytes, offset);
    if (typeof record === "string") throw new Error(`${file} at ${offset}: ${record}`);
    offsets.push(offset);
    offset = record.end;
  }
  return offsets;
}

/** A bank of two accounts whose journal spans several small segments (and no snapshot). */
async function severalSegments(files: MemoryFiles): Promise<{ bank: Bank; names: string[] }> {
  const bank = await open(files, { segmentBytesMax: 600, snapshotBytesMin: 1_000_000_000 });
  bank.createAccount("alice", 1_000);
  bank.createAccount("bob");
  for (let turn = 0; turn < 40; turn++) {
    bank.transfer("alice", "bob", 1);
    bank.deposit("bob", 2);
    await bank.sync();
  }
  const names = segments(files);
  expect(names.length).toBeGreaterThanOrEqual(3);
  return { bank, names };
}

async function refusal(files: MemoryFiles): Promise<CorruptDataError> {
  const error = await open(files).then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CorruptDataError);
  return error as CorruptDataError;
}

describe("a disk that fills part-way through a big batch's write", () => {
  it("when the write fails, the batch is never acknowledged; after a restart it is absent, and its key applies it once", async () => {
    const files = new MemoryFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 100_000);
    bank.createAccount("bob", 100_000);
    await bank.sync();
    const before = everything(bank);
    const batch: TransferInstruction[] = Array.from({ length: 3_000 }, (_, index) =>
      index % 2 === 0 ? { sender: "alice", recipient: "bob", amount: 1 } : { sender: "bob", recipient: "alice", amount: 2 });
    files.spaceBytes = 10_000;
    bank.transferBatch(batch, { idempotencyKey: "big-1" });
    const error = await bank.sync().then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreFailedError);
    expect((error as Error).message).toMatch(/ENOSPC/);
    expect(failures).toEqual([error]);

    // Killed with what reached the disk: 10,000 bytes of the batch's write, which recovery cuts.
    files.crash((_file, unsynced) => unsynced);
    files.spaceBytes = null;
    const notices: string[] = [];
    const again = await open(files, { onNotice: (notice) => notices.push(notice) });
    expect(everything(again)).toEqual(before);
    expect(notices).toEqual([expect.stringMatching(/^cut 10000 bytes at offset \d+ of journal-\d{16}\.log/)]);
    const applied = again.transferBatch(batch, { idempotencyKey: "big-1" });
    expect(applied.applied).toBe(3_000);
    expect(again.transferBatch(batch, { idempotencyKey: "big-1" })).toEqual(applied);
    await again.sync();
    expect(again.getAccount("alice").historyLength).toBe(3_001);
    expect(again.getAccount("alice").balance).toBe(100_000 + 1_500 * 2 - 1_500);
    await again.close();
  });
});

describe("a directory fsync that fails when a new segment is made", () => {
  it("when it fails, the store stops and acknowledges nothing more; after a crash the new segment is gone and what was written whole is back", async () => {
    const files = new MemoryFiles();
    const failures: StoreFailedError[] = [];
    const bank = await open(files, { segmentBytesMax: 400, onFailure: (error) => failures.push(error) });
    bank.createAccount("alice", 1_000);
    await bank.sync();
    files.failDirectorySync = "EIO";
    let acknowledged = 0;
    let error: unknown = null;
    for (let turn = 0; turn < 50 && error === null; turn++) {
      bank.deposit("alice", 1);
      error = await bank.sync().then(() => null, (caught: unknown) => caught);
      if (error === null) acknowledged++;
    }
    expect(error).toBeInstanceOf(StoreFailedError);
    expect(failures).toEqual([error]);
    expect(segments(files)).toHaveLength(2);
    const written = everything(bank);
    expect(() => bank.deposit("alice", 1)).toThrow(StoreFailedError);

    files.crash();
    // The new segment's name never reached the disk; the deposit that filled the old one did, whole.
    expect(segments(files)).toHaveLength(1);
    const again = await open(files);
    expect(again.getAccount("alice").balance).toBe(1_000 + acknowledged + 1);
    expect(everything(again)).toEqual(written);
    again.deposit("alice", 1);
    await again.sync();
    files.crash();
    expect((await open(files)).getAccount("alice").balance).toBe(1_000 + acknowledged + 2);
  });
});

/** Crashes when the store lists the directory once a snapshot has landed: before it removes what the snapshot covers. */
class CrashAfterSnapshot extends MemoryFiles {
  armed = false;
  crashed = false;

  override async list(directory: string): Promise<string[]> {
    if (!this.armed || !this.names().some((name) => name.endsWith(".snap"))) return super.list(directory);
    this.armed = false;
    this.crashed = true;
    this.crash();
    return new Promise(() => undefined);
  }
}

describe("a crash between a snapshot and the removal of the segments it covers", () => {
  it("when the covered segment's tail was not yet durable, the bank starts from the snapshot, and again after more changes", async () => {
    const files = new CrashAfterSnapshot();
    const bank = await open(files, { snapshotBytesMin: 2_000 });
    bank.createAccount("alice", 1_000);
    bank.createAccount("bob");
    await bank.sync();
    // The fsyncs of the segment hang: its tail is lost in the crash, the snapshot (synced) is not.
    files.holdSyncs = true;
    files.armed = true;
    for (let turn = 0; turn < 200 && !files.crashed; turn++) {
      bank.transfer("alice", "bob", 1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(files.crashed).toBe(true);
    const snapshotted = everything(bank);

    const again = await open(files);
    expect(everything(again)).toEqual(snapshotted);
    again.transfer("bob", "alice", 5);
    await again.sync();
    const synced = everything(again);
    files.crash();
    const third = await open(files);
    expect(everything(third)).toEqual(synced);
    await third.close();
  });
});

/** Files whose removals of segments a power cut undoes: `bringBack` puts each removed segment back, torn. */
class LostRemovals extends MemoryFiles {
  private readonly removed = new Map<string, { bytes: Uint8Array; synced: number }>();

  override async remove(file: string): Promise<void> {
    const memory = this.files.get(file);
    if (memory !== undefined && file.endsWith(".log")) this.removed.set(file, { bytes: memory.bytes.slice(0, memory.length), synced: memory.synced });
    return super.remove(file);
  }

  get removedCount(): number {
    return this.removed.size;
  }

  /** Each removed segment is back with what its fsyncs made durable and `tornBytes` of what followed. */
  bringBack(tornBytes: number): void {
    for (const [file, { bytes, synced }] of this.removed) {
      const length = Math.min(bytes.length, synced + tornBytes);
      this.files.set(file, { bytes: bytes.slice(0, length), length, synced: length });
    }
    this.removed.clear();
  }
}

describe("a segment a snapshot covers, brought back torn by a power cut", () => {
  it("when its removal was lost and its tail torn mid-group, the bank starts from the snapshot without reading it", async () => {
    const files = new LostRemovals();
    const bank = await open(files, { snapshotBytesMin: 2_000 });
    bank.createAccount("alice", 1_000);
    bank.createAccount("bob");
    await bank.sync();
    // The segment's fsyncs hang: the snapshot holds changes its segment never made durable.
    files.holdSyncs = true;
    for (let turn = 0; turn < 200 && files.removedCount === 0; turn++) {
      bank.transfer("alice", "bob", 1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(files.removedCount).toBe(1);
    const snapshotted = everything(bank);
    files.crash();
    files.bringBack(30);

    const again = await open(files);
    expect(everything(again)).toEqual(snapshotted);
    again.transfer("bob", "alice", 5);
    await again.sync();
    const synced = everything(again);
    files.crash();
    expect(everything(await open(files))).toEqual(synced);
  });
});

describe("damage in the journal", () => {
  it("when a record in the middle of a segment that is not the last is damaged, the bank refuses to start, naming the file and the record's offset", async () => {
    const files = new MemoryFiles();
    const { names } = await severalSegments(files);
    files.crash();
    const file = names[0] as string;
    const offsets = await recordOffsets(files, file);
    const middle = offsets[Math.floor(offsets.length / 2)] as number;
    files.corrupt(file, middle + RECORD_HEADER_BYTES);
    const error = await refusal(files);
    expect([error.file, error.offset, error.reason]).toEqual([file, middle, "bad checksum"]);
    expect(error.message).toBe(`Damaged data in ${file} at offset ${middle}: bad checksum. The bank will not start on it; restore the data directory from a backup`);
  });

  it("when a segment that is not the last is cut short, that is damage, not a torn write: the bank refuses to start", async () => {
    const files = new MemoryFiles();
    const { names } = await severalSegments(files);
    files.crash();
    const file = names[1] as string;
    const offsets = await recordOffsets(files, file);
    const length = (await files.read(file)).length;
    await files.truncate(file, length - 3);
    const error = await refusal(files);
    expect([error.file, error.offset, error.reason]).toEqual([file, offsets[offsets.length - 1], "truncated"]);
  });

  it("when a record of the last segment is damaged and whole records follow it, the bank refuses to start and cuts nothing", async () => {
    const files = new MemoryFiles();
    const { names } = await severalSegments(files);
    files.crash();
    const file = names[names.length - 1] as string;
    const offsets = await recordOffsets(files, file);
    expect(offsets.length).toBeGreaterThan(1);
    const damaged = offsets[0] as number;
    files.corrupt(file, damaged + RECORD_HEADER_BYTES);
    const bytes = await files.read(file);
    const error = await refusal(files);
    expect([error.file, error.offset, error.reason]).toEqual([file, damaged, "bad checksum"]);
    // Refused again, with the same bytes: nothing of the file was cut.
    expect(await files.read(file)).toEqual(bytes);
    expect((await refusal(files)).offset).toBe(damaged);
  });
});
