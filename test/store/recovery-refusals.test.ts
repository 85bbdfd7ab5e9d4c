// Recovery refusing what it must not guess at, each with the file and offset: a segment whose
// header or sequence numbers do not follow, a group left open in a segment that is not the last,
// records that are not movements the ledger could have made, and snapshots that are not whole.

import { describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { CorruptDataError } from "../../src/store/errors.js";
import { FileStore } from "../../src/store/file-store.js";
import { EntryKind, NONE } from "../../src/core/journal.js";
import { RecordBuffer } from "../../src/store/records.js";
import { crc32c } from "../../src/store/crc32c.js";
import { segmentHeader, segmentName, snapshotName } from "../../src/store/segments.js";
import { encodeSnapshot, type SnapshotState } from "../../src/store/snapshot.js";
import { MemoryFiles } from "./memory-files.js";

const DATA = "/data";
const TIME_MS = 1_700_000_000_000;

function open(files: MemoryFiles, notices: string[] = []): Promise<Bank> {
  return Bank.open({ clock: () => TIME_MS, store: new FileStore({ dataDir: DATA, files, onNotice: (notice) => notices.push(notice) }) });
}

/** Writes a segment holding `records` after its header. */
function segment(files: MemoryFiles, first: number, records: (buffer: RecordBuffer) => void): string {
  const buffer = new RecordBuffer();
  records(buffer);
  const file = `${DATA}/${segmentName(first)}`;
  const handle = files.openAppend(file);
  handle.write(segmentHeader(first));
  handle.write(buffer.view());
  void handle.sync();
  return file;
}

async function refusal(files: MemoryFiles): Promise<CorruptDataError> {
  const error = await open(files).then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CorruptDataError);
  return error as CorruptDataError;
}

describe("recovery refuses damage it cannot cut off", () => {
  it("when a segment that is not the last ends in a group never committed, refuses", async () => {
    const files = new MemoryFiles();
    const file = segment(files, 1, (buffer) => buffer.opened(1, 0, "alice", 100, TIME_MS));
    segment(files, 2, (buffer) => buffer.commit(2));
    const error = await refusal(files);
    expect(error.file).toBe(file);
    expect(error.reason).toBe("a group of records is not committed");
  });

  it("when records are missing between two segments, refuses naming the gap", async () => {
    const files = new MemoryFiles();
    segment(files, 1, (buffer) => {
      buffer.opened(1, 0, "alice", 100, TIME_MS);
      buffer.commit(2);
    });
    const file = segment(files, 5, (buffer) => buffer.commit(5));
    const error = await refusal(files);
    expect(error.file).toBe(file);
    expect(error.reason).toBe("records 3 to 4 are missing");
  });

  it("when a record's sequence number is not the next, refuses even in the last segment", async () => {
    const files = new MemoryFiles();
    segment(files, 1, (buffer) => {
      buffer.opened(1, 0, "alice", 100, TIME_MS);
      buffer.commit(3);
    });
    expect((await refusal(files)).reason).toBe("sequence number 3 where 2 was due");
  });

  it("when a segment's name and header disagree, or its header is not a segment's, refuses", async () => {
    const files = new MemoryFiles();
    const file = `${DATA}/${segmentName(1)}`;
    files.openAppend(file).write(segmentHeader(9));
    expect((await refusal(files)).reason).toBe("the segment's first sequence number is not its name's");
    const other = new MemoryFiles();
    other.openAppend(file).write(Buffer.alloc(30, 1));
    expect((await refusal(other)).reason).toBe("not a journal segment");
  });

  it("when the last segment was cut off before its header was whole, it is removed and the bank opens", async () => {
    const files = new MemoryFiles();
    segment(files, 1, (buffer) => {
      buffer.opened(1, 0, "alice", 100, TIME_MS);
      buffer.commit(2);
    });
    files.openAppend(`${DATA}/${segmentName(3)}`).write(segmentHeader(3).subarray(0, 10));
    const notices: string[] = [];
    const bank = await open(files, notices);
    expect(bank.getAccount("alice").balance).toBe(1);
    expect(notices).toEqual(["removed journal-0000000000000003.log, a segment cut off while it was created"]);
    await bank.close();
  });

  it.each<[string, (buffer: RecordBuffer) => void, RegExp]>([
    ["an account opened twice", (buffer) => { buffer.opened(1, 0, "alice", 1, TIME_MS); buffer.opened(2, 0, "alice", 1, TIME_MS); buffer.commit(3); }, /opens account 0 again/],
    ["a deposit to no account", (buffer) => { buffer.moved(1, EntryKind.Deposit, NONE, 4, 1, TIME_MS); buffer.commit(2); }, /is not a movement of known accounts/],
    ["a transfer of nothing", (buffer) => { buffer.opened(1, 0, "a", 1, TIME_MS); buffer.opened(2, 1, "b", 1, TIME_MS); buffer.moved(3, EntryKind.Transfer, 0, 1, 0, TIME_MS); buffer.commit(4); }, /is not a movement of known accounts/],
    ["a withdrawal of more than the balance", (buffer) => { buffer.opened(1, 0, "a", 1, TIME_MS); buffer.moved(2, EntryKind.Withdrawal, 0, NONE, 500, TIME_MS); buffer.commit(3); }, /moves more than its account holds/],
  ])("when a committed record is %s, refuses", async (_case, records, reason) => {
    const files = new MemoryFiles();
    segment(files, 1, records);
    expect((await refusal(files)).reason).toMatch(reason);
  });
});

describe("recovery refuses a snapshot that is not whole", () => {
  /** A real snapshot of a small bank, and its file. */
  async function snapshotted(): Promise<{ files: MemoryFiles; file: string; bytes: Buffer }> {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 10);
    bank.createAccount("bob");
    bank.transfer("alice", "bob", 3);
    bank.deposit("bob", 1);
    await bank.close();
    const name = files.names().find((candidate) => candidate.endsWith(".snap")) as string;
    const file = `${DATA}/${name}`;
    return { files, file, bytes: Buffer.from(await files.read(file)) };
  }

  function replace(files: MemoryFiles, file: string, bytes: Uint8Array): void {
    files.files.set(file, { bytes: Uint8Array.from(bytes), length: bytes.length, synced: bytes.length });
  }

  it("when it is cut short, refuses", async () => {
    const { files, file, bytes } = await snapshotted();
    replace(files, file, bytes.subarray(0, bytes.length - 16));
    expect((await refusal(files)).reason).toBe("the snapshot ends early");
  });

  it("when it is not a snapshot, or of another version, refuses", async () => {
    const { files, file, bytes } = await snapshotted();
    const other = Buffer.from(bytes);
    other.write("NOTASNAP", 0, "latin1");
    replace(files, file, other);
    expect((await refusal(files)).reason).toBe("not a snapshot");
    const later = Buffer.from(bytes);
    later.writeUInt32LE(2, 8);
    replace(files, file, later);
    expect((await refusal(files)).reason).toBe("snapshot version 2 is not 1");
  });

  it("when its name's sequence number is not the one inside, refuses", async () => {
    const { files, file, bytes } = await snapshotted();
    files.files.delete(file);
    replace(files, `${DATA}/${snapshotName(99)}`, bytes);
    expect((await refusal(files)).reason).toBe("the snapshot's sequence number is not its name's");
  });

  it("when a section's length runs past the end, refuses", async () => {
    const { files, file, bytes } = await snapshotted();
    const broken = Buffer.from(bytes);
    broken.writeDoubleLE(1e9, 32 + 8);
    replace(files, file, broken);
    expect((await refusal(files)).reason).toBe("a section runs past the end of the snapshot");
  });
});

describe("recovery from a snapshot written by hand", () => {
  /** A snapshot of the given entries, at `sequence`, as the store would write it. */
  async function withSnapshot(state: Partial<SnapshotState>, extra: Uint8Array[] = []): Promise<MemoryFiles> {
    const files = new MemoryFiles();
    const full: SnapshotState = {
      sequence: 3,
      names: ["alice"],
      entryCount: 1,
      columns: [columns([[EntryKind.Opened, NONE, 0, 0, 100]])],
      times: { starts: Uint32Array.of(0), timesMs: Float64Array.of(TIME_MS) },
      scopes: [],
      ...state,
    };
    await files.writeAtomically(`${DATA}/${snapshotName(full.sequence)}`, [...encodeSnapshot(full), ...extra]);
    return files;
  }

  function columns(rows: [number, number, number, number, number][]): SnapshotState["columns"][number] {
    return {
      count: rows.length,
      kind: Uint8Array.from(rows, ([kind]) => kind),
      debitAccount: Uint32Array.from(rows, ([, debit]) => debit),
      creditAccount: Uint32Array.from(rows, ([, , credit]) => credit),
      debitBalanceAfterMinor: Float64Array.from(rows, ([, , , debitAfter]) => debitAfter),
      creditBalanceAfterMinor: Float64Array.from(rows, ([, , , , creditAfter]) => creditAfter),
    };
  }

  it("when it is whole, the bank opens from it alone", async () => {
    const bank = await open(await withSnapshot({}));
    expect(bank.getAccount("alice").balanceMinor).toBe(100);
    await bank.close();
  });

  it.each<[string, Partial<SnapshotState>, RegExp]>([
    ["its entry counts disagree", { entryCount: 2 }, /sections do not add up/],
    ["an entry opens an account it has no name for", { names: [] }, /opens an unknown account/],
    ["an entry moves money of no account", { entryCount: 2, columns: [columns([[EntryKind.Opened, NONE, 0, 0, 100], [EntryKind.Deposit, NONE, 5, 0, 1]])] }, /is not a movement of known accounts/],
    ["an entry moves no money", { entryCount: 2, columns: [columns([[EntryKind.Opened, NONE, 0, 0, 100], [EntryKind.Deposit, NONE, 0, 0, 100]])] }, /moves no money/],
    ["an entry's balances do not follow", { names: ["a", "b"], entryCount: 3, columns: [columns([[EntryKind.Opened, NONE, 0, 0, 100], [EntryKind.Opened, NONE, 1, 0, 0], [EntryKind.Transfer, 0, 1, 90, 7]])] }, /balances do not follow/],
  ])("when %s, refuses", async (_case, state, reason) => {
    expect((await refusal(await withSnapshot(state))).reason).toMatch(reason);
  });

  it("when it has a section of a later version, refuses naming it", async () => {
    const files = await withSnapshot({});
    const file = `${DATA}/${snapshotName(3)}`;
    const bytes = Buffer.from(await files.read(file));
    // A section tagged 77, checksummed, put before the end section (the last 16 bytes).
    const section = Buffer.alloc(16);
    section.writeUInt32LE(77, 0);
    section.writeUInt32LE(crc32c(new Uint8Array(0)), 4);
    const rebuilt = Buffer.concat([bytes.subarray(0, bytes.length - 16), section, bytes.subarray(bytes.length - 16)]);
    files.files.set(file, { bytes: rebuilt, length: rebuilt.length, synced: rebuilt.length });
    const error = await refusal(files);
    expect(error.reason).toBe("unknown section 77");
    expect(error.offset).toBe(bytes.length - 16);
  });

  it("when a segment still holds records the snapshot covers (a crash before it was removed), they are skipped", async () => {
    const files = await withSnapshot({});
    segment(files, 1, (buffer) => {
      buffer.opened(1, 0, "alice", 100, TIME_MS);
      buffer.commit(2);
      buffer.commit(3);
      buffer.moved(4, EntryKind.Deposit, NONE, 0, 5, TIME_MS);
      buffer.commit(5);
    });
    const bank = await open(files);
    expect(bank.getAccount("alice").balanceMinor).toBe(105);
    expect(bank.transactionCount).toBe(2);
    await bank.close();
  });
});
