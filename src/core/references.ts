// Callers' references on transactions (an invoice number, an order id): kept once each, however
// many transactions carry one, with the positions of those transactions, so that a history
// filtered by reference costs the transactions that have it, not the history.

import { InvalidArgumentError } from "./errors.js";
import { REFERENCE_LENGTH_MAX } from "./limits.js";
import { PositionList } from "./positions.js";

// Visible ASCII (RFC 5234 VCHAR), as idempotency keys: no spaces, no control characters.
const REFERENCE_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${REFERENCE_LENGTH_MAX}}$`);

/** Checks a reference. @throws InvalidArgumentError */
export function validateReference(reference: unknown): string {
  if (typeof reference !== "string" || !REFERENCE_PATTERN.test(reference)) {
    throw new InvalidArgumentError(`Reference must be 1 to ${REFERENCE_LENGTH_MAX} visible ASCII characters`);
  }
  return reference;
}

/** Whether a reference is valid, without an error (for the bulk path). */
export function isReference(reference: unknown): reference is string {
  return typeof reference === "string" && REFERENCE_PATTERN.test(reference);
}

/** References by number (from 1; 0 is "none") and the journal positions that carry each. */
export class References {
  private readonly numbers = new Map<string, number>();
  private readonly texts: string[] = [""];
  private readonly positions: PositionList[] = [new PositionList()];

  /** The reference's number, made on first use. */
  numberOf(reference: string): number {
    let number = this.numbers.get(reference);
    if (number === undefined) {
      number = this.texts.length;
      this.numbers.set(reference, number);
      this.texts.push(reference);
      this.positions.push(new PositionList());
    }
    return number;
  }

  /** The number of a reference already used, or 0. */
  find(reference: string): number {
    return this.numbers.get(reference) ?? 0;
  }

  /** Every reference, by number (0 is ""). */
  get all(): readonly string[] {
    return this.texts;
  }

  textOf(number: number): string | null {
    return number === 0 ? null : (this.texts[number] as string);
  }

  /** Notes that the entry at `position`, the journal's newest, carries reference `number`. */
  noteEntry(number: number, position: number): void {
    (this.positions[number] as PositionList).push(position);
  }

  /** The positions carrying reference `number`, oldest first. */
  positionsOf(number: number): PositionList {
    return this.positions[number] as PositionList;
  }
}
