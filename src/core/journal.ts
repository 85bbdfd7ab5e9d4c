// The append-only journal: every transaction the bank ever recorded, stored as columns of typed
// arrays (49 bytes an entry) in chunks of 65,536 entries, so that memory grows smoothly and a full
// chunk is never copied. Each entry links back to the previous entry of each account it
// touches, which gives every account its own history without a second index.

import { assert } from "./assert.js";

/** What an entry records. A transfer is one entry that both accounts see. */
export const EntryKind = {
  Opened: 0,
  Deposit: 1,
  Withdrawal: 2,
  Transfer: 3,
} as const;
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

/** "No account" and "no previous entry": the largest Uint32, never a valid index or position. */
export const NONE = 0xffff_ffff;

/** Entries per chunk, as a power of two so that a position splits into chunk and offset by shifts. */
const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/**
 * A chunk's arrays start small and grow by a quarter (copying) until they reach CHUNK_SIZE, and a new
 * chunk starts at a quarter of the entries so far: the unused room is then never more than a
 * quarter of the journal, so an entry costs at most 49 * 1.25 bytes at any size, and once the
 * journal is large, chunks are born full-size and nothing is copied any more.
 */
const CHUNK_CAPACITY_MIN = 256;
/** Positions are Uint32 and NONE is reserved: the journal holds at most this many entries. */
export const JOURNAL_ENTRIES_MAX = NONE - 1;

/** One column each: the debit side is the account money leaves, the credit side the one it joins. */
class Chunk {
  readonly kind: Uint8Array;
  readonly amountMinor: Float64Array;
  readonly timeMs: Float64Array;
  readonly debitAccount: Uint32Array;
  readonly creditAccount: Uint32Array;
  readonly debitBalanceAfterMinor: Float64Array;
  readonly creditBalanceAfterMinor: Float64Array;
  readonly debitPrevious: Uint32Array;
  readonly creditPrevious: Uint32Array;

  constructor(readonly capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.amountMinor = new Float64Array(capacity);
    this.timeMs = new Float64Array(capacity);
    this.debitAccount = new Uint32Array(capacity);
    this.creditAccount = new Uint32Array(capacity);
    this.debitBalanceAfterMinor = new Float64Array(capacity);
    this.creditBalanceAfterMinor = new Float64Array(capacity);
    this.debitPrevious = new Uint32Array(capacity);
    this.creditPrevious = new Uint32Array(capacity);
  }

  /** A copy with room for `capacity` entries, used while the first chunk grows. */
  grown(capacity: number): Chunk {
    const chunk = new Chunk(capacity);
    chunk.kind.set(this.kind);
    chunk.amountMinor.set(this.amountMinor);
    chunk.timeMs.set(this.timeMs);
    chunk.debitAccount.set(this.debitAccount);
    chunk.creditAccount.set(this.creditAccount);
    chunk.debitBalanceAfterMinor.set(this.debitBalanceAfterMinor);
    chunk.creditBalanceAfterMinor.set(this.creditBalanceAfterMinor);
    chunk.debitPrevious.set(this.debitPrevious);
    chunk.creditPrevious.set(this.creditPrevious);
    return chunk;
  }
}

/** Bytes one entry costs in the columns above. */
export const ENTRY_BYTES = 1 + 8 * 4 + 4 * 4;

/**
 * The journal. Positions are 0-based and dense; a transaction's public id is its position + 1.
 * Only `Bank` writes to it, always after validation, so every append is already known to be valid.
 */
export class Journal {
  private readonly chunks: Chunk[] = [new Chunk(CHUNK_CAPACITY_MIN)];
  private tail: Chunk = this.chunks[0] as Chunk;
  private tailOffset = 0;
  /** Number of entries. */
  length = 0;

  /** Appends one entry and returns its position. */
  append(
    kind: EntryKind,
    amountMinor: number,
    timeMs: number,
    debitAccount: number,
    debitBalanceAfterMinor: number,
    debitPrevious: number,
    creditAccount: number,
    creditBalanceAfterMinor: number,
    creditPrevious: number,
  ): number {
    if (this.tailOffset === this.tail.capacity) this.makeRoom();
    const chunk = this.tail;
    const offset = this.tailOffset++;
    chunk.kind[offset] = kind;
    chunk.amountMinor[offset] = amountMinor;
    chunk.timeMs[offset] = timeMs;
    chunk.debitAccount[offset] = debitAccount;
    chunk.debitBalanceAfterMinor[offset] = debitBalanceAfterMinor;
    chunk.debitPrevious[offset] = debitPrevious;
    chunk.creditAccount[offset] = creditAccount;
    chunk.creditBalanceAfterMinor[offset] = creditBalanceAfterMinor;
    chunk.creditPrevious[offset] = creditPrevious;
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
  amountMinor(position: number): number {
    return this.chunk(position).amountMinor[position & CHUNK_MASK] as number;
  }
  timeMs(position: number): number {
    return this.chunk(position).timeMs[position & CHUNK_MASK] as number;
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

  /** The account's entry before this one, or NONE. `account` must be a side of the entry. */
  previousOf(position: number, account: number): number {
    const chunk = this.chunk(position);
    const offset = position & CHUNK_MASK;
    if (chunk.debitAccount[offset] === account) return chunk.debitPrevious[offset] as number;
    assert(chunk.creditAccount[offset] === account, "account is not a side of this entry");
    return chunk.creditPrevious[offset] as number;
  }

  /** Whether the account is the debit or credit side of the entry. */
  involves(position: number, account: number): boolean {
    const chunk = this.chunk(position);
    const offset = position & CHUNK_MASK;
    return chunk.debitAccount[offset] === account || chunk.creditAccount[offset] === account;
  }

  /** Bytes held by the columns, including the unused room of the last chunk. */
  get capacityBytes(): number {
    let entries = 0;
    for (const chunk of this.chunks) entries += chunk.capacity;
    return entries * ENTRY_BYTES;
  }
}
