// A growing list of journal positions, in increasing order: the history of one account. It is
// stored in chunks, so that a long history is never copied whole, and a short one costs little.

/** Positions per full chunk, a power of two so that an index splits into chunk and offset by shifts. */
const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** The first chunk starts this small and doubles (copying) until it is full-size. */
const FIRST_CAPACITY = 4;

/**
 * Positions appended in increasing order; read by index, searched by value. Unused room is at most
 * the last chunk's: never more than the list itself, and one chunk once the list is long.
 */
export class PositionList {
  private readonly chunks: Uint32Array[] = [new Uint32Array(FIRST_CAPACITY)];
  private tail: Uint32Array = this.chunks[0] as Uint32Array;
  private tailLength = 0;
  length = 0;

  push(position: number): void {
    if (this.tailLength === this.tail.length) this.makeRoom();
    this.tail[this.tailLength++] = position;
    this.length++;
  }

  private makeRoom(): void {
    if (this.tail.length < CHUNK_SIZE) {
      const grown = new Uint32Array(this.tail.length * 2);
      grown.set(this.tail);
      this.tail = grown;
      this.chunks[this.chunks.length - 1] = grown;
    } else {
      this.tail = new Uint32Array(CHUNK_SIZE);
      this.chunks.push(this.tail);
      this.tailLength = 0;
    }
  }

  /** The position at `index`, 0 <= index < length. */
  at(index: number): number {
    return (this.chunks[index >>> CHUNK_BITS] as Uint32Array)[index & CHUNK_MASK] as number;
  }

  /** The index of the last position at or before `position`, or -1 when every one is after it. */
  lastAtOrBefore(position: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.at(middle) <= position) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  }

  /** The index of `position`, or -1 when it is not in the list. */
  indexOf(position: number): number {
    const index = this.lastAtOrBefore(position);
    return index >= 0 && this.at(index) === position ? index : -1;
  }

  /** Bytes held by the chunks, unused room included. */
  get capacityBytes(): number {
    let positions = 0;
    for (const chunk of this.chunks) positions += chunk.length;
    return positions * Uint32Array.BYTES_PER_ELEMENT;
  }
}
