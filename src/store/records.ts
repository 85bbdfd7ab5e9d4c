// The journal's records on disk, version 1 (docs/DURABILITY.md describes the format). Every record:
//   u32 length (of what follows) | u32 crc32c (of the length and what follows the checksum)
//   | u64 sequence | u8 kind | payload
// all little-endian. A group of records (one event-loop turn's changes) ends with a COMMIT record;
// recovery applies only whole groups.

import { crc32c } from "./crc32c.js";

export const RecordKind = {
  /** u32 account, f64 opening balance (minor units), f64 time (ms), the name in UTF-8. */
  Opened: 1,
  /** u8 movement kind, u32 debit, u32 credit (0xffffffff for none), f64 amount (minor units), f64 time. */
  Moved: 2,
  /** u8 length of the scope's name, the name (ASCII), the scope's entry. */
  Scoped: 3,
  /** Nothing: the end of a group. */
  Commit: 4,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Bytes before a record's payload: length, checksum, sequence number, kind. */
export const RECORD_HEADER_BYTES = 4 + 4 + 8 + 1;
/** The largest record the journal writes (a scope's entry can be a kept HTTP response). */
export const RECORD_BYTES_MAX = 64 * 1024 * 1024;

const INITIAL_CAPACITY = 64 * 1024;
const encoder = new TextEncoder();

/**
 * Records encoded into one growing buffer, to be written together. Fields are set through a
 * DataView of the buffer, which the compiler turns into plain stores: Buffer's writeUInt32LE and
 * writeDoubleLE check their arguments on every call, and a batch of 8,190 makes 40,000 of them.
 */
export class RecordBuffer {
  private bytes = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private fields = viewOf(this.bytes);
  /** Bytes encoded so far. */
  length = 0;
  private recordStart = 0;

  opened(sequence: number, account: number, name: string, balanceMinor: number, timeMs: number): void {
    const nameBytes = encoder.encode(name);
    const at = this.begin(sequence, RecordKind.Opened, 4 + 8 + 8 + nameBytes.length);
    const fields = this.fields;
    fields.setUint32(at, account, true);
    fields.setFloat64(at + 4, balanceMinor, true);
    fields.setFloat64(at + 12, timeMs, true);
    this.bytes.set(nameBytes, at + 20);
    this.end();
  }

  moved(sequence: number, kind: number, debit: number, credit: number, amountMinor: number, timeMs: number): void {
    const at = this.begin(sequence, RecordKind.Moved, 1 + 4 + 4 + 8 + 8);
    const fields = this.fields;
    this.bytes[at] = kind;
    fields.setUint32(at + 1, debit, true);
    fields.setUint32(at + 5, credit, true);
    fields.setFloat64(at + 9, amountMinor, true);
    fields.setFloat64(at + 17, timeMs, true);
    this.end();
  }

  scoped(sequence: number, scope: string, entry: Uint8Array): void {
    const at = this.begin(sequence, RecordKind.Scoped, 1 + scope.length + entry.length);
    this.bytes[at] = scope.length;
    this.bytes.write(scope, at + 1, "latin1");
    this.bytes.set(entry, at + 1 + scope.length);
    this.end();
  }

  commit(sequence: number): void {
    this.begin(sequence, RecordKind.Commit, 0);
    this.end();
  }

  /** The records encoded so far (a view: valid until the next `clear` or encoding). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }

  /** Reserves a record of `payloadBytes` and writes its header; returns where the payload goes. */
  private begin(sequence: number, kind: RecordKind, payloadBytes: number): number {
    const recordBytes = RECORD_HEADER_BYTES + payloadBytes;
    if (recordBytes > RECORD_BYTES_MAX) throw new RangeError(`A journal record of ${recordBytes} bytes is over the limit`);
    if (this.length + recordBytes > this.bytes.length) this.grow(recordBytes);
    const at = this.length;
    const fields = this.fields;
    fields.setUint32(at, recordBytes - 4, true);
    fields.setUint32(at + 8, sequence >>> 0, true);
    fields.setUint32(at + 12, Math.floor(sequence / 0x1_0000_0000), true);
    this.bytes[at + 16] = kind;
    this.recordStart = at;
    this.length = at + recordBytes;
    return at + RECORD_HEADER_BYTES;
  }

  /** Seals the record just written with its checksum. */
  private end(): void {
    const at = this.recordStart;
    this.fields.setUint32(at + 4, recordChecksum(this.bytes, at, this.length), true);
  }

  private grow(needed: number): void {
    const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + needed));
    this.bytes.copy(bytes, 0, 0, this.length);
    this.bytes = bytes;
    this.fields = viewOf(bytes);
  }
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The checksum of the record at `start`, ending at `end`: its length field and all after its checksum. */
function recordChecksum(bytes: Uint8Array, start: number, end: number): number {
  return crc32c(bytes, start + 8, end, crc32c(bytes, start, start + 4));
}

/**
 * One record read back: its header, and where its payload lies in the bytes it was read from
 * (`payloadStart` to `end`). No view of the payload is made: recovery reads millions of records,
 * and a Buffer for each cost as much as checking its checksum.
 */
export interface JournalRecord {
  readonly sequence: number;
  readonly kind: RecordKind;
  readonly payloadStart: number;
  /** Offset just past the record. */
  readonly end: number;
}

/** Why no record could be read at an offset. */
export type ReadFailure = "truncated" | "bad length" | "bad checksum" | "unknown kind";

/** The little-endian u32 at `at`, read without Buffer's checks (the caller has checked the bounds). */
function u32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] as number) | ((bytes[at + 1] as number) << 8) | ((bytes[at + 2] as number) << 16) | ((bytes[at + 3] as number) << 24)) >>> 0;
}

/** The record at `offset`, or why there is none there. */
export function readRecord(bytes: Uint8Array, offset: number): JournalRecord | ReadFailure {
  if (offset + RECORD_HEADER_BYTES > bytes.length) return "truncated";
  const length = u32(bytes, offset);
  if (length < RECORD_HEADER_BYTES - 4 || length > RECORD_BYTES_MAX) return "bad length";
  const end = offset + 4 + length;
  if (end > bytes.length) return "truncated";
  if (recordChecksum(bytes, offset, end) !== u32(bytes, offset + 4)) return "bad checksum";
  const kind = bytes[offset + 16] as RecordKind;
  if (kind < RecordKind.Opened || kind > RecordKind.Commit) return "unknown kind";
  const sequence = u32(bytes, offset + 8) + u32(bytes, offset + 12) * 0x1_0000_0000;
  return { sequence, kind, payloadStart: offset + RECORD_HEADER_BYTES, end };
}

/** The bytes records are read from, with a view of them for their numbers. */
export class RecordBytes {
  readonly fields: DataView;

  constructor(readonly bytes: Buffer) {
    this.fields = viewOf(bytes);
  }

  /** An Opened record's fields. */
  opened(record: JournalRecord): { account: number; balanceMinor: number; timeMs: number; name: string } {
    const at = record.payloadStart;
    return {
      account: this.fields.getUint32(at, true),
      balanceMinor: this.fields.getFloat64(at + 4, true),
      timeMs: this.fields.getFloat64(at + 12, true),
      name: this.bytes.toString("utf8", at + 20, record.end),
    };
  }

  /** A Moved record's fields. */
  moved(record: JournalRecord): { kind: number; debit: number; credit: number; amountMinor: number; timeMs: number } {
    const at = record.payloadStart;
    const fields = this.fields;
    return {
      kind: this.bytes[at] as number,
      debit: fields.getUint32(at + 1, true),
      credit: fields.getUint32(at + 5, true),
      amountMinor: fields.getFloat64(at + 9, true),
      timeMs: fields.getFloat64(at + 17, true),
    };
  }

  /** A Scoped record's fields. */
  scoped(record: JournalRecord): { scope: string; entry: Uint8Array } {
    const at = record.payloadStart;
    const nameLength = this.bytes[at] as number;
    return { scope: this.bytes.toString("latin1", at + 1, at + 1 + nameLength), entry: this.bytes.subarray(at + 1 + nameLength, record.end) };
  }
}
