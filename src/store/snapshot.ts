// Snapshots: the whole state at one sequence number, in one file (docs/DURABILITY.md describes the
// format). A restart loads the newest snapshot and replays only the journal after it. The journal's
// entries are written column by column, straight from the ledger's own arrays, and read back
// through the ledger's one writer, as the journal's records are.

import { EntryKind, NONE, type DurableScope, type Ledger, type MovementKind } from "../core/internal.js";
import type { EntryColumns } from "../core/journal.js";
import { crc32c } from "./crc32c.js";
import { CorruptDataError } from "./errors.js";

const MAGIC = "BANKSNAP";
export const SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 32;
const SECTION_HEADER_BYTES = 16;

const Section = { Names: 1, Entries: 2, Times: 3, Scope: 4, End: 9 } as const;

/** The state at one sequence number, captured at once; the entries are views that never change. */
export interface SnapshotState {
  readonly sequence: number;
  readonly names: readonly string[];
  readonly entryCount: number;
  readonly columns: readonly EntryColumns[];
  readonly times: { readonly starts: Uint32Array; readonly timesMs: Float64Array };
  readonly scopes: readonly { readonly name: string; readonly entries: readonly Uint8Array[] }[];
}

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
  yield* section(Section.Names, namesBody(state.names));
  for (const columns of state.columns) yield* section(Section.Entries, ...entriesBody(columns));
  yield* section(Section.Times, ...timesBody(state.times));
  for (const scope of state.scopes) yield* section(Section.Scope, scopeBody(scope.name, scope.entries));
  yield* section(Section.End);
}

/** A section: tag, checksum and length of the body, the body's parts, padding to 8 bytes. */
function* section(tag: number, ...parts: Uint8Array[]): IterableIterator<Uint8Array> {
  let length = 0;
  let crc = 0;
  for (const part of parts) {
    length += part.byteLength;
    crc = crc32c(bytesOf(part), 0, part.byteLength, crc);
  }
  const header = Buffer.alloc(SECTION_HEADER_BYTES);
  header.writeUInt32LE(tag, 0);
  header.writeUInt32LE(crc, 4);
  header.writeDoubleLE(length, 8);
  yield header;
  for (const part of parts) yield bytesOf(part);
  if (length % 8 !== 0) yield Buffer.alloc(8 - (length % 8));
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
  const scopes = new Map<string, Uint8Array[]>();
  for (;;) {
    const { tag, body, offset } = reader.section();
    if (tag === Section.End) break;
    if (tag === Section.Names) names = readNames(body);
    else if (tag === Section.Entries) entries.push(readEntries(body));
    else if (tag === Section.Times) times = readTimes(body);
    else if (tag === Section.Scope) readScope(body, scopes);
    else throw new CorruptDataError(file, offset, `unknown section ${tag}`);
  }
  const counted = entries.reduce((total, columns) => total + columns.count, 0);
  if (times === null || counted !== entryCount) throw new CorruptDataError(file, HEADER_BYTES, "the snapshot's sections do not add up");
  replayEntries(ledger, names, entries, times, file);
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

/**
 * Replays the snapshot's entries through the ledger's writer. An entry keeps balances, not
 * amounts: the amount is the change from the balance before, and the balance after each replayed
 * entry must be the one the snapshot holds.
 */
function replayEntries(
  ledger: Ledger, names: readonly string[], chunks: readonly EntryColumns[], times: SnapshotState["times"], file: string,
): void {
  let run = 0;
  let position = 0;
  for (const columns of chunks) {
    for (let index = 0; index < columns.count; index++, position++) {
      while (run + 1 < times.starts.length && (times.starts[run + 1] as number) <= position) run++;
      const timeMs = times.timesMs[run] as number;
      const kind = columns.kind[index] as EntryKind;
      const debit = columns.debitAccount[index] as number;
      const credit = columns.creditAccount[index] as number;
      const creditAfterMinor = columns.creditBalanceAfterMinor[index] as number;
      const debitAfterMinor = columns.debitBalanceAfterMinor[index] as number;
      if (kind === EntryKind.Opened) {
        if (credit !== ledger.accountCount || names[credit] === undefined) throw new CorruptDataError(file, 0, `entry ${position} opens an unknown account`);
        ledger.open(names[credit] as string, creditAfterMinor, timeMs);
        continue;
      }
      if (!isMovement(ledger, kind, debit, credit)) throw new CorruptDataError(file, 0, `entry ${position} is not a movement of known accounts`);
      const amountMinor = kind === EntryKind.Deposit
        ? creditAfterMinor - ledger.balanceMinorAt(credit)
        : ledger.balanceMinorAt(debit) - debitAfterMinor;
      if (!(amountMinor > 0)) throw new CorruptDataError(file, 0, `entry ${position} moves no money`);
      ledger.move(kind as MovementKind, debit, credit, amountMinor, timeMs);
      const same = (debit === NONE || ledger.balanceMinorAt(debit) === debitAfterMinor) &&
        (credit === NONE || ledger.balanceMinorAt(credit) === creditAfterMinor);
      if (!same) throw new CorruptDataError(file, 0, `entry ${position}'s balances do not follow from the ones before`);
    }
  }
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
