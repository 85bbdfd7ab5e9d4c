// Recovery against data directories made by hand, record by record: each kind of damage a journal
// segment or a snapshot can hold is refused, naming the file, the offset and why, and the leftovers
// of an interrupted snapshot are cleaned up. Records are encoded with the journal's own writer, so
// their checksums are right unless a test breaks one.

import { describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { EntryKind, ledgerOf, NONE } from "../../src/core/internal.js";
import type { EntryColumns } from "../../src/core/journal.js";
import { crc32c } from "../../src/store/crc32c.js";
import { CorruptDataError } from "../../src/store/errors.js";
import { FileStore } from "../../src/store/file-store.js";
import { RecordBuffer, RECORD_BYTES_MAX } from "../../src/store/records.js";
import { segmentHeader, segmentName, snapshotName, SEGMENT_HEADER_BYTES } from "../../src/store/segments.js";
import { captureSnapshot, encodeSnapshot, loadSnapshot, type SnapshotState } from "../../src/store/snapshot.js";
import { MemoryFiles } from "./memory-files.js";

const DATA = "/data";
const T = 1_700_000_000_000;

function open(files: MemoryFiles, notices: string[] = []): Promise<Bank> {
  return Bank.open({ clock: () => T, store: new FileStore({ dataDir: DATA, files, onNotice: (notice) => notices.push(notice) }) });
}

async function put(files: MemoryFiles, name: string, bytes: Uint8Array): Promise<string> {
  const file = `${DATA}/${name}`;
  await files.writeAtomically(file, [bytes]);
  return file;
}

/** Records encoded one after another, each remembered by where it starts in the segment. */
class Segment {
  readonly buffer = new RecordBuffer();
  private sequence: number;
  readonly offsets: number[] = [];

  constructor(readonly first: number) {
    this.sequence = first;
  }

  private next(): number {
    this.offsets.push(SEGMENT_HEADER_BYTES + this.buffer.length);
    return this.sequence++;
  }

  opened(account: number, name: string, balanceMinor: number): this {
    this.buffer.opened(this.next(), account, name, balanceMinor, T);
    return this;
  }

  moved(kind: number, debit: number, credit: number, amountMinor: number): this {
    this.buffer.moved(this.next(), kind, debit, credit, amountMinor, T);
    return this;
  }

  commit(): this {
    this.buffer.commit(this.next());
    return this;
  }

  /** Skips a sequence number, as a journal missing a record would. */
  skip(): this {
    this.sequence++;
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat([segmentHeader(this.first), this.buffer.view()]);
  }
}

/** A snapshot at `sequence` of alice (100.00) and bob, just opened. */
function twoAccountsSnapshot(sequence: number): Buffer {
  const opened: EntryColumns = {
    count: 2,
    kind: Uint8Array.from([EntryKind.Opened, EntryKind.Opened]),
    debitAccount: Uint32Array.from([NONE, NONE]),
    creditAccount: Uint32Array.from([0, 1]),
    debitBalanceAfterMinor: Float64Array.from([0, 0]),
    creditBalanceAfterMinor: Float64Array.from([10_000, 0]),
  };
  const state: SnapshotState = {
    sequence, names: ["alice", "bob"], entryCount: 2, columns: [opened], times: { starts: Uint32Array.from([0]), timesMs: Float64Array.from([T]) }, scopes: [],
  };
  return Buffer.concat([...encodeSnapshot(state)]);
}

/** alice (100.00) and bob, opened in one group: sequence numbers 1 to 3. */
const twoAccounts = (first = 1) => new Segment(first).opened(0, "alice", 10_000).opened(1, "bob", 0).commit();

async function refusal(files: MemoryFiles): Promise<CorruptDataError> {
  const error = await open(files).then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CorruptDataError);
  return error as CorruptDataError;
}

async function expectRefused(files: MemoryFiles, file: string, offset: number, reason: string): Promise<void> {
  const error = await refusal(files);
  expect([error.file, error.offset, error.reason]).toEqual([file, offset, reason]);
}

/** A record of `kind` around `payload`, sealed with its checksum. */
function record(sequence: number, kind: number, payload: Buffer): Buffer {
  const bytes = Buffer.alloc(17 + payload.length);
  bytes.writeUInt32LE(bytes.length - 4, 0);
  bytes.writeUInt32LE(sequence, 8);
  bytes[16] = kind;
  payload.copy(bytes, 17);
  reseal(bytes, 0);
  return bytes;
}

/** Seals the record at `start` again with a right checksum, after a test has changed it. */
function reseal(bytes: Buffer, start: number): void {
  const end = start + 4 + bytes.readUInt32LE(start);
  bytes.writeUInt32LE(crc32c(bytes, start + 8, end, crc32c(bytes, start, start + 4)), start + 4);
}

describe("recovery of journal segments made by hand", () => {
  it("when the records are whole, they are replayed", async () => {
    const files = new MemoryFiles();
    await put(files, segmentName(1), twoAccounts().moved(EntryKind.Transfer, 0, 1, 2_500).commit().bytes());
    const bank = await open(files);
    expect(bank.listAccounts().map((account) => [account.name, account.balance])).toEqual([["alice", 75], ["bob", 25]]);
  });

  it("when a segment is not a segment, the start is refused at offset 0", async () => {
    const files = new MemoryFiles();
    const bytes = twoAccounts().bytes();
    bytes.write("NOTAJRNL", 0, "latin1");
    const file = await put(files, segmentName(1), bytes);
    await expectRefused(files, file, 0, "not a journal segment");
  });

  it("when a segment is of another version, the start is refused, naming it", async () => {
    const files = new MemoryFiles();
    const bytes = twoAccounts().bytes();
    bytes.writeUInt32LE(3, 8);
    const file = await put(files, segmentName(1), bytes);
    await expectRefused(files, file, 0, "journal version 3 is not one this bank reads (1 to 2)");
  });

  it("when the last segment is of version 1 and empty (a clean close's), it is removed, and the journal goes on in version 2", async () => {
    const files = new MemoryFiles();
    await put(files, snapshotName(3), twoAccountsSnapshot(3));
    const empty = segmentHeader(4);
    empty.writeUInt32LE(1, 8);
    await put(files, segmentName(4), empty);
    const notices: string[] = [];
    const bank = await open(files, notices);
    expect(notices).toEqual([`removed ${segmentName(4)}, an empty segment of journal version 1; the journal goes on in version 2`]);
    bank.transfer("alice", "bob", 25);
    await bank.sync();
    expect(Buffer.from(await files.read(`${DATA}/${segmentName(4)}`)).readUInt32LE(8)).toBe(2);
    files.crash();
    const again = await open(files);
    expect(again.listAccounts().map((account) => [account.name, account.balance])).toEqual([["alice", 75], ["bob", 25]]);
  });

  it("when a segment is of version 1 (a record for each movement), it is replayed, and new records go to a new segment", async () => {
    const files = new MemoryFiles();
    const moved = (sequence: number, kind: number, debit: number, credit: number, amountMinor: number, reference = "") => {
      const payload = Buffer.alloc(25 + reference.length);
      payload[0] = kind;
      payload.writeUInt32LE(debit, 1);
      payload.writeUInt32LE(credit, 5);
      payload.writeDoubleLE(amountMinor, 9);
      payload.writeDoubleLE(T, 17);
      payload.write(reference, 25, "latin1");
      return record(sequence, 2, payload);
    };
    const v1 = twoAccounts().bytes();
    v1.writeUInt32LE(1, 8);
    const commit = record(6, 4, Buffer.alloc(0));
    await put(files, segmentName(1), Buffer.concat([v1, moved(4, EntryKind.Transfer, 0, 1, 2_500), moved(5, EntryKind.Deposit, NONE, 1, 100, "INV-1"), commit]));
    const bank = await open(files);
    expect(bank.listAccounts().map((account) => [account.name, account.balance])).toEqual([["alice", 75], ["bob", 26]]);
    expect(bank.getAccount("bob").getTransactionHistory().map((entry) => entry.reference)).toEqual([null, null, "INV-1"]);
    bank.deposit("alice", 1);
    await bank.sync();
    expect(files.names().filter((name) => name.endsWith(".log"))).toEqual([segmentName(1), segmentName(7)]);
    await bank.close();
    const again = await open(files);
    expect(again.getAccount("alice").balance).toBe(76);
  });

  it("when a segment's header is cut short but it is not the last, that is damage", async () => {
    const files = new MemoryFiles();
    const file = await put(files, segmentName(1), twoAccounts().bytes().subarray(0, 10));
    await put(files, segmentName(4), new Segment(4).bytes());
    await expectRefused(files, file, 0, "the segment's header is cut short");
  });

  it("when a segment's header names another first record than its file name, the start is refused", async () => {
    const files = new MemoryFiles();
    const file = await put(files, segmentName(2), twoAccounts().bytes());
    await expectRefused(files, file, 16, "the segment's first sequence number is not its name's");
  });

  it("when records between two segments are missing, the start is refused, naming them", async () => {
    const files = new MemoryFiles();
    await put(files, segmentName(1), twoAccounts().bytes());
    const file = await put(files, segmentName(9), new Segment(9).moved(EntryKind.Deposit, NONE, 0, 1).commit().bytes());
    await expectRefused(files, file, 16, "records 4 to 8 are missing");
  });

  it("when a record's sequence number skips one, the start is refused at that record", async () => {
    const files = new MemoryFiles();
    const segment = twoAccounts().skip().moved(EntryKind.Deposit, NONE, 0, 1).commit();
    const file = await put(files, segmentName(1), segment.bytes());
    await expectRefused(files, file, segment.offsets[3] as number, "sequence number 5 where 4 was due");
  });

  it("when a segment that is not the last ends in a group without its commit, the start is refused where the group begins", async () => {
    const files = new MemoryFiles();
    const segment = twoAccounts().moved(EntryKind.Deposit, NONE, 0, 1);
    const file = await put(files, segmentName(1), segment.bytes());
    await put(files, segmentName(5), new Segment(5).bytes());
    await expectRefused(files, file, segment.offsets[3] as number, "a group of records is not committed");
  });

  it("when a record has a kind the format does not know, and records follow, the start is refused", async () => {
    const files = new MemoryFiles();
    const segment = twoAccounts().commit().moved(EntryKind.Deposit, NONE, 0, 1).commit();
    const bytes = segment.bytes();
    const unknown = segment.offsets[3] as number;
    bytes[unknown + 16] = 9;
    reseal(bytes, unknown);
    const file = await put(files, segmentName(1), bytes);
    await expectRefused(files, file, unknown, "unknown kind");
  });

  it("when a record's length is impossible, and records follow, the start is refused", async () => {
    const files = new MemoryFiles();
    const segment = twoAccounts().moved(EntryKind.Deposit, NONE, 0, 1).commit();
    const bytes = segment.bytes();
    bytes.writeUInt32LE(3, segment.offsets[1] as number);
    const file = await put(files, segmentName(1), bytes);
    await expectRefused(files, file, segment.offsets[1] as number, "bad length");
  });

  it.each<[string, (segment: Segment) => Segment, string]>([
    ["opens an account that is open already", (segment) => segment.opened(0, "alice", 1).commit(), "record 4 opens account 0 again"],
    ["moves money of an account that does not exist", (segment) => segment.moved(EntryKind.Transfer, 0, 7, 1).commit(), "record 4 is not a movement of known accounts"],
    ["moves no money", (segment) => segment.moved(EntryKind.Deposit, NONE, 0, 0).commit(), "record 4 is not a movement of known accounts"],
    ["moves more than its account holds", (segment) => segment.moved(EntryKind.Withdrawal, 1, NONE, 1).commit(), "record 4 moves more than its account holds"],
  ])("when a whole, checksummed record %s, the start is refused at the end of its group", async (_case, damage, reason) => {
    const files = new MemoryFiles();
    const segment = damage(twoAccounts());
    const bytes = segment.bytes();
    const file = await put(files, segmentName(1), bytes);
    await expectRefused(files, file, bytes.length, reason);
  });

  it("when a record would be over the size limit, the journal's writer refuses to encode it", () => {
    expect(() => new RecordBuffer().scoped(1, "big", new Uint8Array(RECORD_BYTES_MAX))).toThrow(RangeError);
  });

  it("when a snapshot was cut off while it was written, its temporary file is removed, with a notice", async () => {
    const files = new MemoryFiles();
    await put(files, segmentName(1), twoAccounts().bytes());
    await put(files, `${snapshotName(3)}.tmp`, Buffer.from("half a snapshot"));
    const notices: string[] = [];
    const bank = await open(files, notices);
    expect(notices).toEqual([`removed ${snapshotName(3)}.tmp, a snapshot cut off while it was written`]);
    expect(files.names()).not.toContain(`${snapshotName(3)}.tmp`);
    expect(bank.listAccounts()).toHaveLength(2);
  });

  it("when a snapshot falls in the middle of a segment, only the records after it are replayed", async () => {
    const files = new MemoryFiles();
    await put(files, snapshotName(3), twoAccountsSnapshot(3));
    await put(files, segmentName(1), twoAccounts().moved(EntryKind.Deposit, NONE, 1, 250).commit().bytes());
    const bank = await open(files);
    expect(bank.listAccounts().map((account) => [account.name, account.balanceMinor, account.historyLength])).toEqual([["alice", 10_000, 1], ["bob", 250, 2]]);
  });

  it("when a record runs across the snapshot's sequence number, as no writer leaves one, the start is refused", async () => {
    const files = new MemoryFiles();
    await put(files, snapshotName(4), twoAccountsSnapshot(4));
    // Movements 4 and 5 in one record: the snapshot at 4 would have to hold half of it.
    const segment = twoAccounts().moved(EntryKind.Deposit, NONE, 1, 250).moved(EntryKind.Deposit, NONE, 1, 250).commit();
    const file = await put(files, segmentName(1), segment.bytes());
    await expectRefused(files, file, segment.offsets[3] as number, "record 4 runs past the snapshot's sequence number");
  });

  it("when a snapshot's name and the sequence number it holds differ, the start is refused", async () => {
    const files = new MemoryFiles();
    const bank = await open(files);
    bank.createAccount("alice", 1);
    await bank.close();
    const name = files.names().find((found) => found.endsWith(".snap")) as string;
    const bytes = await files.read(`${DATA}/${name}`);
    await files.remove(`${DATA}/${name}`);
    const file = await put(files, snapshotName(99), bytes);
    await expectRefused(files, file, 16, "the snapshot's sequence number is not its name's");
  });
});

/** A snapshot of alice (70.00) and bob (30.00) after one transfer, as `encodeSnapshot` writes it. */
function snapshotState(change: Partial<Record<keyof EntryColumns, number[]>> = {}): SnapshotState {
  const column = { kind: [0, 0, 3], debitAccount: [NONE, NONE, 0], creditAccount: [0, 1, 1], debitBalanceAfterMinor: [0, 0, 7_000], creditBalanceAfterMinor: [10_000, 0, 3_000], ...change };
  const columns: EntryColumns = {
    count: 3,
    kind: Uint8Array.from(column.kind),
    debitAccount: Uint32Array.from(column.debitAccount),
    creditAccount: Uint32Array.from(column.creditAccount),
    debitBalanceAfterMinor: Float64Array.from(column.debitBalanceAfterMinor),
    creditBalanceAfterMinor: Float64Array.from(column.creditBalanceAfterMinor),
  };
  return {
    sequence: 7,
    names: ["alice", "bob"],
    entryCount: 3,
    columns: [columns],
    times: { starts: Uint32Array.from([0]), timesMs: Float64Array.from([T]) },
    scopes: [{ name: "scope", entries: [Uint8Array.from([1, 2, 3])] }],
  };
}

function snapshotBytes(state = snapshotState()): Buffer {
  return Buffer.concat([...encodeSnapshot(state)]);
}

function load(bytes: Buffer): ReturnType<typeof loadSnapshot> {
  return loadSnapshot(bytes, "the.snap", ledgerOf(new Bank()));
}

function loadRefusal(bytes: Buffer): CorruptDataError {
  try {
    load(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(CorruptDataError);
    return error as CorruptDataError;
  }
  throw new Error("expected the snapshot to be refused");
}

/** Where the first section (the names) begins, after the 32-byte header. */
const FIRST_SECTION = 32;

describe("snapshots of a ledger that grows", () => {
  it("when taken one after another, each loads to its own state, and one of the same state again is the same bytes", () => {
    const bank = new Bank();
    bank.createAccount("alice", 1_000_000);
    bank.createAccount("bob");
    const ledger = ledgerOf(bank);
    const taken: { bytes: Buffer; bobMinor: number; entries: number }[] = [];
    // Past the journal's first chunk of 65,536 entries, then within the next.
    for (const transfers of [70_000, 1, 0, 5_000]) {
      for (let index = 0; index < transfers; index++) bank.transfer("alice", "bob", 0.01);
      const bytes = Buffer.concat([...encodeSnapshot(captureSnapshot(ledger, [], taken.length + 1))]);
      taken.push({ bytes, bobMinor: bank.getAccount("bob").balanceMinor, entries: bank.transactionCount });
    }
    expect(taken[2]?.bytes.subarray(32)).toEqual(taken[1]?.bytes.subarray(32));
    for (const { bytes, bobMinor, entries } of taken) {
      const loaded = new Bank();
      loadSnapshot(bytes, "the.snap", ledgerOf(loaded));
      expect([loaded.getAccount("bob").balanceMinor, loaded.transactionCount]).toEqual([bobMinor, entries]);
    }
  });
});

describe("snapshots of holds", () => {
  it("when a hold's creating entry has no note (it has no reference), or has one as snapshots of before wrote, it loads as the next hold", () => {
    const bank = new Bank({ clock: () => T });
    bank.createAccount("alice", 100);
    bank.createAccount("bob");
    bank.hold("alice", "bob", 30);
    bank.hold("alice", "bob", 5, { reference: "order-2" }).post();
    const state = captureSnapshot(ledgerOf(bank), [], 5);
    expect([...(state.notes?.positions ?? [])]).toEqual([3, 4]);
    const noted: SnapshotState = { ...state, notes: { positions: Uint32Array.from([2, 3, 4]), holds: Uint32Array.from([1, 2, 2]), references: Uint32Array.from([0, 1, 1]) } };
    for (const taken of [state, noted]) {
      const loaded = new Bank({ clock: () => T });
      loadSnapshot(Buffer.concat([...encodeSnapshot(taken)]), "the.snap", ledgerOf(loaded));
      expect([loaded.getAccount("alice").available, loaded.getHold(1).status, loaded.getHold(2).reference]).toEqual([65, "pending", "order-2"]);
      expect(loaded.getAccount("alice").getTransactionHistory().map((entry) => [entry.type, entry.holdId, entry.reference])).toEqual([
        ["account_opened", null, null], ["hold_created", 1, null], ["hold_created", 2, "order-2"], ["hold_posted", 2, "order-2"],
      ]);
    }
  });
});

describe("loading snapshots made by hand", () => {
  it("when whole, it loads, wherever in memory its bytes lie", () => {
    const bytes = snapshotBytes();
    const unaligned = Buffer.alloc(bytes.length + 1);
    bytes.copy(unaligned, 1);
    const ledger = ledgerOf(new Bank());
    const loaded = loadSnapshot(unaligned.subarray(1), "the.snap", ledger);
    expect(loaded.sequence).toBe(7);
    expect([...loaded.scopes]).toEqual([["scope", [Buffer.from([1, 2, 3])]]]);
    expect([ledger.balanceMinorAt(0), ledger.balanceMinorAt(1)]).toEqual([7_000, 3_000]);
  });

  it.each<[string, (bytes: Buffer) => Buffer, number, string]>([
    ["is too short to be a snapshot", (bytes) => bytes.subarray(0, 20), 0, "not a snapshot"],
    ["is of another version", (bytes) => (bytes.writeUInt32LE(2, 8), bytes), 8, "snapshot version 2 is not 1"],
    ["ends after its header", (bytes) => bytes.subarray(0, FIRST_SECTION), FIRST_SECTION, "the snapshot ends early"],
    ["has a section longer than the file", (bytes) => (bytes.writeDoubleLE(1e9, FIRST_SECTION + 8), bytes), FIRST_SECTION, "a section runs past the end of the snapshot"],
    ["has a section whose bytes changed", (bytes) => (bytes.writeUInt8(bytes.readUInt8(FIRST_SECTION + 20) ^ 0xff, FIRST_SECTION + 20), bytes), FIRST_SECTION, "a section's checksum does not match"],
    ["has a section of a kind the format does not know", (bytes) => (bytes.writeUInt32LE(77, FIRST_SECTION), bytes), FIRST_SECTION, "unknown section 77"],
    ["counts more entries than its sections hold", (bytes) => (bytes.writeDoubleLE(4, 24), bytes), FIRST_SECTION, "the snapshot's sections do not add up"],
  ])("when the file %s, it is refused, naming the offset", (_case, damage, offset, reason) => {
    const error = loadRefusal(damage(snapshotBytes()));
    expect([error.file, error.offset, error.reason]).toEqual(["the.snap", offset, reason]);
  });

  it.each<[string, Partial<Record<keyof EntryColumns, number[]>>, string]>([
    ["opens an account it has no name for", { creditAccount: [0, 5, 1] }, "entry 1 opens an unknown account"],
    ["is of a kind the ledger does not know", { kind: [0, 0, 9] }, "entry 2 is not a movement of known accounts"],
    ["moves money between one account and itself", { creditAccount: [0, 1, 0] }, "entry 2 is not a movement of known accounts"],
    ["moves no money", { debitBalanceAfterMinor: [0, 0, 10_000] }, "entry 2 moves no money"],
    ["holds balances that do not follow from the ones before", { creditBalanceAfterMinor: [10_000, 0, 2_999] }, "entry 2's balances do not follow from the ones before"],
  ])("when an entry %s, the snapshot is refused", (_case, change, reason) => {
    expect(loadRefusal(snapshotBytes(snapshotState(change))).reason).toBe(reason);
  });
});
