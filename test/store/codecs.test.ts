// What durable mode writes, read back: every refusal as plain data and again, every kind of kept
// outcome of the bank, kept outcomes restored (and expired ones dropped), the record format's
// refusals, and the ledger's listeners, several at once.

import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  BalanceLimitExceededError,
  Bank,
  BatchRefusedError,
  DuplicateAccountError,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidArgumentError,
  InvalidNameError,
  NegativeAmountError,
  NegativeInitialBalanceError,
  SameAccountError,
  type BankError,
} from "../../src/core/index.js";
import { refusalFromJson, refusalToJson } from "../../src/core/errors.js";
import { IdempotencyStore, ledgerOf, type LedgerListener } from "../../src/core/internal.js";
import { EntryKind, NONE } from "../../src/core/journal.js";
import { outcomeCodec, type Outcome } from "../../src/core/outcome-codec.js";
import { crc32c } from "../../src/store/crc32c.js";
import { readRecord, RecordBytes, type JournalRecord } from "../../src/store/record-reader.js";
import { MOVES_PER_RECORD_MAX, RecordBuffer, RECORD_BYTES_MAX } from "../../src/store/records.js";
import { classify, readSegmentHeader, segmentHeader } from "../../src/store/segments.js";

describe("refusals as plain data", () => {
  const every: BankError[] = [
    new InsufficientFundsError("alice", 3_000, 2_000),
    new AccountNotFoundError("ghost"),
    new NegativeAmountError(),
    new InvalidAmountError("Amount must have at most 2 decimal places"),
    new NegativeInitialBalanceError(),
    new BalanceLimitExceededError("rich", 100_000_000_000_000),
    new DuplicateAccountError("alice"),
    new SameAccountError(),
    new InvalidNameError("Account name cannot be empty"),
    new InvalidArgumentError("Page limit must be an integer from 1 to 1000"),
    new IdempotencyKeyReusedError("k"),
    new BatchRefusedError(3, new InsufficientFundsError("bob", 500, 100)),
  ];

  it.each(every.map((error) => [error.code, error] as const))("when a %s is written and read back, it is the same class, fields and message", (_code, error) => {
    const json = JSON.parse(JSON.stringify(refusalToJson(error)));
    const again = refusalFromJson(json);
    expect(again.constructor).toBe(error.constructor);
    expect(again.message).toBe(error.message);
    expect({ ...again }).toEqual({ ...error });
    if (error instanceof BatchRefusedError) expect((again as BatchRefusedError).refusal).toBeInstanceOf(InsufficientFundsError);
  });

  it("covers every code of the catalogue", () => {
    expect(new Set(every.map((error) => error.code)).size).toBe(12);
  });
});

describe("the bank's kept outcomes as JSON", () => {
  it("when each kind of outcome is encoded and decoded, it comes back equal", () => {
    const bank = new Bank({ clock: () => 5 });
    const alice = bank.createAccount("alice", 100);
    bank.createAccount("bob");
    const transaction = bank.transfer("alice", "bob", 5);
    const batch = bank.transferBatch([{ sender: "alice", recipient: "bob", amount: 1 }, { sender: "bob", recipient: "alice", amount: 99 }], { atomic: false });
    const ledger = ledgerOf(bank);
    const hold = bank.hold("alice", "bob", 2);
    const codec = outcomeCodec(ledger, (index) => bank.getAccount(ledger.nameAt(index)), (id) => bank.getHold(id));
    const round = (outcome: Outcome): Outcome => codec.decode(JSON.parse(JSON.stringify(codec.encode(outcome))));
    expect((round({ ok: true, value: alice }) as { value: unknown }).value).toBe(alice);
    expect(((round({ ok: true, value: transaction }) as { value: { toJSON(): unknown } }).value).toJSON()).toEqual(transaction.toJSON());
    expect((round({ ok: true, value: ["OK", "SAME_ACCOUNT"] }) as { value: unknown }).value).toEqual(["OK", "SAME_ACCOUNT"]);
    expect(((round({ ok: true, value: hold }) as { value: { toJSON(): unknown } }).value).toJSON()).toEqual(hold.toJSON());
    const decodedBatch = (round({ ok: true, value: batch }) as { value: typeof batch }).value;
    expect(decodedBatch.applied).toBe(1);
    expect(decodedBatch.results[0]).toEqual(batch.results[0]);
    expect(decodedBatch.results[1]?.ok === false && decodedBatch.results[1].error.message).toBe("Cannot withdraw 99.00; balance is only 6.00");
    const refusal = round({ ok: false, error: new SameAccountError() });
    expect(refusal.ok === false && refusal.error).toBeInstanceOf(SameAccountError);
  });
});

describe("kept outcomes restored", () => {
  it("when restored, an outcome replays; an expired one is dropped; a later one of the same key wins", () => {
    let now = 1_000;
    const store = new IdempotencyStore<string>({ clock: () => now, ttlMs: 100, sizeOf: (outcome) => outcome.length });
    store.restore({ key: "a", fingerprint: "f", expiresAtMs: 1_050, outcome: "first" });
    store.restore({ key: "gone", fingerprint: "f", expiresAtMs: 1_000, outcome: "expired" });
    store.restore({ key: "a", fingerprint: "f", expiresAtMs: 1_060, outcome: "later" });
    expect(store.size).toBe(1);
    expect(store.outcomeBytes).toBe(5);
    expect(store.begin("a", "f")).toEqual({ kind: "replay", outcome: "later" });
    expect([...store.kept()].map((kept) => kept.outcome)).toEqual(["later"]);
    now = 1_061;
    expect(store.begin("a", "f")).toEqual({ kind: "new" });
  });
});

describe("the ledger's listeners", () => {
  it("when two listen, both are told of every entry in order, and one removed is told no more", () => {
    const bank = new Bank({ clock: () => 7 });
    const ledger = ledgerOf(bank);
    const heard: string[] = [];
    const listener = (name: string): LedgerListener => ({
      opened: (account, accountName) => heard.push(`${name} opened ${account} ${accountName}`),
      moved: (kind, debit, credit, amountMinor) => heard.push(`${name} moved ${kind} ${debit === NONE ? "-" : debit} ${credit === NONE ? "-" : credit} ${amountMinor}`),
      held: (hold, sender, recipient, amountMinor) => heard.push(`${name} held ${hold} ${sender} ${recipient} ${amountMinor}`),
      finished: (hold, end, postedMinor) => heard.push(`${name} ended ${hold} ${end} ${postedMinor}`),
    });
    const first = listener("first");
    const second = listener("second");
    ledger.addListener(first);
    ledger.addListener(second);
    bank.createAccount("alice", 1);
    bank.deposit("alice", 2);
    ledger.removeListener(first);
    bank.withdraw("alice", 1);
    bank.createAccount("bob");
    bank.hold("alice", "bob", 1).post(0.5);
    ledger.removeListener(second);
    ledger.removeListener(second);
    bank.withdraw("alice", 1);
    expect(heard).toEqual([
      "first opened 0 alice", "second opened 0 alice",
      `first moved ${EntryKind.Deposit} - 0 200`, `second moved ${EntryKind.Deposit} - 0 200`,
      `second moved ${EntryKind.Withdrawal} 0 - 100`,
      "second opened 1 bob", "second held 1 0 1 100", "second ended 1 1 50",
    ]);
  });
});

describe("CRC-32C", () => {
  it("when given the test vectors of RFC 3720 and the usual check string, gives their checksums", () => {
    const ascending = Uint8Array.from({ length: 32 }, (_, index) => index);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(ascending)).toBe(0x46dd794e);
    expect(crc32c(ascending.slice().reverse())).toBe(0x113fdb5c);
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });

  it("when a range is taken in two pieces, continuing from the first gives the checksum of the whole", () => {
    const bytes = Uint8Array.from({ length: 45 }, (_, index) => (index * 37 + 11) & 0xff);
    for (let start = 0; start < 9; start++) {
      const whole = crc32c(bytes, start, bytes.length);
      for (let split = start; split <= bytes.length; split++) {
        expect(crc32c(bytes, split, bytes.length, crc32c(bytes, start, split))).toBe(whole);
      }
    }
  });
});

/** Every record in `records.bytes` from `offset` on. */
function readAll(records: RecordBytes, offset = 0): JournalRecord[] {
  const read: JournalRecord[] = [];
  for (let at = offset; at < records.bytes.length;) {
    const record = readRecord(records.bytes, at);
    if (typeof record === "string") throw new Error(record);
    read.push(record);
    at = record.end;
  }
  return read;
}

/** A record as docs/DURABILITY.md lays it out, built field by field with Buffer's own writers. */
function recordBytes(sequence: number, kind: number, payload: Buffer): Buffer {
  const bytes = Buffer.alloc(17 + payload.length);
  bytes.writeUInt32LE(bytes.length - 4, 0);
  bytes.writeUInt32LE(sequence % 2 ** 32, 8);
  bytes.writeUInt32LE(Math.floor(sequence / 2 ** 32), 12);
  bytes[16] = kind;
  payload.copy(bytes, 17);
  bytes.writeUInt32LE(crc32c(bytes, 8, bytes.length, crc32c(bytes, 0, 4)), 4);
  return bytes;
}

describe("the record format", () => {
  it("when records are encoded, their bytes are the format's, field by field, past 2^32 too", () => {
    const buffer = new RecordBuffer();
    const sequence = 2 ** 32 + 5;
    buffer.opened(sequence, 7, "Zoë", 12_345, 1_764_633_600_123);
    buffer.moved(sequence + 1, EntryKind.Transfer, 7, NONE, 99_999_999_999, 1_764_633_600_124.5);
    const opened = Buffer.alloc(20);
    opened.writeUInt32LE(7, 0);
    opened.writeDoubleLE(12_345, 4);
    opened.writeDoubleLE(1_764_633_600_123, 12);
    const moves = Buffer.alloc(12 + 18 + 18 + 3);
    moves.writeUInt32LE(2, 0);
    moves.writeDoubleLE(1_764_633_600_124.5, 4);
    moves[12] = EntryKind.Transfer;
    moves.writeUInt32LE(7, 13);
    moves.writeUInt32LE(NONE, 17);
    moves.writeDoubleLE(99_999_999_999, 21);
    moves[29] = 0;
    moves[30] = EntryKind.Deposit;
    moves.writeUInt32LE(NONE, 31);
    moves.writeUInt32LE(8, 35);
    moves.writeDoubleLE(1, 39);
    moves[47] = 3;
    moves.write("A-1", 48, "latin1");
    buffer.moved(sequence + 2, EntryKind.Deposit, NONE, 8, 1, 1_764_633_600_124.5, "A-1");
    buffer.commit(sequence + 3);
    expect(Buffer.from(buffer.view())).toEqual(Buffer.concat([
      recordBytes(sequence, 1, Buffer.concat([opened, Buffer.from("Zoë", "utf8")])),
      recordBytes(sequence + 1, 7, moves),
      recordBytes(sequence + 3, 4, Buffer.alloc(0)),
    ]));
  });

  it("when movements follow one another at one time, they share a record; another time, a gap or another kind of record begins a new one", () => {
    const buffer = new RecordBuffer();
    buffer.moved(1, EntryKind.Deposit, NONE, 0, 5, 100);
    buffer.moved(2, EntryKind.Transfer, 0, 1, 2, 100, "INV-7");
    buffer.moved(3, EntryKind.Withdrawal, 1, NONE, 1, 100);
    buffer.moved(4, EntryKind.Deposit, NONE, 0, 1, 101);
    buffer.moved(6, EntryKind.Deposit, NONE, 0, 1, 101);
    buffer.commit(7);
    buffer.moved(8, EntryKind.Deposit, NONE, 0, 1, 101);
    const records = new RecordBytes(Buffer.from(buffer.view()));
    const read = readAll(records);
    expect(read.map((record) => [record.kind, record.sequence, record.lastSequence])).toEqual([[7, 1, 3], [7, 4, 4], [7, 6, 6], [4, 7, 7], [7, 8, 8]]);
    const movements: unknown[] = [];
    expect(records.moves(read[0] as JournalRecord, (...movement) => movements.push(movement))).toBe(true);
    expect(movements).toEqual([
      [1, EntryKind.Deposit, NONE, 0, 5, 100, null],
      [2, EntryKind.Transfer, 0, 1, 2, 100, "INV-7"],
      [3, EntryKind.Withdrawal, 1, NONE, 1, 100, null],
    ]);
  });

  it("when a record's movements do not fill it exactly, reading them says so", () => {
    const buffer = new RecordBuffer();
    buffer.moved(1, EntryKind.Deposit, NONE, 0, 5, 100, "AB");
    const bytes = Buffer.from(buffer.view());
    const changed = (change: (copy: Buffer) => void) => {
      const copy = Buffer.from(bytes);
      change(copy);
      copy.writeUInt32LE(crc32c(copy, 8, copy.length, crc32c(copy, 0, 4)), 4);
      return copy;
    };
    const fills = (copy: Buffer) => new RecordBytes(copy).moves(readRecord(copy, 0) as JournalRecord, () => undefined);
    expect(fills(changed(() => undefined))).toBe(true);
    // The reference's length, said longer and shorter than it is; one movement more than there is.
    expect(fills(changed((copy) => (copy[bytes.length - 3] = 9)))).toBe(false);
    expect(fills(changed((copy) => (copy[bytes.length - 3] = 1)))).toBe(false);
    expect(fills(changed((copy) => copy.writeUInt32LE(2, 17)))).toBe(false);
    expect(readRecord(changed((copy) => copy.writeUInt32LE(0, 17)), 0)).toBe("bad length");
    expect(readRecord(changed((copy) => copy.writeUInt32LE(MOVES_PER_RECORD_MAX + 1, 17)), 0)).toBe("bad length");
    const headless = Buffer.from(bytes.subarray(0, 25));
    headless.writeUInt32LE(21, 0);
    headless.writeUInt32LE(crc32c(headless, 8, 25, crc32c(headless, 0, 4)), 4);
    expect(readRecord(headless, 0)).toBe("bad length");
  });

  it("when records are read back, every field is the one encoded", () => {
    const buffer = new RecordBuffer();
    buffer.opened(3, 7, "Zoë", 12_345, 1_764_633_600_123);
    buffer.moved(4, EntryKind.Transfer, 7, NONE, 99_999_999_999, 1_764_633_600_124.5);
    buffer.scoped(5, "http", Uint8Array.from([1, 2, 3]));
    buffer.moved(6, EntryKind.Deposit, 7, NONE, 250, 1_764_633_600_125, "INV-2026-001");
    buffer.view();
    buffer.held(7, 9, 7, 8, 4_200, 1_764_633_660_000, 1_764_633_600_126, "order-7");
    buffer.held(8, 10, 8, 7, 1, 1_764_633_660_001, 1_764_633_600_127, null);
    buffer.ended(9, 9, 2, 0, 1_764_633_600_128);
    const records = new RecordBytes(Buffer.concat([Buffer.from("x"), buffer.view()]));
    const read = readAll(records, 1);
    expect(read.map((record) => [record.sequence, record.kind])).toEqual([[3, 1], [4, 7], [5, 3], [6, 7], [7, 5], [8, 5], [9, 6]]);
    const [opened, moved, scoped, referenced, held, unreferenced, ended] = read as JournalRecord[] as [
      JournalRecord, JournalRecord, JournalRecord, JournalRecord, JournalRecord, JournalRecord, JournalRecord,
    ];
    expect(records.opened(opened)).toEqual({ account: 7, balanceMinor: 12_345, timeMs: 1_764_633_600_123, name: "Zoë" });
    const movements: unknown[] = [];
    records.moves(moved, (...movement) => movements.push(movement));
    records.moves(referenced, (...movement) => movements.push(movement));
    expect(movements).toEqual([
      [4, EntryKind.Transfer, 7, NONE, 99_999_999_999, 1_764_633_600_124.5, null],
      [6, EntryKind.Deposit, 7, NONE, 250, 1_764_633_600_125, "INV-2026-001"],
    ]);
    expect(records.held(held)).toEqual({
      hold: 9, sender: 7, recipient: 8, amountMinor: 4_200, expiresAtMs: 1_764_633_660_000, timeMs: 1_764_633_600_126, reference: "order-7",
    });
    expect(records.held(unreferenced).reference).toBeNull();
    expect(records.ended(ended)).toEqual({ hold: 9, end: 2, postedMinor: 0, timeMs: 1_764_633_600_128 });
    const { scope, entry } = records.scoped(scoped);
    expect([scope, [...entry]]).toEqual(["http", [1, 2, 3]]);
  });

  it("when a record is damaged or cut, reading it says why", () => {
    const buffer = new RecordBuffer();
    buffer.moved(1, EntryKind.Transfer, 0, 1, 250, 9);
    const bytes = Buffer.from(buffer.view());
    expect(readRecord(bytes, 0)).toMatchObject({ sequence: 1, end: bytes.length });
    expect(readRecord(bytes.subarray(0, 10), 0)).toBe("truncated");
    expect(readRecord(bytes.subarray(0, bytes.length - 1), 0)).toBe("truncated");
    const short = Buffer.from(bytes);
    short.writeUInt32LE(3, 0);
    expect(readRecord(short, 0)).toBe("bad length");
    const long = Buffer.from(bytes);
    long.writeUInt32LE(RECORD_BYTES_MAX + 1, 0);
    expect(readRecord(long, 0)).toBe("bad length");
    const flipped = Buffer.from(bytes);
    flipped[bytes.length - 1] = (flipped[bytes.length - 1] as number) ^ 1;
    expect(readRecord(flipped, 0)).toBe("bad checksum");
  });

  it("when a record's kind is unknown (written by a later version), it is refused, checksum and all", () => {
    const buffer = new RecordBuffer();
    buffer.commit(7);
    const bytes = Buffer.from(buffer.view());
    bytes[16] = 99;
    // The checksum covers the kind: recompute it as a later version would have written it.
    bytes.writeUInt32LE(crc32c(bytes, 8, bytes.length, crc32c(bytes, 0, 4)), 4);
    expect(readRecord(bytes, 0)).toBe("unknown kind");
  });

  it("when a record would be over the limit, encoding it refuses", () => {
    const buffer = new RecordBuffer();
    expect(() => buffer.scoped(1, "big", new Uint8Array(RECORD_BYTES_MAX))).toThrow(RangeError);
    expect(buffer.length).toBe(0);
  });

  it("when records outgrow the buffer, it grows and keeps them all", () => {
    const buffer = new RecordBuffer();
    for (let sequence = 1; sequence <= 5_000; sequence++) buffer.moved(sequence, EntryKind.Deposit, NONE, 0, sequence, sequence);
    const read = readAll(new RecordBytes(Buffer.from(buffer.view())));
    expect(read.map((record) => record.sequence)).toEqual(Array.from({ length: 5_000 }, (_, index) => index + 1));
  });

  it("when movements at one time outnumber what a record holds, the rest begin another, and all read back", () => {
    const buffer = new RecordBuffer();
    const count = MOVES_PER_RECORD_MAX + 10;
    for (let sequence = 1; sequence <= count; sequence++) buffer.moved(sequence, EntryKind.Deposit, NONE, 0, sequence, 1);
    const records = new RecordBytes(Buffer.from(buffer.view()));
    const read = readAll(records);
    expect(read.map((record) => [record.sequence, record.lastSequence])).toEqual([[1, MOVES_PER_RECORD_MAX], [MOVES_PER_RECORD_MAX + 1, count]]);
    let total = 0;
    for (const record of read) records.moves(record, (sequence, _kind, _debit, _credit, amountMinor) => (total += amountMinor === sequence ? 1 : 0));
    expect(total).toBe(count);
  });
});

describe("segment and snapshot names and headers", () => {
  it("when a directory is listed, segments come oldest first, snapshots newest first, leftovers apart", () => {
    const sorted = classify(["journal-0000000000000010.log", "snapshot-0000000000000009.snap", "journal-0000000000000001.log", "snapshot-0000000000000020.snap", "snapshot-0000000000000020.snap.tmp", "LOCK", "notes.txt"]);
    expect(sorted.segments.map((named) => named.sequence)).toEqual([1, 10]);
    expect(sorted.snapshots.map((named) => named.sequence)).toEqual([20, 9]);
    expect(sorted.temporary).toEqual(["snapshot-0000000000000020.snap.tmp"]);
  });

  it("when a segment's header is not one, says why", () => {
    expect(readSegmentHeader(segmentHeader(42))).toEqual({ first: 42, version: 2 });
    const earlier = segmentHeader(7);
    earlier.writeUInt32LE(1, 8);
    expect(readSegmentHeader(earlier)).toEqual({ first: 7, version: 1 });
    expect(readSegmentHeader(segmentHeader(42).subarray(0, 10))).toBe("the segment's header is cut short");
    const other = segmentHeader(1);
    other.write("NOTAJRNL", 0, "latin1");
    expect(readSegmentHeader(other)).toBe("not a journal segment");
    const later = segmentHeader(1);
    later.writeUInt32LE(3, 8);
    expect(readSegmentHeader(later)).toBe("journal version 3 is not one this bank reads (1 to 2)");
  });
});
