// The physical floor under every durable figure: how long this disk takes to append a group of
// records and fdatasync it, measured the way the store does it (a synchronous write to a file open
// for appending, then fdatasync on libuv's thread pool), in a temporary directory of the file system
// the benchmark's data directories are made in.

import { closeSync, fdatasync, openSync, statfsSync, writeSync } from "node:fs";
import path from "node:path";
import { formatFixed, median } from "./format.js";
import { makeTemporaryDirectory, removeTemporaryDirectory } from "./temporary.js";

/** The journal's record sizes (docs/DURABILITY.md, format 2): a record's header, a `moves` record's head and movement, a commit. */
const RECORD_HEADER_BYTES = 17;
const MOVES_HEAD_BYTES = 12;
const MOVE_BYTES = 18;
const BATCH_TRANSFERS = 8190;
/** One transfer's group: a `moves` record of one movement, and the commit that closes the group. */
export const TRANSFER_GROUP_BYTES = RECORD_HEADER_BYTES + MOVES_HEAD_BYTES + MOVE_BYTES + RECORD_HEADER_BYTES;
/** One batch of 8,190 transfers' group: one `moves` record of them all, then the commit. */
export const BATCH_GROUP_BYTES = RECORD_HEADER_BYTES + MOVES_HEAD_BYTES + BATCH_TRANSFERS * MOVE_BYTES + RECORD_HEADER_BYTES;
export const FSYNC_SAMPLES = 200;

/** Percentiles of one size's appends, each a write and its fdatasync, in milliseconds. */
export interface AppendLatency {
  readonly bytes: number;
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

export interface FsyncLatency {
  /** The directory the probe file was made in (a temporary one under it, removed after). */
  readonly parent: string;
  /** The file system's name, from its magic number (e.g. "ext2/3/4"), or its number in hex. */
  readonly fileSystem: string;
  readonly samples: number;
  readonly transferGroup: AppendLatency;
  readonly batchGroup: AppendLatency;
}

// Magic numbers of statfs(2)'s f_type for the file systems a benchmark is likely to meet.
const FILE_SYSTEMS: Readonly<Record<number, string>> = {
  0xef53: "ext2/3/4",
  0x58465342: "xfs",
  0x9123683e: "btrfs",
  0x2fc12fc1: "zfs",
  0x01021994: "tmpfs (memory: an fsync there costs nothing)",
  0x794c7630: "overlayfs",
  0x6969: "nfs",
  0x65735546: "fuse",
};

function fileSystemOf(directory: string): string {
  try {
    const type = statfsSync(directory).type;
    return FILE_SYSTEMS[type] ?? `type 0x${type.toString(16)}`;
  } catch {
    return "unknown";
  }
}

function datasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (error) => (error === null ? resolve() : reject(error))));
}

/** `samples` appends of `bytes` to the file, each followed by its fdatasync, timed one by one. */
async function timeAppends(fd: number, bytes: number, samples: number): Promise<AppendLatency> {
  const buffer = Buffer.alloc(bytes, 0xa5);
  const timesMs: number[] = [];
  for (let sample = 0; sample < samples; sample++) {
    const start = performance.now();
    for (let written = 0; written < bytes; ) written += writeSync(fd, buffer, written, bytes - written);
    await datasync(fd);
    timesMs.push(performance.now() - start);
  }
  timesMs.sort((a, b) => a - b);
  const rank = (fraction: number) => timesMs[Math.max(0, Math.ceil(fraction * samples) - 1)] as number;
  return { bytes, medianMs: median(timesMs), p90Ms: rank(0.9), p99Ms: rank(0.99) };
}

/**
 * Measures appends and fdatasync in a temporary directory under `parent`, which is removed again:
 * `samples` appends of one transfer's group, then as many of one batch's.
 */
export async function measureFsync(parent: string, samples = FSYNC_SAMPLES): Promise<FsyncLatency> {
  const directory = makeTemporaryDirectory(parent, "fsync");
  try {
    const fd = openSync(path.join(directory, "probe.log"), "a");
    try {
      const transferGroup = await timeAppends(fd, TRANSFER_GROUP_BYTES, samples);
      const batchGroup = await timeAppends(fd, BATCH_GROUP_BYTES, samples);
      return { parent, fileSystem: fileSystemOf(directory), samples, transferGroup, batchGroup };
    } finally {
      closeSync(fd);
    }
  } finally {
    removeTemporaryDirectory(directory);
  }
}

const size = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${formatFixed(bytes / 1024, 0)} KiB`);

function appendText(latency: AppendLatency): string {
  const ms = (value: number) => formatFixed(value, 2);
  return `${size(latency.bytes)}: median ${ms(latency.medianMs)} ms, p90 ${ms(latency.p90Ms)} ms, p99 ${ms(latency.p99Ms)} ms`;
}

/** One line: "append + fdatasync in /tmp (ext2/3/4), 200 each: 64 B: median 0.35 ms, ...; 144 KiB: ...". */
export function fsyncLine(latency: FsyncLatency): string {
  return (
    `append + fdatasync in ${latency.parent} (${latency.fileSystem}), ${latency.samples} of each: ` +
    `${appendText(latency.transferGroup)}; ${appendText(latency.batchGroup)}`
  );
}

/** The floor as the docs say it, measured before and after the benchmark's runs. */
export function fsyncParagraph(before: FsyncLatency, after: FsyncLatency): string {
  return [
    `**This disk's fsync latency** (the physical floor of every durable figure here): ${size(before.transferGroup.bytes)} is one`,
    `transfer's group in the journal (its record and a commit), ${size(before.batchGroup.bytes)} one batch of 8,190's; each sample`,
    `is a write to a file open for appending and its \`fdatasync\`, as the store does them, in`,
    `\`${before.parent}\` (${before.fileSystem}), ${before.samples} of each size.`,
    "",
    `- Before the runs: ${appendText(before.transferGroup)}; ${appendText(before.batchGroup)}.`,
    `- After the runs: ${appendText(after.transferGroup)}; ${appendText(after.batchGroup)}.`,
  ].join("\n");
}
