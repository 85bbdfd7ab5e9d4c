// Snapshots: the whole state at one sequence number, in one file (docs/DURABILITY.md describes the
// format). A restart loads the newest snapshot and replays only the journal after it. The journal's
// entries are written column by column, straight from the ledger's own arrays, and read back
// through the ledger's one writer, as the journal's records are.

import { EntryKind, HoldStatus, NONE, type DurableScope, type HoldEnd, type Ledger, type MovementKind } from "../core/internal.js";
import type { EntryColumns } from "../core/journal.js";
import { crc32c } from "./crc32c.js";
import { CorruptDataError } from "./errors.js";

const MAGIC = "BANKSNAP";
export const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 32;
const SECTION_HEADER_BYTES = 16;

const Section = { Names: 1, Entries: 2, Times: 3, Scope: 4, References: 5, Notes: 6, Holds: 7, End: 9 } as const;

/** The state at one sequence number, captured at once; the entries are views that never change. */
export interface SnapshotState {
  readonly sequence: number;
  readonly names: readonly string[];
  readonly entryCount: number;
  readonly columns: readonly EntryColumns[];
  readonly times: { readonly starts: Uint32Array; readonly timesMs: Float64Array };
  readonly scopes: readonly { readonly name: string; readonly entries: readonly Uint8Array[] }[];
  /** References by number (0 is none); none if absent. */
  readonly references?: readonly string[];
  /** The entries that carry a hold or a reference, by position; none if absent. */
  readonly notes?: { readonly positions: Uint32Array; readonly holds: Uint32Array; readonly references: Uint32Array };
  /** Each hold's amount and expiry, by id (index 0 unused); none if absent. */
  readonly holds?: { readonly amountsMinor: Float64Array; readonly expiresAtMs: Float64Array };
}

interface Notes {
  readonly positions: Uint32Array;
  readonly holds: Uint32Array;
  readonly references: Uint32Array;
}
interface HoldColumns {
  readonly amountsMinor: Float64Array;
  readonly expiresAtMs: Float64Array;
}
const NO_NOTES: Notes = { positions: new Uint32Array(0), holds: new Uint32Array(0), references: new Uint32Array(0) };
const NO_HOLDS: HoldColumns = { amountsMinor: new Float64Array(1), expiresAtMs: new Float64Array(1) };

/** Captures the state: to be called between two changes, when the ledger holds exactly `sequence`. */
export function captureSnapshot(ledger: Ledger, scopes: readonly Pick<DurableScope, "name" | "entries">[], sequence: number): SnapshotState {
  const entryCount = ledger.entryCount;
  return {
    sequence,
    names: Array.from({ length: ledger.accountCount }, (_, account) => ledger.nameAt(account)),
    entryCount,
    columns: [...ledger.journal.columnsBefore(entryCount)],
    times: ledger.journal.timesBefore(entryCount),
    scopes: scopes.map((scope) => ({ name: scope.name, entries: [...scope.entries()] })),
    references: [...ledger.references.all],
    notes: ledger.annotations.before(entryCount),
    holds: ledger.holds.before(ledger.holds.count),
  };
}

/** The snapshot file, as the chunks to write in order. */
export function* encodeSnapshot(state: SnapshotState): IterableIterator<Uint8Array> {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, "latin1");
  header.writeUInt32LE(SNAPSHOT_VERSION, 8);
  header.writeDoubleLE(state.sequence, 16);
  header.writeDoubleLE(state.entryCount, 24);
  yield header;
  yield* section(Section.Names, [namesBody(state.names)]);
  for (const columns of state.columns) {
    const parts = entriesBody(columns);
    yield* section(Section.Entries, parts, entriesChecksum(columns, parts));
  }
  yield* section(Section.Times, timesBody(state.times));
  yield* section(Section.References, [namesBody(state.references ?? [""])]);
  yield* section(Section.Notes, notesBody(state.notes ?? NO_NOTES));
  yield* section(Section.Holds, holdsBody(state.holds ?? NO_HOLDS));
  for (const scope of state.scopes) yield* section(Section.Scope, [scopeBody(scope.name, scope.entries)]);
  yield* section(Section.End);
}

/**
 * A section: tag, checksum and length of the body, the body's parts, padding to 8 bytes. The
 * checksum is computed unless given.
 */
function* section(tag: number, parts: readonly Uint8Array[] = [], crc = checksumOf(parts)): IterableIterator<Uint8Array> {
  let length = 0;
  for (const part of parts) length += part.byteLength;
  const header = Buffer.alloc(SECTION_HEADER_BYTES);
  header.writeUInt32LE(tag, 0);
  header.writeUInt32LE(crc, 4);
  header.writeDoubleLE(length, 8);
  yield header;
  for (const part of parts) yield bytesOf(part);
  if (length % 8 !== 0) yield Buffer.alloc(8 - (length % 8));
}

function checksumOf(parts: readonly Uint8Array[]): number {
  let crc = 0;
  for (const part of parts) crc = crc32c(bytesOf(part), 0, part.byteLength, crc);
  return crc;
}

/**
 * The checksums of entry sections written before, by the chunk of the journal they came from (its
 * kind column's memory) and how many of its entries they held. Entries never change once recorded,
 * so a snapshot checksums only the chunks that grew since the last one: without this, every
 * snapshot read the whole history again.
 */
const entriesChecksums = new WeakMap<ArrayBufferLike, { readonly count: number; readonly crc: number }>();

/** The checksum of `parts`, the entry section of `columns`: known already, or computed and kept. */
function entriesChecksum(columns: EntryColumns, parts: readonly Uint8Array[]): number {
  const known = entriesChecksums.get(columns.kind.buffer);
  if (known !== undefined && known.count === columns.count) return known.crc;
  const crc = checksumOf(parts);
  entriesChecksums.set(columns.kind.buffer, { count: columns.count, crc });
  return crc;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Zero bytes that bring `length` to a multiple of 8. */
function padding(length: number): Uint8Array {
  return new Uint8Array((8 - (length % 8)) % 8);
}

function namesBody(names: readonly string[]): Uint8Array {
  const encoded = names.map((name) => Buffer.from(name, "utf8"));
  const body = Buffer.alloc(4 + encoded.reduce((total, name) => total + 4 + name.length, 0));
  body.writeUInt32LE(names.length, 0);
  let at = 4;
  for (const name of encoded) {
    body.writeUInt32LE(name.length, at);
    name.copy(body, at + 4);
    at += 4 + name.length;
  }
  return body;
}

function entriesBody(columns: EntryColumns): Uint8Array[] {
  const count = Buffer.alloc(8);
  count.writeUInt32LE(columns.count, 0);
  return [
    count,
    columns.kind, padding(columns.count),
    bytesOf(columns.debitAccount), padding(columns.count * 4),
    bytesOf(columns.creditAccount), padding(columns.count * 4),
    bytesOf(columns.debitBalanceAfterMinor),
    bytesOf(columns.creditBalanceAfterMinor),
  ];
}

function timesBody(times: SnapshotState["times"]): Uint8Array[] {
  const count = Buffer.alloc(8);
  count.writeUInt32LE(times.starts.length, 0);
  return [count, bytesOf(times.starts), padding(times.starts.length * 4), bytesOf(times.timesMs)];
}

function notesBody(notes: Notes): Uint8Array[] {
  const count = Buffer.alloc(8);
  const length = notes.positions.length;
  count.writeUInt32LE(length, 0);
  return [count, bytesOf(notes.positions), padding(length * 4), bytesOf(notes.holds), padding(length * 4), bytesOf(notes.references), padding(length * 4)];
}

function holdsBody(holds: HoldColumns): Uint8Array[] {
  const count = Buffer.alloc(8);
  count.writeUInt32LE(holds.amountsMinor.length, 0);
  return [count, bytesOf(holds.amountsMinor), bytesOf(holds.expiresAtMs)];
}

function scopeBody(name: string, entries: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.alloc(1 + name.length + 4 + entries.reduce((total, entry) => total + 4 + entry.length, 0));
  body[0] = name.length;
  body.write(name, 1, "latin1");
  let at = 1 + name.length;
  body.writeUInt32LE(entries.length, at);
  at += 4;
  for (const entry of entries) {
    body.writeUInt32LE(entry.length, at);
    body.set(entry, at + 4);
    at += 4 + entry.length;
  }
  return body;
}

/** A snapshot read back: its sequence number, and the scopes' entries to restore. */
export interface LoadedSnapshot {
  readonly sequence: number;
  readonly scopes: ReadonlyMap<string, Uint8Array[]>;
}

/**
 * Reads the snapshot in `bytes` (the file `file`) into `ledger`, which must be empty: every entry is
 * replayed through the ledger's writer. Throws CorruptDataError, naming the file and offset, for
 * anything that is not a whole, valid snapshot.
 */
export function loadSnapshot(bytes: Buffer, file: string, ledger: Ledger): LoadedSnapshot {
  const aligned = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
  const reader = new SnapshotReader(aligned, file);
  const { sequence, entryCount } = reader.header();
  let names: string[] = [];
  const entries: EntryColumns[] = [];
  let times: SnapshotState["times"] | null = null;
  let references: string[] = [""];
  let notes = NO_NOTES;
  let holds = NO_HOLDS;
  const scopes = new Map<string, Uint8Array[]>();
  for (;;) {
    const { tag, body, offset } = reader.section();
    if (tag === Section.End) break;
    if (tag === Section.Names) names = readNames(body);
    else if (tag === Section.Entries) entries.push(readEntries(body));
    else if (tag === Section.Times) times = readTimes(body);
    else if (tag === Section.Scope) readScope(body, scopes);
    else if (tag === Section.References) references = readNames(body);
    else if (tag === Section.Notes) notes = readNotes(body);
    else if (tag === Section.Holds) holds = readHolds(body);
    else throw new CorruptDataError(file, offset, `unknown section ${tag}`);
  }
  const counted = entries.reduce((total, columns) => total + columns.count, 0);
  if (times === null || counted !== entryCount) throw new CorruptDataError(file, HEADER_BYTES, "the snapshot's sections do not add up");
  replayEntries(ledger, { names, columns: entries, times, references, notes, holds }, file);
  return { sequence, scopes };
}

class SnapshotReader {
  private at = 0;

  constructor(private readonly bytes: Buffer, private readonly file: string) {}

  header(): { sequence: number; entryCount: number } {
    const { bytes } = this;
    if (bytes.length < HEADER_BYTES || bytes.toString("latin1", 0, 8) !== MAGIC) {
      throw new CorruptDataError(this.file, 0, "not a snapshot");
    }
    const version = bytes.readUInt32LE(8);
    if (version !== SNAPSHOT_VERSION) throw new CorruptDataError(this.file, 8, `snapshot version ${version} is not ${SNAPSHOT_VERSION}`);
    this.at = HEADER_BYTES;
    return { sequence: bytes.readDoubleLE(16), entryCount: bytes.readDoubleLE(24) };
  }

  section(): { tag: number; body: Buffer; offset: number } {
    const { bytes } = this;
    const offset = this.at;
    if (offset + SECTION_HEADER_BYTES > bytes.length) throw new CorruptDataError(this.file, offset, "the snapshot ends early");
    const tag = bytes.readUInt32LE(offset);
    const length = bytes.readDoubleLE(offset + 8);
    const start = offset + SECTION_HEADER_BYTES;
    if (!Number.isSafeInteger(length) || length < 0 || start + length > bytes.length) {
      throw new CorruptDataError(this.file, offset, "a section runs past the end of the snapshot");
    }
    if (crc32c(bytes, start, start + length) !== bytes.readUInt32LE(offset + 4)) {
      throw new CorruptDataError(this.file, offset, "a section's checksum does not match");
    }
    this.at = start + length + ((8 - (length % 8)) % 8);
    return { tag, body: bytes.subarray(start, start + length), offset };
  }
}

function readNames(body: Buffer): string[] {
  const count = body.readUInt32LE(0);
  const names: string[] = [];
  let at = 4;
  for (let index = 0; index < count; index++) {
    const length = body.readUInt32LE(at);
    names.push(body.toString("utf8", at + 4, at + 4 + length));
    at += 4 + length;
  }
  return names;
}

function readEntries(body: Buffer): EntryColumns {
  const count = body.readUInt32LE(0);
  const view = <T>(Type: new (buffer: ArrayBufferLike, offset: number, length: number) => T, at: number, length: number) =>
    new Type(body.buffer, body.byteOffset + at, length);
  const kindAt = 8;
  const debitAt = kindAt + count + padding(count).length;
  const creditAt = debitAt + count * 4 + padding(count * 4).length;
  const debitAfterAt = creditAt + count * 4 + padding(count * 4).length;
  const creditAfterAt = debitAfterAt + count * 8;
  return {
    count,
    kind: view(Uint8Array, kindAt, count),
    debitAccount: view(Uint32Array, debitAt, count),
    creditAccount: view(Uint32Array, creditAt, count),
    debitBalanceAfterMinor: view(Float64Array, debitAfterAt, count),
    creditBalanceAfterMinor: view(Float64Array, creditAfterAt, count),
  };
}

function readTimes(body: Buffer): SnapshotState["times"] {
  const count = body.readUInt32LE(0);
  const timesAt = 8 + count * 4 + padding(count * 4).length;
  return {
    starts: new Uint32Array(body.buffer, body.byteOffset + 8, count),
    timesMs: new Float64Array(body.buffer, body.byteOffset + timesAt, count),
  };
}

function readNotes(body: Buffer): Notes {
  const count = body.readUInt32LE(0);
  const stride = count * 4 + padding(count * 4).length;
  const view = (at: number) => new Uint32Array(body.buffer, body.byteOffset + at, count);
  return { positions: view(8), holds: view(8 + stride), references: view(8 + 2 * stride) };
}

function readHolds(body: Buffer): HoldColumns {
  const count = body.readUInt32LE(0);
  return {
    amountsMinor: new Float64Array(body.buffer, body.byteOffset + 8, count),
    expiresAtMs: new Float64Array(body.buffer, body.byteOffset + 8 + count * 8, count),
  };
}

function readScope(body: Buffer, scopes: Map<string, Uint8Array[]>): void {
  const nameLength = body[0] as number;
  const name = body.toString("latin1", 1, 1 + nameLength);
  let at = 1 + nameLength;
  const count = body.readUInt32LE(at);
  at += 4;
  const entries = scopes.get(name) ?? [];
  for (let index = 0; index < count; index++) {
    const length = body.readUInt32LE(at);
    entries.push(body.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  scopes.set(name, entries);
}

type Contents = Pick<SnapshotState, "names" | "columns" | "times"> & {
  readonly references: readonly string[];
  readonly notes: Notes;
  readonly holds: HoldColumns;
};

/**
 * Replays the snapshot's entries through the ledger's writer. An entry keeps balances, not
 * amounts: the amount is the change from the balance before, and the balance after each replayed
 * entry must be the one the snapshot holds. A hold's amount and expiry come from its own section.
 */
function replayEntries(ledger: Ledger, contents: Contents, file: string): void {
  const { names, columns: chunks, times, references, notes, holds } = contents;
  const corrupt = (position: number, what: string) => new CorruptDataError(file, 0, `entry ${position} ${what}`);
  let run = 0;
  let note = 0;
  let position = 0;
  for (const columns of chunks) {
    for (let index = 0; index < columns.count; index++, position++) {
      while (run + 1 < times.starts.length && (times.starts[run + 1] as number) <= position) run++;
      while (note < notes.positions.length && (notes.positions[note] as number) < position) note++;
      const noted = note < notes.positions.length && notes.positions[note] === position;
      const kind = columns.kind[index] as EntryKind;
      // A creating entry is noted only when it has a reference; its hold is the next one.
      const hold = noted ? (notes.holds[note] as number) : kind === EntryKind.HoldCreated ? ledger.holds.count + 1 : 0;
      const referenceText = noted ? (references[notes.references[note] as number] ?? "") : "";
      const reference = referenceText === "" ? 0 : ledger.references.numberOf(referenceText);
      const timeMs = times.timesMs[run] as number;
      const debit = columns.debitAccount[index] as number;
      const credit = columns.creditAccount[index] as number;
      const debitAfterMinor = columns.debitBalanceAfterMinor[index] as number;
      const creditAfterMinor = columns.creditBalanceAfterMinor[index] as number;
      if (kind === EntryKind.Opened) {
        if (credit !== ledger.accountCount || names[credit] === undefined) throw corrupt(position, "opens an unknown account");
        ledger.open(names[credit] as string, creditAfterMinor, timeMs);
        continue;
      }
      if (kind >= EntryKind.HoldCreated && kind <= EntryKind.HoldExpired) {
        if (!isHoldStep(ledger, kind, hold, debit, credit, holds)) throw corrupt(position, "is not a step of a hold the ledger could make");
        if (kind === EntryKind.HoldCreated) {
          ledger.hold(debit, credit, holds.amountsMinor[hold] as number, holds.expiresAtMs[hold] as number, timeMs, reference);
        } else {
          const postedMinor = kind === EntryKind.HoldPosted ? ledger.balanceMinorAt(debit) - debitAfterMinor : 0;
          if (kind === EntryKind.HoldPosted && !(postedMinor > 0 && postedMinor <= ledger.holds.amountMinorOf(hold))) throw corrupt(position, "posts more than its hold");
          ledger.endHold(hold, holdEnd(kind), postedMinor, timeMs);
        }
      } else {
        if (!isMovement(ledger, kind, debit, credit)) throw corrupt(position, "is not a movement of known accounts");
        const amountMinor = kind === EntryKind.Deposit
          ? creditAfterMinor - ledger.balanceMinorAt(credit)
          : ledger.balanceMinorAt(debit) - debitAfterMinor;
        if (!(amountMinor > 0)) throw corrupt(position, "moves no money");
        ledger.move(kind as MovementKind, debit, credit, amountMinor, timeMs, reference);
      }
      const same = (debit === NONE || ledger.balanceMinorAt(debit) === debitAfterMinor) &&
        (credit === NONE || ledger.balanceMinorAt(credit) === creditAfterMinor);
      if (!same) throw new CorruptDataError(file, 0, `entry ${position}'s balances do not follow from the ones before`);
    }
  }
}

/** Whether an entry read back is a step of a hold the ledger could make: a new one, or one pending. */
function isHoldStep(ledger: Ledger, kind: EntryKind, hold: number, debit: number, credit: number, holds: HoldColumns): boolean {
  if (!isMovement(ledger, EntryKind.Transfer, debit, credit)) return false;
  if (kind === EntryKind.HoldCreated) {
    const amountMinor = holds.amountsMinor[hold] as number;
    return hold === ledger.holds.count + 1 && amountMinor > 0 && ledger.availableMinorAt(debit) >= amountMinor;
  }
  return ledger.holds.has(hold) && ledger.holds.statusOf(hold) === HoldStatus.Pending &&
    ledger.holds.senderOf(hold) === debit && ledger.holds.recipientOf(hold) === credit;
}

function holdEnd(kind: EntryKind): HoldEnd {
  return kind === EntryKind.HoldPosted ? HoldStatus.Posted : kind === EntryKind.HoldVoided ? HoldStatus.Voided : HoldStatus.Expired;
}

/** Whether an entry read back is a movement the ledger could have recorded: its kind and sides. */
export function isMovement(ledger: Ledger, kind: number, debit: number, credit: number): boolean {
  const known = (account: number) => account < ledger.accountCount;
  switch (kind) {
    case EntryKind.Deposit:
      return debit === NONE && known(credit);
    case EntryKind.Withdrawal:
      return known(debit) && credit === NONE;
    case EntryKind.Transfer:
      return known(debit) && known(credit) && debit !== credit;
    default:
      return false;
  }
}
