// The journal's records on disk, version 2 (docs/DURABILITY.md describes the format). Every record:
//   u32 length (of what follows) | u32 crc32c (of the length and what follows the checksum)
//   | u64 sequence | u8 kind | payload
// all little-endian. A group of records (one event-loop turn's changes) ends with a COMMIT record;
// recovery applies only whole groups. Movements made one after another at the same time (a batch's,
// or a turn's) share one MOVES record: one header and one checksum for all, each movement taking
// the next sequence number. This file writes records; record-reader.ts reads them back.

import { crc32c } from "./crc32c.js";

export const RecordKind = {
  /** u32 account, f64 opening balance (minor units), f64 time (ms), the name in UTF-8. */
  Opened: 1,
  /** Version 1's movement, read but no longer written: u8 movement kind, u32 debit, u32 credit (0xffffffff for none), f64 amount (minor units), f64 time, the reference (ASCII; none if empty). */
  Moved: 2,
  /** u8 length of the scope's name, the name (ASCII), the scope's entry. */
  Scoped: 3,
  /** Nothing: the end of a group. */
  Commit: 4,
  /** u32 hold id, u32 sender, u32 recipient, f64 amount, f64 expiry (ms), f64 time, the reference (ASCII; none if empty). */
  Held: 5,
  /** u32 hold id, u8 how (1 posted, 2 voided, 3 expired), f64 amount posted, f64 time. */
  Ended: 6,
  /**
   * u32 count, f64 time, then `count` movements, each u8 movement kind, u32 debit, u32 credit
   * (0xffffffff for none), f64 amount (minor units), u8 reference length, the reference (ASCII).
   * The record's sequence number is its first movement's; the others follow it.
   */
  Moves: 7,
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Bytes before a record's payload: length, checksum, sequence number, kind. */
export const RECORD_HEADER_BYTES = 4 + 4 + 8 + 1;
/** The largest record the journal writes (a scope's entry can be a kept HTTP response). */
export const RECORD_BYTES_MAX = 64 * 1024 * 1024;
/** The most movements one MOVES record holds (a batch's 8,190 fit in one). */
export const MOVES_PER_RECORD_MAX = 65_536;
/** Bytes of a MOVES record's payload before its movements: count and time. */
export const MOVES_HEAD_BYTES = 4 + 8;
/** Bytes of a movement in a MOVES record, without its reference. */
export const MOVE_BYTES = 1 + 4 + 4 + 8 + 1;

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
  /** The MOVES record still taking movements: where it starts (-1 for none), its count, time, and next sequence number. */
  private movesStart = -1;
  private movesCount = 0;
  private movesTimeMs = 0;
  private movesNext = 0;

  opened(sequence: number, account: number, name: string, balanceMinor: number, timeMs: number): void {
    this.endMoves();
    const nameBytes = encoder.encode(name);
    const at = this.begin(sequence, RecordKind.Opened, 4 + 8 + 8 + nameBytes.length);
    const fields = this.fields;
    fields.setUint32(at, account, true);
    fields.setFloat64(at + 4, balanceMinor, true);
    fields.setFloat64(at + 12, timeMs, true);
    this.bytes.set(nameBytes, at + 20);
    this.end();
  }

  /** A movement: into the MOVES record being written if it follows that record's last at its time, else into a new one. */
  moved(sequence: number, kind: number, debit: number, credit: number, amountMinor: number, timeMs: number, reference: string | null = null): void {
    const referenceBytes = reference?.length ?? 0;
    if (this.movesStart < 0 || sequence !== this.movesNext || timeMs !== this.movesTimeMs || this.movesCount === MOVES_PER_RECORD_MAX) {
      this.endMoves();
      const at = this.begin(sequence, RecordKind.Moves, MOVES_HEAD_BYTES);
      this.fields.setFloat64(at + 4, timeMs, true);
      this.movesStart = this.recordStart;
      this.movesTimeMs = timeMs;
      this.movesCount = 0;
    }
    const moveBytes = MOVE_BYTES + referenceBytes;
    if (this.length + moveBytes > this.bytes.length) this.grow(moveBytes);
    const at = this.length;
    const fields = this.fields;
    this.bytes[at] = kind;
    fields.setUint32(at + 1, debit, true);
    fields.setUint32(at + 5, credit, true);
    fields.setFloat64(at + 9, amountMinor, true);
    this.bytes[at + 17] = referenceBytes;
    if (reference !== null) this.bytes.write(reference, at + 18, "latin1");
    this.length = at + moveBytes;
    this.movesCount++;
    this.movesNext = sequence + 1;
  }

  held(
    sequence: number, hold: number, sender: number, recipient: number, amountMinor: number, expiresAtMs: number,
    timeMs: number, reference: string | null,
  ): void {
    this.endMoves();
    const at = this.begin(sequence, RecordKind.Held, 4 + 4 + 4 + 8 + 8 + 8 + (reference?.length ?? 0));
    const fields = this.fields;
    fields.setUint32(at, hold, true);
    fields.setUint32(at + 4, sender, true);
    fields.setUint32(at + 8, recipient, true);
    fields.setFloat64(at + 12, amountMinor, true);
    fields.setFloat64(at + 20, expiresAtMs, true);
    fields.setFloat64(at + 28, timeMs, true);
    if (reference !== null) this.bytes.write(reference, at + 36, "latin1");
    this.end();
  }

  ended(sequence: number, hold: number, end: number, postedMinor: number, timeMs: number): void {
    this.endMoves();
    const at = this.begin(sequence, RecordKind.Ended, 4 + 1 + 8 + 8);
    const fields = this.fields;
    fields.setUint32(at, hold, true);
    this.bytes[at + 4] = end;
    fields.setFloat64(at + 5, postedMinor, true);
    fields.setFloat64(at + 13, timeMs, true);
    this.end();
  }

  scoped(sequence: number, scope: string, entry: Uint8Array): void {
    this.endMoves();
    const at = this.begin(sequence, RecordKind.Scoped, 1 + scope.length + entry.length);
    this.bytes[at] = scope.length;
    this.bytes.write(scope, at + 1, "latin1");
    this.bytes.set(entry, at + 1 + scope.length);
    this.end();
  }

  commit(sequence: number): void {
    this.endMoves();
    this.begin(sequence, RecordKind.Commit, 0);
    this.end();
  }

  /** The records encoded so far, each whole (a view: valid until the next `clear` or encoding). */
  view(): Uint8Array {
    this.endMoves();
    return this.bytes.subarray(0, this.length);
  }

  clear(): void {
    this.movesStart = -1;
    this.length = 0;
  }

  /** Seals the MOVES record being written, if any: its count, its length, its checksum. */
  private endMoves(): void {
    const at = this.movesStart;
    if (at < 0) return;
    this.movesStart = -1;
    this.fields.setUint32(at, this.length - at - 4, true);
    this.fields.setUint32(at + RECORD_HEADER_BYTES, this.movesCount, true);
    this.recordStart = at;
    this.end();
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

/** A DataView of all of `bytes`. */
export function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The checksum of the record at `start`, ending at `end`: its length field and all after its checksum. */
export function recordChecksum(bytes: Uint8Array, start: number, end: number): number {
  return crc32c(bytes, start + 8, end, crc32c(bytes, start, start + 4));
}
