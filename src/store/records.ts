// The journal's records on disk, version 1 (docs/DURABILITY.md describes the format). Every record:
//   u32 length (of what follows) | u32 crc32c (of the length and what follows the checksum)
//   | u64 sequence | u8 kind | payload
// all little-endian. A group of records (one event-loop turn's changes) ends with a COMMIT record;
// recovery applies only whole groups.

import { crc32c } from "./crc32c.js";

export const RecordKind = {
  /** u32 account, f64 opening balance (minor units), f64 time (ms), the name in UTF-8. */
  Opened: 1,
  /** u8 movement kind, u32 debit, u32 credit (0xffffffff for none), f64 amount (minor units), f64 time, the reference (ASCII; none if empty). */
  Moved: 2,
  /** u8 length of the scope's name, the name (ASCII), the scope's entry. */
  Scoped: 3,
  /** Nothing: the end of a group. */
  Commit: 4,
  /** u32 hold id, u32 sender, u32 recipient, f64 amount, f64 expiry (ms), f64 time, the reference (ASCII; none if empty). */
  Held: 5,
  /** u32 hold id, u8 how (1 posted, 2 voided, 3 expired), f64 amount posted, f64 time. */
  Ended: 6,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Bytes before a record's payload: length, checksum, sequence number, kind. */
export const RECORD_HEADER_BYTES = 4 + 4 + 8 + 1;
/** The largest record the journal writes (a scope's entry can be a kept HTTP response). */
export const RECORD_BYTES_MAX = 64 * 1024 * 1024;

const INITIAL_CAPACITY = 64 * 1024;
const encoder = new TextEncoder();

/** Records encoded into one growing buffer, to be written together. */
export class RecordBuffer {
  private bytes = Buffer.allocUnsafe(INITIAL_CAPACITY);
  /** Bytes encoded so far. */
  length = 0;
  private recordStart = 0;

  opened(sequence: number, account: number, name: string, balanceMinor: number, timeMs: number): void {
    const nameBytes = encoder.encode(name);
    const at = this.begin(sequence, RecordKind.Opened, 4 + 8 + 8 + nameBytes.length);
    this.bytes.writeUInt32LE(account, at);
    this.bytes.writeDoubleLE(balanceMinor, at + 4);
    this.bytes.writeDoubleLE(timeMs, at + 12);
    this.bytes.set(nameBytes, at + 20);
    this.end();
  }

  moved(sequence: number, kind: number, debit: number, credit: number, amountMinor: number, timeMs: number, reference: string | null = null): void {
    const at = this.begin(sequence, RecordKind.Moved, 1 + 4 + 4 + 8 + 8 + (reference?.length ?? 0));
    const bytes = this.bytes;
    bytes[at] = kind;
    bytes.writeUInt32LE(debit, at + 1);
    bytes.writeUInt32LE(credit, at + 5);
    bytes.writeDoubleLE(amountMinor, at + 9);
    bytes.writeDoubleLE(timeMs, at + 17);
    if (reference !== null) bytes.write(reference, at + 25, "latin1");
    this.end();
  }

  held(
    sequence: number, hold: number, sender: number, recipient: number, amountMinor: number, expiresAtMs: number,
    timeMs: number, reference: string | null,
  ): void {
    const at = this.begin(sequence, RecordKind.Held, 4 + 4 + 4 + 8 + 8 + 8 + (reference?.length ?? 0));
    const bytes = this.bytes;
    bytes.writeUInt32LE(hold, at);
    bytes.writeUInt32LE(sender, at + 4);
    bytes.writeUInt32LE(recipient, at + 8);
    bytes.writeDoubleLE(amountMinor, at + 12);
    bytes.writeDoubleLE(expiresAtMs, at + 20);
    bytes.writeDoubleLE(timeMs, at + 28);
    if (reference !== null) bytes.write(reference, at + 36, "latin1");
    this.end();
  }

  ended(sequence: number, hold: number, end: number, postedMinor: number, timeMs: number): void {
    const at = this.begin(sequence, RecordKind.Ended, 4 + 1 + 8 + 8);
    const bytes = this.bytes;
    bytes.writeUInt32LE(hold, at);
    bytes[at + 4] = end;
    bytes.writeDoubleLE(postedMinor, at + 5);
    bytes.writeDoubleLE(timeMs, at + 13);
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
    const bytes = this.bytes;
    bytes.writeUInt32LE(recordBytes - 4, at);
    bytes.writeUInt32LE(sequence >>> 0, at + 8);
    bytes.writeUInt32LE(Math.floor(sequence / 0x1_0000_0000), at + 12);
    bytes[at + 16] = kind;
    this.recordStart = at;
    this.length = at + recordBytes;
    return at + RECORD_HEADER_BYTES;
  }

  /** Seals the record just written with its checksum. */
  private end(): void {
    const at = this.recordStart;
    this.bytes.writeUInt32LE(recordChecksum(this.bytes, at, this.length), at + 4);
  }

  private grow(needed: number): void {
    const bytes = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + needed));
    this.bytes.copy(bytes, 0, 0, this.length);
    this.bytes = bytes;
  }
}

/** The checksum of the record at `start`, ending at `end`: its length field and all after its checksum. */
function recordChecksum(bytes: Uint8Array, start: number, end: number): number {
  return crc32c(bytes, start + 8, end, crc32c(bytes, start, start + 4));
}

/** One record read back. `payload` is a view into the bytes read. */
export interface JournalRecord {
  readonly sequence: number;
  readonly kind: RecordKind;
  readonly payload: Buffer;
  /** Offset just past the record. */
  readonly end: number;
}

/** Why no record could be read at an offset. */
export type ReadFailure = "truncated" | "bad length" | "bad checksum" | "unknown kind";

/** The record at `offset`, or why there is none there. */
export function readRecord(bytes: Buffer, offset: number): JournalRecord | ReadFailure {
  if (offset + RECORD_HEADER_BYTES > bytes.length) return "truncated";
  const length = bytes.readUInt32LE(offset);
  if (length < RECORD_HEADER_BYTES - 4 || length > RECORD_BYTES_MAX) return "bad length";
  const end = offset + 4 + length;
  if (end > bytes.length) return "truncated";
  if (recordChecksum(bytes, offset, end) !== bytes.readUInt32LE(offset + 4)) return "bad checksum";
  const kind = bytes[offset + 16] as RecordKind;
  if (kind < RecordKind.Opened || kind > RecordKind.Ended) return "unknown kind";
  const sequence = bytes.readUInt32LE(offset + 8) + bytes.readUInt32LE(offset + 12) * 0x1_0000_0000;
  return { sequence, kind, payload: bytes.subarray(offset + RECORD_HEADER_BYTES, end), end };
}

/** An Opened record's fields. */
export function readOpened(payload: Buffer): { account: number; balanceMinor: number; timeMs: number; name: string } {
  return {
    account: payload.readUInt32LE(0),
    balanceMinor: payload.readDoubleLE(4),
    timeMs: payload.readDoubleLE(12),
    name: payload.toString("utf8", 20),
  };
}

/** A Moved record's fields. */
export function readMoved(payload: Buffer): {
  kind: number; debit: number; credit: number; amountMinor: number; timeMs: number; reference: string | null;
} {
  return {
    kind: payload[0] as number,
    debit: payload.readUInt32LE(1),
    credit: payload.readUInt32LE(5),
    amountMinor: payload.readDoubleLE(9),
    timeMs: payload.readDoubleLE(17),
    reference: payload.length > 25 ? payload.toString("latin1", 25) : null,
  };
}

/** A Held record's fields. */
export function readHeld(payload: Buffer): {
  hold: number; sender: number; recipient: number; amountMinor: number; expiresAtMs: number; timeMs: number; reference: string | null;
} {
  return {
    hold: payload.readUInt32LE(0),
    sender: payload.readUInt32LE(4),
    recipient: payload.readUInt32LE(8),
    amountMinor: payload.readDoubleLE(12),
    expiresAtMs: payload.readDoubleLE(20),
    timeMs: payload.readDoubleLE(28),
    reference: payload.length > 36 ? payload.toString("latin1", 36) : null,
  };
}

/** An Ended record's fields. */
export function readEnded(payload: Buffer): { hold: number; end: number; postedMinor: number; timeMs: number } {
  return { hold: payload.readUInt32LE(0), end: payload[4] as number, postedMinor: payload.readDoubleLE(5), timeMs: payload.readDoubleLE(13) };
}

/** A Scoped record's fields. */
export function readScoped(payload: Buffer): { scope: string; entry: Uint8Array } {
  const nameLength = payload[0] as number;
  return { scope: payload.toString("latin1", 1, 1 + nameLength), entry: payload.subarray(1 + nameLength) };
}
