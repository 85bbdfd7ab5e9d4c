// Hold: a handle on one hold of a bank, as `bank.hold()` and `bank.getHold()` return it. It holds
// no state of its own; every field is read from the ledger, so it is never stale, and a hold past
// its time reads as expired (the ledger expires it first).

import type { Bank, OperationOptions } from "./bank.js";
import { postHold, statusName, voidHold } from "./hold-steps.js";
import { INSPECT, inspectAs, type Inspect, type InspectOptions } from "./inspect.js";
import type { Ledger } from "./ledger.js";
import type { AmountInput } from "./money.js";
import { toMajor } from "./units.js";

/** Where a hold is: pending until it is posted, voided or expired, once. */
export type HoldStatusName = "pending" | "posted" | "voided" | "expired";

/** A hold's fields as plain JSON: what `toJSON()` gives. */
export interface HoldJson {
  id: number;
  sender: string;
  recipient: string;
  amount: number;
  status: HoldStatusName;
  /** What a post moved; 0 unless posted. */
  postedAmount: number;
  createdAt: string;
  expiresAt: string;
  reference: string | null;
}

/**
 * Money reserved on the sender's account for the recipient: the sender's `available` drops, its
 * `balance` does not, until the hold is posted (all or part moves), voided, or expires.
 *
 * @example
 * const hold = bank.hold("Alice", "Bob", 30, { timeoutSeconds: 3600 });
 * bank.getAccount("Alice").available; // 70 of a balance of 100
 * hold.post(20);                      // 20 to Bob, 10 back to Alice's available
 */
export class Hold {
  /** @internal Holds are made by their bank, never directly. */
  constructor(
    private readonly bank: Bank,
    private readonly ledger: Ledger,
    readonly id: number,
  ) {}

  get sender(): string {
    return this.ledger.nameAt(this.ledger.holds.senderOf(this.id));
  }

  get recipient(): string {
    return this.ledger.nameAt(this.ledger.holds.recipientOf(this.id));
  }

  /** The amount held, in major units. */
  get amount(): number {
    return toMajor(this.amountMinor);
  }

  get amountMinor(): number {
    return this.ledger.holds.amountMinorOf(this.id);
  }

  get status(): HoldStatusName {
    this.ledger.expireDue();
    return statusName(this.ledger.holds.statusOf(this.id));
  }

  /** What a post moved to the recipient, in major units; 0 unless posted. */
  get postedAmount(): number {
    this.ledger.expireDue();
    return toMajor(this.ledger.holds.postedMinorOf(this.id));
  }

  get createdAt(): Date {
    return new Date(this.ledger.journal.timeMs(this.ledger.holds.createdPositionOf(this.id)));
  }

  /** When it expires, or expired, if it is not posted or voided first. */
  get expiresAt(): Date {
    return new Date(this.ledger.holds.expiresAtMsOf(this.id));
  }

  get reference(): string | null {
    return this.ledger.references.textOf(this.ledger.holds.referenceOf(this.id));
  }

  /**
   * Moves `amount` (default: all of it) to the recipient and releases the rest; returns this hold.
   * See `Bank.postHold`, which takes it with an idempotency key.
   */
  post(amount?: AmountInput, options?: OperationOptions): Hold {
    if (options?.idempotencyKey !== undefined) {
      this.bank.postHold(this.id, amount, options);
      return this;
    }
    // The same step as the bank's, without a second handle on this hold.
    const posted = postHold(this.ledger, this.id, amount);
    if (typeof posted !== "number") throw posted;
    return this;
  }

  /** Releases all of it; returns this hold. See `Bank.voidHold`. */
  void(options?: OperationOptions): Hold {
    if (options?.idempotencyKey !== undefined) {
      this.bank.voidHold(this.id, options);
      return this;
    }
    const voided = voidHold(this.ledger, this.id);
    if (typeof voided !== "number") throw voided;
    return this;
  }

  toJSON(): HoldJson {
    return {
      id: this.id,
      sender: this.sender,
      recipient: this.recipient,
      amount: this.amount,
      status: this.status,
      postedAmount: this.postedAmount,
      createdAt: this.createdAt.toISOString(),
      expiresAt: this.expiresAt.toISOString(),
      reference: this.reference,
    };
  }

  /** @internal How console.log and the REPL show it: its fields as `toJSON()` gives them. */
  [INSPECT](depth: number, options: InspectOptions, inspect: Inspect): string {
    return inspectAs("Hold", this.toJSON(), depth, options, inspect);
  }
}
