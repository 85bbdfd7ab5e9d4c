// The append-only journal: every transaction the bank ever recorded, stored as columns of typed
// arrays (25 bytes an entry) in chunks of 65,536 entries, so that memory grows smoothly and a full
// chunk is never copied. An entry holds each side's account and balance after; its amount is the
// difference from that account's balance before (see history.ts), and its time is kept once per
// run of entries with the same time (time never goes backwards in the journal).

import { assert } from "./assert.js";

/**
 * What an entry records. A transfer is one entry that both accounts see; so is each step of a hold
 * (created, posted, voided, expired), whose sides are its sender and its recipient.
 */
export const EntryKind = {
  Opened: 0,
  Deposit: 1,
  Withdrawal: 2,
  Transfer: 3,
  HoldCreated: 4,
  HoldPosted: 5,
  HoldVoided: 6,
  HoldExpired: 7,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** "No account": the largest Uint32, never a valid index. */
export const NONE = 0xffff_ffff;

/** Entries per chunk, as a power of two so that a position splits into chunk and offset by shifts. */
const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/**
 * A chunk's arrays start small and grow by a quarter (copying) until they reach CHUNK_SIZE, and a new
 * chunk starts at a quarter of the entries so far: the unused room is then never more than a
 * quarter of the journal, and once the journal is large, chunks are born full-size and nothing is
 * copied any more.
 */
const CHUNK_CAPACITY_MIN = 256;
/** Positions are Uint32: the journal holds at most this many entries. */
export const JOURNAL_ENTRIES_MAX = NONE - 1;

/** One column each: the debit side is the account money leaves, the credit side the one it joins. */
class Chunk {
  readonly kind: Uint8Array;
  readonly debitAccount: Uint32Array;
  readonly creditAccount: Uint32Array;
  readonly debitBalanceAfterMinor: Float64Array;
  readonly creditBalanceAfterMinor: Float64Array;

  constructor(readonly capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.debitAccount = new Uint32Array(capacity);
    this.creditAccount = new Uint32Array(capacity);
    this.debitBalanceAfterMinor = new Float64Array(capacity);
    this.creditBalanceAfterMinor = new Float64Array(capacity);
  }

  /** A copy with room for `capacity` entries, used while the first chunk grows. */
  grown(capacity: number): Chunk {
    const chunk = new Chunk(capacity);
    chunk.kind.set(this.kind);
    chunk.debitAccount.set(this.debitAccount);
    chunk.creditAccount.set(this.creditAccount);
    chunk.debitBalanceAfterMinor.set(this.debitBalanceAfterMinor);
    chunk.creditBalanceAfterMinor.set(this.creditBalanceAfterMinor);
    return chunk;
  }
}

/** Some consecutive entries, column by column. */
export interface EntryColumns {
  readonly count: number;
  readonly kind: Uint8Array;
  readonly debitAccount: Uint32Array;
  readonly creditAccount: Uint32Array;
  readonly debitBalanceAfterMinor: Float64Array;
  readonly creditBalanceAfterMinor: Float64Array;
}

/** Bytes one entry costs in the columns above. */
export const ENTRY_BYTES = 1 + 4 * 2 + 8 * 2;

/**
 * The times of the journal: one (first position, time) pair per run of entries that share a time.
 * The default clock is read once per synchronous run of operations and a batch has one time, so
 * runs are few: at a million transfers a second, about one per thousand entries.
 */
class TimeRuns {
  private starts = new Uint32Array(64);
  private timesMs = new Float64Array(64);
  private count = 0;

  /** Starts a run: the entry at `position`, the journal's next, happened at `timeMs`, later than the last run's. */
  add(position: number, timeMs: number): void {
    const count = this.count;
    assert(count === 0 || timeMs > (this.timesMs[count - 1] as number), "journal time never goes backwards");
    if (count === this.starts.length) this.grow();
    this.starts[count] = position;
    this.timesMs[count] = timeMs;
    this.count = count + 1;
  }

  private grow(): void {
    const starts = new Uint32Array(this.starts.length * 2);
    const timesMs = new Float64Array(this.timesMs.length * 2);
    starts.set(this.starts);
    timesMs.set(this.timesMs);
    this.starts = starts;
    this.timesMs = timesMs;
  }

  /** The time of the entry at `position` (a position already added). */
  timeMsAt(position: number): number {
    let low = 0;
    let high = this.count;
    // The run holding `position` is the last one starting at or before it.
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.starts[middle] as number) <= position) low = middle + 1;
      else high = middle;
    }
    return this.timesMs[low - 1] as number;
  }

  /** The runs that start before `count`, copied: what a snapshot of the first `count` entries keeps. */
  runsBefore(count: number): { starts: Uint32Array; timesMs: Float64Array } {
    let runs = 0;
    while (runs < this.count && (this.starts[runs] as number) < count) runs++;
    return { starts: this.starts.slice(0, runs), timesMs: this.timesMs.slice(0, runs) };
  }

  /**
   * The last position whose time is at or before `timeMs`, or -1 when every entry is later.
   * `length` is the journal's. Time never goes backwards, so this is a binary search.
   */
  lastAtOrBefore(timeMs: number, length: number): number {
    let low = 0;
    let high = this.count;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.timesMs[middle] as number) <= timeMs) low = middle + 1;
      else high = middle;
    }
    // Run `low - 1` is the last with a time at or before; its last entry is just before the next run.
    if (low === 0) return -1;
    return low < this.count ? (this.starts[low] as number) - 1 : length - 1;
  }

  get capacityBytes(): number {
    return this.starts.byteLength + this.timesMs.byteLength;
  }
}

/**
 * The journal. Positions are 0-based and dense; a transaction's public id is its position + 1.
 * Only the ledger writes to it, always after validation, so every append is already known to be valid.
 */
export class Journal {
  private readonly chunks: Chunk[] = [new Chunk(CHUNK_CAPACITY_MIN)];
  private tail: Chunk = this.chunks[0] as Chunk;
  private tailOffset = 0;
  private readonly times = new TimeRuns();
  /** Number of entries. */
  length = 0;
  /** The time of the last entry, or -Infinity in an empty journal. Read it; only `append` writes it. */
  lastTimeMs = Number.NEGATIVE_INFINITY;

  /** Appends one entry (NONE for a side it does not have) and returns its position. */
  append(
    kind: EntryKind,
    timeMs: number,
    debitAccount: number,
    debitBalanceAfterMinor: number,
    creditAccount: number,
    creditBalanceAfterMinor: number,
  ): number {
    if (this.tailOffset === this.tail.capacity) this.makeRoom();
    const chunk = this.tail;
    const offset = this.tailOffset++;
    chunk.kind[offset] = kind;
    chunk.debitAccount[offset] = debitAccount;
    chunk.debitBalanceAfterMinor[offset] = debitBalanceAfterMinor;
    chunk.creditAccount[offset] = creditAccount;
    chunk.creditBalanceAfterMinor[offset] = creditBalanceAfterMinor;
    // Most entries share the last one's time; only a new time starts a run.
    if (timeMs !== this.lastTimeMs) {
      this.times.add(this.length, timeMs);
      this.lastTimeMs = timeMs;
    }
    return this.length++;
  }

  private makeRoom(): void {
    assert(this.length < JOURNAL_ENTRIES_MAX, "journal is full");
    if (this.tail.capacity < CHUNK_SIZE) {
      // The tail chunk still covers CHUNK_SIZE positions; only its arrays are short. Grow them.
      this.tail = this.tail.grown(Math.min(CHUNK_SIZE, Math.ceil(this.tail.capacity * 1.25)));
      this.chunks[this.chunks.length - 1] = this.tail;
    } else {
      const quarter = Math.ceil(this.length / 4);
      this.tail = new Chunk(Math.min(CHUNK_SIZE, Math.max(CHUNK_CAPACITY_MIN, quarter)));
      this.chunks.push(this.tail);
      this.tailOffset = 0;
    }
  }

  private chunk(position: number): Chunk {
    assert(position >= 0 && position < this.length, "journal position out of range");
    return this.chunks[position >>> CHUNK_BITS] as Chunk;
  }

  kind(position: number): EntryKind {
    return this.chunk(position).kind[position & CHUNK_MASK] as EntryKind;
  }
  timeMs(position: number): number {
    this.chunk(position);
    return this.times.timeMsAt(position);
  }
  debitAccount(position: number): number {
    return this.chunk(position).debitAccount[position & CHUNK_MASK] as number;
  }
  creditAccount(position: number): number {
    return this.chunk(position).creditAccount[position & CHUNK_MASK] as number;
  }
  debitBalanceAfterMinor(position: number): number {
    return this.chunk(position).debitBalanceAfterMinor[position & CHUNK_MASK] as number;
  }
  creditBalanceAfterMinor(position: number): number {
    return this.chunk(position).creditBalanceAfterMinor[position & CHUNK_MASK] as number;
  }

  /** The balance of `account` right after the entry at `position`; the account must be a side of it. */
  balanceAfterMinor(position: number, account: number): number {
    const chunk = this.chunk(position);
    const offset = position & CHUNK_MASK;
    if (chunk.debitAccount[offset] === account) return chunk.debitBalanceAfterMinor[offset] as number;
    assert(chunk.creditAccount[offset] === account, "account is a side of this entry");
    return chunk.creditBalanceAfterMinor[offset] as number;
  }

  /**
   * The first `count` entries, column by column, a chunk at a time, as views of the journal's own
   * arrays: entries are never changed once appended, so the views stay true (a snapshot writes them).
   */
  *columnsBefore(count: number): IterableIterator<EntryColumns> {
    assert(count >= 0 && count <= this.length, "a snapshot covers entries the journal has");
    for (let start = 0; start < count; start += CHUNK_SIZE) {
      const chunk = this.chunks[start >>> CHUNK_BITS] as Chunk;
      const entries = Math.min(CHUNK_SIZE, count - start);
      yield {
        count: entries,
        kind: chunk.kind.subarray(0, entries),
        debitAccount: chunk.debitAccount.subarray(0, entries),
        creditAccount: chunk.creditAccount.subarray(0, entries),
        debitBalanceAfterMinor: chunk.debitBalanceAfterMinor.subarray(0, entries),
        creditBalanceAfterMinor: chunk.creditBalanceAfterMinor.subarray(0, entries),
      };
    }
  }

  /** The last position recorded at or before `timeMs`, or -1 when every entry is later. */
  lastAtOrBefore(timeMs: number): number {
    return this.times.lastAtOrBefore(timeMs, this.length);
  }

  /** The times of the first `count` entries, as runs (see TimeRuns). */
  timesBefore(count: number): { starts: Uint32Array; timesMs: Float64Array } {
    return this.times.runsBefore(count);
  }

  /** Bytes held by the columns and the times, including unused room. */
  get capacityBytes(): number {
    let entries = 0;
    for (const chunk of this.chunks) entries += chunk.capacity;
    return entries * ENTRY_BYTES + this.times.capacityBytes;
  }
}
