// Recovery: the newest snapshot, then every journal record after it, replayed through the ledger's
// writer, a whole group (one commit) at a time. A torn or damaged last group, which no response
// ever acknowledged, is cut off and reported; damage anywhere before it stops the start.

import path from "node:path";
import { EntryKind, HoldStatus, NONE, type HoldEnd, type Ledger, type MovementKind } from "../core/internal.js";
import { CorruptDataError } from "./errors.js";
import type { StoreFiles } from "./files.js";
import { readRecord, RecordBytes, type JournalRecord, type MovementVisitor } from "./record-reader.js";
import { RecordKind, RECORD_HEADER_BYTES } from "./records.js";
import { classify, JOURNAL_VERSION, readSegmentHeader, SEGMENT_HEADER_BYTES, type Named } from "./segments.js";
import { isMovement, loadSnapshot } from "./snapshot.js";

/** Where the scopes' entries go: to the scope of that name, or kept for one added later. */
export type RestoreEntry = (scope: string, entry: Uint8Array) => void;

/** What recovery found: where to go on writing, and what it had to cut. */
export interface Recovery {
  readonly nextSequence: number;
  /** The snapshot the state was loaded from, or null. */
  readonly snapshot: Named | null;
  /** The segments still in the directory, oldest first (the last one is appended to, if `appendable`). */
  readonly segments: readonly Named[];
  /**
   * Whether the last segment ends with the last record recovered, so that new records may follow
   * it there. It ends before when a snapshot landed and the tail of the segment it covers did not;
   * and a segment of an earlier version takes no records of this one.
   */
  readonly appendable: boolean;
  /** Bytes of journal written since the snapshot: when the next one is due. */
  readonly journalBytesSinceSnapshot: number;
  readonly snapshotBytes: number;
  /** Sentences for the log: a torn tail cut off, a leftover temporary file removed. */
  readonly notices: readonly string[];
}

export async function recover(files: StoreFiles, directory: string, ledger: Ledger, restore: RestoreEntry): Promise<Recovery> {
  const { segments, snapshots, temporary } = classify(await files.list(directory));
  const notices: string[] = [];
  for (const name of temporary) {
    await files.remove(path.join(directory, name));
    notices.push(`removed ${name}, a snapshot cut off while it was written`);
  }
  let sequence = 0;
  let snapshotBytes = 0;
  const snapshot = snapshots[0] ?? null;
  if (snapshot !== null) {
    const file = path.join(directory, snapshot.name);
    const bytes = Buffer.from(await files.read(file));
    const loaded = loadSnapshot(bytes, file, ledger);
    if (loaded.sequence !== snapshot.sequence) throw new CorruptDataError(file, 16, "the snapshot's sequence number is not its name's");
    for (const [scope, entries] of loaded.scopes) for (const entry of entries) restore(scope, entry);
    sequence = loaded.sequence;
    snapshotBytes = bytes.length;
  }
  let journalBytes = 0;
  let lastEnd = 0;
  let lastCurrent = false;
  const kept: Named[] = [];
  for (const [index, segment] of segments.entries()) {
    // A segment whose records all come before the state recovered so far (the next one begins at
    // or before the record after it) holds nothing to replay: a snapshot covers it. It is not read,
    // for a power cut may have undone its removal and left its tail torn; the next snapshot removes it.
    const following = segments[index + 1];
    if (following !== undefined && following.sequence <= sequence + 1) {
      kept.push(segment);
      continue;
    }
    const file = path.join(directory, segment.name);
    const last = index === segments.length - 1;
    const replayed = await replaySegment(files, file, segment, last, sequence, ledger, restore);
    sequence = replayed.lastSequence;
    if (replayed.notice !== null) notices.push(replayed.notice);
    if (replayed.removed) continue;
    kept.push(segment);
    journalBytes += replayed.bytes;
    lastEnd = replayed.endSequence;
    lastCurrent = replayed.version === JOURNAL_VERSION;
  }
  const appendable = kept.length > 0 && lastEnd === sequence && lastCurrent;
  return { nextSequence: sequence + 1, snapshot, segments: kept, appendable, journalBytesSinceSnapshot: journalBytes, snapshotBytes, notices };
}

interface Replayed {
  readonly lastSequence: number;
  /** The sequence number of the segment's own last whole record (its first, less one, if none). */
  readonly endSequence: number;
  /** Bytes of records after the snapshot's sequence number. */
  readonly bytes: number;
  readonly notice: string | null;
  /** Whether the segment was removed (a last segment cut off before its header was whole). */
  readonly removed: boolean;
  /** The segment's journal version (0 if removed). */
  readonly version: number;
}

async function replaySegment(
  files: StoreFiles, file: string, segment: Named, last: boolean, afterSequence: number, ledger: Ledger, restore: RestoreEntry,
): Promise<Replayed> {
  const bytes = Buffer.from(await files.read(file));
  const records = new RecordBytes(bytes);
  const header = readSegmentHeader(bytes);
  if (typeof header === "string") {
    if (last && bytes.length < SEGMENT_HEADER_BYTES) {
      await files.remove(file);
      const notice = `removed ${segment.name}, a segment cut off while it was created`;
      return { lastSequence: afterSequence, endSequence: afterSequence, bytes: 0, notice, removed: true, version: 0 };
    }
    throw new CorruptDataError(file, 0, header);
  }
  const { first, version } = header;
  if (first !== segment.sequence) throw new CorruptDataError(file, 16, "the segment's first sequence number is not its name's");
  if (first > afterSequence + 1) throw new CorruptDataError(file, 16, `records ${afterSequence + 1} to ${first - 1} are missing`);
  let expected = first;
  let offset = SEGMENT_HEADER_BYTES;
  let committedEnd = offset;
  /** The sequence number of the last whole group's commit (the first's, less one, if none). */
  let committed = first - 1;
  let group: JournalRecord[] = [];
  let counted = 0;
  while (offset < bytes.length) {
    const record = readRecord(bytes, offset);
    if (typeof record === "string") {
      if (!last || anyRecordAfter(bytes, offset)) throw new CorruptDataError(file, offset, record);
      break;
    }
    if (record.sequence !== expected) {
      throw new CorruptDataError(file, offset, `sequence number ${record.sequence} where ${expected} was due`);
    }
    expected = record.lastSequence + 1;
    // A snapshot is taken between groups: no record runs across its sequence number.
    if (record.sequence <= afterSequence && record.lastSequence > afterSequence) {
      throw new CorruptDataError(file, offset, `record ${record.sequence} runs past the snapshot's sequence number`);
    }
    offset = record.end;
    if (record.sequence <= afterSequence) {
      if (record.kind === RecordKind.Commit) {
        committedEnd = offset;
        committed = record.sequence;
      }
      continue;
    }
    group.push(record);
    if (record.kind !== RecordKind.Commit) continue;
    for (const member of group) apply(records, member, ledger, restore, file, offset);
    counted += offset - committedEnd;
    committedEnd = offset;
    committed = record.sequence;
    group = [];
  }
  const endSequence = committed;
  const lastSequence = Math.max(afterSequence, endSequence);
  if (last && version !== JOURNAL_VERSION && committed === first - 1) {
    // A last segment of an earlier version with no whole group in it (a clean close leaves one
    // begun and empty): it holds nothing, and the segment begun after it takes its name.
    await files.remove(file);
    const notice = `removed ${segment.name}, an empty segment of journal version ${version}; the journal goes on in version ${JOURNAL_VERSION}`;
    return { lastSequence, endSequence, bytes: 0, notice, removed: true, version: 0 };
  }
  if (committedEnd === bytes.length) return { lastSequence, endSequence, bytes: counted, notice: null, removed: false, version };
  // Only the last segment gets here (elsewhere a failure above threw): a torn last group.
  if (!last) throw new CorruptDataError(file, committedEnd, "a group of records is not committed");
  await files.truncate(file, committedEnd);
  const notice = `cut ${bytes.length - committedEnd} bytes at offset ${committedEnd} of ${segment.name}: ` +
    "a last write that did not complete (nothing in it was acknowledged)";
  return { lastSequence, endSequence, bytes: counted, notice, removed: false, version };
}

/**
 * Whether a valid record starts anywhere after `offset`: if one does, the damage at `offset` is
 * not a torn last write, whose garbage only ever runs to the end of the file.
 */
function anyRecordAfter(bytes: Buffer, offset: number): boolean {
  for (let at = offset + 1; at + RECORD_HEADER_BYTES <= bytes.length; at++) {
    if (typeof readRecord(bytes, at) !== "string") return true;
  }
  return false;
}

/** Applies one record of a whole group; `groupEnd` (the commit's end) places any damage found. */
function apply(records: RecordBytes, record: JournalRecord, ledger: Ledger, restore: RestoreEntry, file: string, groupEnd: number): void {
  switch (record.kind) {
    case RecordKind.Opened: {
      const { account, balanceMinor, timeMs, name } = records.opened(record);
      if (account !== ledger.accountCount || ledger.find(name) !== undefined) {
        throw new CorruptDataError(file, groupEnd, `record ${record.sequence} opens account ${account} again`);
      }
      ledger.open(name, balanceMinor, timeMs);
      return;
    }
    case RecordKind.Moves: {
      const move: MovementVisitor = (sequence, kind, debit, credit, amountMinor, timeMs, reference) =>
        applyMovement(ledger, file, groupEnd, sequence, kind, debit, credit, amountMinor, timeMs, reference);
      if (!records.moves(record, move)) throw new CorruptDataError(file, groupEnd, `record ${record.sequence}'s movements do not fill it`);
      return;
    }
    case RecordKind.Moved: {
      const { kind, debit, credit, amountMinor, timeMs, reference } = records.moved(record);
      applyMovement(ledger, file, groupEnd, record.sequence, kind, debit, credit, amountMinor, timeMs, reference);
      return;
    }
    case RecordKind.Held: {
      const { hold, sender, recipient, amountMinor, expiresAtMs, timeMs, reference } = records.held(record);
      const valid = hold === ledger.holds.count + 1 && isMovement(ledger, EntryKind.Transfer, sender, recipient) &&
        amountMinor > 0 && ledger.availableMinorAt(sender) >= amountMinor;
      if (!valid) throw new CorruptDataError(file, groupEnd, `record ${record.sequence} is not a hold the ledger could make`);
      ledger.hold(sender, recipient, amountMinor, expiresAtMs, timeMs, referenceNumber(ledger, reference));
      return;
    }
    case RecordKind.Ended: {
      const { hold, end, postedMinor, timeMs } = records.ended(record);
      const { holds } = ledger;
      const valid = holds.has(hold) && holds.statusOf(hold) === HoldStatus.Pending &&
        (end === HoldStatus.Posted ? postedMinor > 0 && postedMinor <= holds.amountMinorOf(hold) : (end === HoldStatus.Voided || end === HoldStatus.Expired) && postedMinor === 0);
      if (!valid) throw new CorruptDataError(file, groupEnd, `record ${record.sequence} does not end a pending hold`);
      ledger.endHold(hold, end as HoldEnd, postedMinor, timeMs);
      return;
    }
    case RecordKind.Scoped: {
      const { scope, entry } = records.scoped(record);
      restore(scope, entry);
      return;
    }
    default:
      return;
  }
}

/** Applies one movement read back (sequence number `sequence`), once it is one the ledger could have made. */
function applyMovement(
  ledger: Ledger, file: string, groupEnd: number,
  sequence: number, kind: number, debit: number, credit: number, amountMinor: number, timeMs: number, reference: string | null,
): void {
  if (!isMovement(ledger, kind, debit, credit) || !(amountMinor > 0)) {
    throw new CorruptDataError(file, groupEnd, `record ${sequence} is not a movement of known accounts`);
  }
  if (debit !== NONE && ledger.availableMinorAt(debit) < amountMinor) {
    throw new CorruptDataError(file, groupEnd, `record ${sequence} moves more than its account holds`);
  }
  ledger.move(kind as MovementKind, debit, credit, amountMinor, timeMs, referenceNumber(ledger, reference));
}

/** The ledger's number for a reference read back (0 for none). */
export function referenceNumber(ledger: Ledger, reference: string | null): number {
  return reference === null ? 0 : ledger.references.numberOf(reference);
}
