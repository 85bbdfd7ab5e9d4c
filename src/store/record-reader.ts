// The journal's records read back (records.ts says the format and writes them): one record at an
// offset, checked (length, checksum, kind), and its fields, read in place.

import { MOVE_BYTES, MOVES_HEAD_BYTES, MOVES_PER_RECORD_MAX, RECORD_BYTES_MAX, RECORD_HEADER_BYTES, RecordKind, recordChecksum, viewOf } from "./records.js";

/**
 * One record read back: its header, and where its payload lies in the bytes it was read from
 * (`payloadStart` to `end`). No view of the payload is made: recovery reads millions of records,
 * and a Buffer for each cost as much as checking its checksum.
 */
export interface JournalRecord {
  readonly sequence: number;
  /** The sequence number of the record's last change: its own, or its last movement's (MOVES). */
  readonly lastSequence: number;
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
  if (kind < RecordKind.Opened || kind > RecordKind.Moves) return "unknown kind";
  const sequence = u32(bytes, offset + 8) + u32(bytes, offset + 12) * 0x1_0000_0000;
  const payloadStart = offset + RECORD_HEADER_BYTES;
  let count = 1;
  if (kind === RecordKind.Moves) {
    if (end - payloadStart < MOVES_HEAD_BYTES) return "bad length";
    count = u32(bytes, payloadStart);
    if (count < 1 || count > MOVES_PER_RECORD_MAX) return "bad length";
  }
  return { sequence, lastSequence: sequence + count - 1, kind, payloadStart, end };
}

/** Told of each movement of a MOVES record, with its sequence number. */
export type MovementVisitor = (
  sequence: number, kind: number, debit: number, credit: number, amountMinor: number, timeMs: number, reference: string | null,
) => void;

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
  moved(record: JournalRecord): {
    kind: number; debit: number; credit: number; amountMinor: number; timeMs: number; reference: string | null;
  } {
    const at = record.payloadStart;
    const fields = this.fields;
    return {
      kind: this.bytes[at] as number,
      debit: fields.getUint32(at + 1, true),
      credit: fields.getUint32(at + 5, true),
      amountMinor: fields.getFloat64(at + 9, true),
      timeMs: fields.getFloat64(at + 17, true),
      reference: record.end > at + 25 ? this.bytes.toString("latin1", at + 25, record.end) : null,
    };
  }

  /**
   * A MOVES record's movements, in order, to `visit`; false (after visiting those that fit) if they
   * do not fill the record exactly, as no writer leaves them.
   */
  moves(record: JournalRecord, visit: MovementVisitor): boolean {
    const { bytes, fields } = this;
    const at = record.payloadStart;
    const timeMs = fields.getFloat64(at + 4, true);
    let next = at + MOVES_HEAD_BYTES;
    for (let sequence = record.sequence; sequence <= record.lastSequence; sequence++) {
      if (next + MOVE_BYTES > record.end) return false;
      const referenceEnd = next + MOVE_BYTES + (bytes[next + 17] as number);
      if (referenceEnd > record.end) return false;
      const reference = referenceEnd > next + MOVE_BYTES ? bytes.toString("latin1", next + MOVE_BYTES, referenceEnd) : null;
      visit(sequence, bytes[next] as number, fields.getUint32(next + 1, true), fields.getUint32(next + 5, true), fields.getFloat64(next + 9, true), timeMs, reference);
      next = referenceEnd;
    }
    return next === record.end;
  }

  /** A Held record's fields. */
  held(record: JournalRecord): {
    hold: number; sender: number; recipient: number; amountMinor: number; expiresAtMs: number; timeMs: number; reference: string | null;
  } {
    const at = record.payloadStart;
    const fields = this.fields;
    return {
      hold: fields.getUint32(at, true),
      sender: fields.getUint32(at + 4, true),
      recipient: fields.getUint32(at + 8, true),
      amountMinor: fields.getFloat64(at + 12, true),
      expiresAtMs: fields.getFloat64(at + 20, true),
      timeMs: fields.getFloat64(at + 28, true),
      reference: record.end > at + 36 ? this.bytes.toString("latin1", at + 36, record.end) : null,
    };
  }

  /** An Ended record's fields. */
  ended(record: JournalRecord): { hold: number; end: number; postedMinor: number; timeMs: number } {
    const at = record.payloadStart;
    const fields = this.fields;
    return {
      hold: fields.getUint32(at, true),
      end: this.bytes[at + 4] as number,
      postedMinor: fields.getFloat64(at + 5, true),
      timeMs: fields.getFloat64(at + 13, true),
    };
  }

  /** A Scoped record's fields. */
  scoped(record: JournalRecord): { scope: string; entry: Uint8Array } {
    const at = record.payloadStart;
    const nameLength = this.bytes[at] as number;
    return { scope: this.bytes.toString("latin1", at + 1, at + 1 + nameLength), entry: this.bytes.subarray(at + 1 + nameLength, record.end) };
  }
}
