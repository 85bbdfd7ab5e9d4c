// Account names as the bytes a request carries, mapped to the bank's account indexes, so that the
// batch reader finds thousands of accounts without making a string for each. It learns a name the
// first time it sees it, from the bank, and never forgets: accounts are never closed or renamed,
// so an entry stays true, and there is at most one entry per account.

import { isUtf8 } from "node:buffer";

const TABLE_SLOTS_MIN = 1024;
const ENTRIES_MIN = 256;
const ARENA_BYTES_MIN = 4096;

/**
 * The 32-bit FNV-1a step; a name's hash is this folded over its bytes from FNV_OFFSET_BASIS.
 * Readers compute it while they scan, so the index never reads a name twice to hash it. Hashes
 * are signed 32-bit integers, as they are stored.
 */
export const FNV_OFFSET_BASIS = 0x811c9dc5 | 0;
export function fnvStep(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

/** An open-addressing hash table from UTF-8 name bytes to account indexes. */
export class NameBytesIndex {
  // Slot -> entry number + 1 (0 is empty); the table is kept at most half full.
  private slots = new Int32Array(TABLE_SLOTS_MIN);
  private hashes = new Int32Array(ENTRIES_MIN);
  private starts = new Int32Array(ENTRIES_MIN);
  private lengths = new Int32Array(ENTRIES_MIN);
  private accounts = new Int32Array(ENTRIES_MIN);
  private arena = new Uint8Array(ARENA_BYTES_MIN);
  private arenaLength = 0;
  private count = 0;

  /** `lookup` is the bank's own: the index of the account with this name, or undefined. */
  constructor(private readonly lookup: (name: string) => number | undefined) {}

  /** Names learnt so far. */
  get size(): number {
    return this.count;
  }

  /**
   * The account whose name is `bytes[start..end)` (with `hash` as fnvStep made it), or -1 when
   * no account has that name or the bytes are not UTF-8.
   */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = (this.slots[slot] as number) - 1;
      if (entry < 0) return this.learn(bytes, start, end, hash);
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.holds(entry, bytes, start, length)) {
        return this.accounts[entry] as number;
      }
    }
  }

  private holds(entry: number, bytes: Uint8Array, start: number, length: number): boolean {
    const arena = this.arena;
    const offset = (this.starts[entry] as number) - start;
    for (let index = start; index < start + length; index++) {
      if (arena[index + offset] !== bytes[index]) return false;
    }
    return true;
  }

  /** Asks the bank about a name not seen before, and keeps the answer when it is an account. */
  private learn(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const nameBytes = bytes.subarray(start, end);
    // Only the one valid encoding of a name is kept, so no account takes more than one entry.
    if (!isUtf8(nameBytes)) return -1;
    const account = this.lookup(Buffer.from(nameBytes.buffer, nameBytes.byteOffset, nameBytes.length).toString("utf8"));
    if (account === undefined) return -1;
    this.add(nameBytes, hash, account);
    return account;
  }

  private add(nameBytes: Uint8Array, hash: number, account: number): void {
    if (this.count === this.accounts.length) this.growEntries();
    if (this.arenaLength + nameBytes.length > this.arena.length) this.growArena(nameBytes.length);
    const entry = this.count++;
    this.hashes[entry] = hash;
    this.starts[entry] = this.arenaLength;
    this.lengths[entry] = nameBytes.length;
    this.accounts[entry] = account;
    this.arena.set(nameBytes, this.arenaLength);
    this.arenaLength += nameBytes.length;
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(entry, this.slots);
  }

  private place(entry: number, slots: Int32Array): void {
    const mask = slots.length - 1;
    let slot = (this.hashes[entry] as number) & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = entry + 1;
  }

  private rehash(slotCount: number): void {
    const slots = new Int32Array(slotCount);
    for (let entry = 0; entry < this.count; entry++) this.place(entry, slots);
    this.slots = slots;
  }

  private growEntries(): void {
    const length = this.accounts.length * 2;
    this.hashes = grown(this.hashes, length);
    this.starts = grown(this.starts, length);
    this.lengths = grown(this.lengths, length);
    this.accounts = grown(this.accounts, length);
  }

  private growArena(needed: number): void {
    const arena = new Uint8Array(Math.max(this.arena.length * 2, this.arenaLength + needed));
    arena.set(this.arena.subarray(0, this.arenaLength));
    this.arena = arena;
  }
}

function grown(array: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const copy = new Int32Array(length);
  copy.set(array);
  return copy;
}
