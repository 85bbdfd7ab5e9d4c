// The files of a data directory: journal segments, named by the sequence number of their first
// record, and snapshots, named by the sequence number they hold the state at.

export const SEGMENT_MAGIC = "BANKJRNL";
/** The version written; version 1 (movements one to a record) is still read, and never appended to. */
export const JOURNAL_VERSION = 2;
const JOURNAL_VERSION_MIN = 1;
/** magic (8) | u32 version | u32 reserved | f64 first sequence number */
export const SEGMENT_HEADER_BYTES = 24;

const DIGITS = 16;
const SEGMENT_PATTERN = /^journal-(\d{16})\.log$/;
const SNAPSHOT_PATTERN = /^snapshot-(\d{16})\.snap$/;

export function segmentName(firstSequence: number): string {
  return `journal-${String(firstSequence).padStart(DIGITS, "0")}.log`;
}

export function snapshotName(sequence: number): string {
  return `snapshot-${String(sequence).padStart(DIGITS, "0")}.snap`;
}

/** A file of the directory and the sequence number in its name. */
export interface Named {
  readonly name: string;
  readonly sequence: number;
}

/** The directory's segments, oldest first, and snapshots, newest first. */
export function classify(names: readonly string[]): { segments: Named[]; snapshots: Named[]; temporary: string[] } {
  const matching = (pattern: RegExp) =>
    names.flatMap((name) => {
      const match = pattern.exec(name);
      return match === null ? [] : [{ name, sequence: Number(match[1]) }];
    });
  return {
    segments: matching(SEGMENT_PATTERN).sort((a, b) => a.sequence - b.sequence),
    snapshots: matching(SNAPSHOT_PATTERN).sort((a, b) => b.sequence - a.sequence),
    temporary: names.filter((name) => name.endsWith(".tmp")),
  };
}

export function segmentHeader(firstSequence: number): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  header.write(SEGMENT_MAGIC, 0, "latin1");
  header.writeUInt32LE(JOURNAL_VERSION, 8);
  header.writeDoubleLE(firstSequence, 16);
  return header;
}

/** The first sequence number and the version a segment's header names, or why the header is not one. */
export function readSegmentHeader(bytes: Buffer): { first: number; version: number } | string {
  if (bytes.length < SEGMENT_HEADER_BYTES) return "the segment's header is cut short";
  if (bytes.toString("latin1", 0, 8) !== SEGMENT_MAGIC) return "not a journal segment";
  const version = bytes.readUInt32LE(8);
  if (version < JOURNAL_VERSION_MIN || version > JOURNAL_VERSION) return `journal version ${version} is not one this bank reads (${JOURNAL_VERSION_MIN} to ${JOURNAL_VERSION})`;
  return { first: bytes.readDoubleLE(16), version };
}
