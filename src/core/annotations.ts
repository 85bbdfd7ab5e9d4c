// What a few journal entries carry beyond their columns: a caller's reference, and the hold a
// hold's step belongs to. Kept sparse, in journal order, so an entry without either costs nothing.

import { PositionList } from "./positions.js";

const INITIAL_CAPACITY = 64;

export class Annotations {
  private readonly positions = new PositionList();
  private holds: Uint32Array<ArrayBuffer> = new Uint32Array(INITIAL_CAPACITY);
  private references: Uint32Array<ArrayBuffer> = new Uint32Array(INITIAL_CAPACITY);

  /** Notes the entry at `position` (the journal's newest): its hold (0 for none) and reference number (0 for none). */
  add(position: number, hold: number, reference: number): void {
    const index = this.positions.length;
    if (index === this.holds.length) {
      this.holds = grown(this.holds);
      this.references = grown(this.references);
    }
    this.positions.push(position);
    this.holds[index] = hold;
    this.references[index] = reference;
  }

  /** The notes of the entries before `count`, copied: what a snapshot of them keeps. */
  before(count: number): { positions: Uint32Array; holds: Uint32Array; references: Uint32Array } {
    const notes = this.positions.lastAtOrBefore(count - 1) + 1;
    return {
      positions: Uint32Array.from({ length: notes }, (_, index) => this.positions.at(index)),
      holds: this.holds.slice(0, notes),
      references: this.references.slice(0, notes),
    };
  }

  /** The hold of the entry at `position`, or 0. */
  holdAt(position: number): number {
    const index = this.positions.indexOf(position);
    return index < 0 ? 0 : (this.holds[index] as number);
  }

  /** The reference number of the entry at `position`, or 0. */
  referenceAt(position: number): number {
    const index = this.positions.indexOf(position);
    return index < 0 ? 0 : (this.references[index] as number);
  }
}

function grown(array: Uint32Array): Uint32Array<ArrayBuffer> {
  const copy = new Uint32Array(array.length * 2);
  copy.set(array);
  return copy;
}
