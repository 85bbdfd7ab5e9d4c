// The state an atomic batch would leave, kept beside the ledger's own until the whole batch is
// known to pass: balances, what pending holds reserve of each, and the holds themselves (those the
// batch ends, and those it makes). One overlay per ledger, reused from batch to batch. Its writers
// mirror the ledger's (Ledger.move, hold and endHold) on these copies, and its reads are what the
// steps' checks read (StepState), so a batch's items are checked exactly as single steps are.

import type { HoldView, StepState } from "./hold-steps.js";
import { HoldStatus } from "./holds.js";
import type { Ledger } from "./ledger.js";

/**
 * A slot counts only if stamped with the current batch's number, so starting a batch costs nothing
 * however many accounts or holds the last one touched.
 */
export class Overlay implements StepState {
  private balancesMinor = new Float64Array(0);
  private stamps = new Float64Array(0);
  private heldMinor = new Float64Array(0);
  private heldStamps = new Float64Array(0);
  private stamp = 0;
  readonly holds: OverlayHolds;

  constructor(private readonly ledger: Ledger) {
    this.holds = new OverlayHolds(ledger);
  }

  /** Starts a batch: every balance, every hold reads through to the ledger again. */
  begin(): this {
    const accounts = this.ledger.accountCount;
    if (this.stamps.length < accounts) {
      const length = Math.max(accounts, this.stamps.length * 2);
      this.balancesMinor = grown(this.balancesMinor, length);
      this.stamps = grown(this.stamps, length);
      this.heldMinor = grown(this.heldMinor, length);
      this.heldStamps = grown(this.heldStamps, length);
    }
    this.stamp++;
    this.holds.begin(this.stamp);
    return this;
  }

  balanceMinorAt(account: number): number {
    return this.stamps[account] === this.stamp
      ? (this.balancesMinor[account] as number)
      : this.ledger.balanceMinorAt(account);
  }

  set(account: number, balanceMinor: number): void {
    this.stamps[account] = this.stamp;
    this.balancesMinor[account] = balanceMinor;
  }

  heldMinorAt(account: number): number {
    return this.heldStamps[account] === this.stamp
      ? (this.heldMinor[account] as number)
      : this.ledger.heldMinorAt(account);
  }

  private setHeld(account: number, heldMinor: number): void {
    this.heldStamps[account] = this.stamp;
    this.heldMinor[account] = heldMinor;
  }

  /** As Ledger.hold, on the copies: reserves the amount and returns the id the ledger will give the hold. */
  hold(sender: number, recipient: number, amountMinor: number): number {
    this.setHeld(sender, this.heldMinorAt(sender) + amountMinor);
    return this.holds.add(sender, recipient, amountMinor);
  }

  /** As Ledger.endHold, on the copies: releases the hold, and a post moves `postedMinor`. */
  endHold(hold: number, end: HoldStatus, postedMinor: number): void {
    const sender = this.holds.senderOf(hold);
    const recipient = this.holds.recipientOf(hold);
    this.setHeld(sender, this.heldMinorAt(sender) - this.holds.amountMinorOf(hold));
    if (postedMinor > 0) {
      this.set(sender, this.balanceMinorAt(sender) - postedMinor);
      this.set(recipient, this.balanceMinorAt(recipient) + postedMinor);
    }
    this.holds.finish(hold, end);
  }
}

/** The holds as a batch sees them: the ledger's, with the batch's ends, and those the batch makes. */
class OverlayHolds implements HoldView {
  private statuses = new Uint8Array(0);
  private stamps = new Float64Array(0);
  private stamp = 0;
  /** Holds in the ledger's table when the batch began; those the batch makes follow, from base + 1. */
  private base = 0;
  private made = 0;
  private senders = new Float64Array(0);
  private recipients = new Float64Array(0);
  private amountsMinor = new Float64Array(0);

  constructor(private readonly ledger: Ledger) {}

  begin(stamp: number): void {
    this.stamp = stamp;
    this.base = this.ledger.holds.count;
    this.made = 0;
  }

  /** Adds a pending hold made by the batch; its id is the one the ledger will give it. */
  add(sender: number, recipient: number, amountMinor: number): number {
    if (this.made === this.senders.length) {
      const length = Math.max(16, this.made * 2);
      this.senders = grown(this.senders, length);
      this.recipients = grown(this.recipients, length);
      this.amountsMinor = grown(this.amountsMinor, length);
    }
    this.senders[this.made] = sender;
    this.recipients[this.made] = recipient;
    this.amountsMinor[this.made] = amountMinor;
    this.made++;
    const id = this.base + this.made;
    this.setStatus(id, HoldStatus.Pending);
    return id;
  }

  finish(id: number, end: HoldStatus): void {
    this.setStatus(id, end);
  }

  has(id: number): boolean {
    return this.ledger.holds.has(id) || (Number.isSafeInteger(id) && id > this.base && id <= this.base + this.made);
  }

  statusOf(id: number): HoldStatus {
    return id < this.stamps.length && this.stamps[id] === this.stamp ? (this.statuses[id] as HoldStatus) : this.ledger.holds.statusOf(id);
  }

  amountMinorOf(id: number): number {
    return id > this.base ? (this.amountsMinor[id - this.base - 1] as number) : this.ledger.holds.amountMinorOf(id);
  }

  senderOf(id: number): number {
    return id > this.base ? (this.senders[id - this.base - 1] as number) : this.ledger.holds.senderOf(id);
  }

  recipientOf(id: number): number {
    return id > this.base ? (this.recipients[id - this.base - 1] as number) : this.ledger.holds.recipientOf(id);
  }

  private setStatus(id: number, status: HoldStatus): void {
    if (id >= this.stamps.length) {
      const length = Math.max(id + 1, this.stamps.length * 2);
      this.statuses = grown(this.statuses, length);
      this.stamps = grown(this.stamps, length);
    }
    this.stamps[id] = this.stamp;
    this.statuses[id] = status;
  }
}

function grown<T extends Float64Array | Uint8Array>(array: T, length: number): T {
  const copy = new (array.constructor as new (length: number) => T)(length);
  copy.set(array);
  return copy;
}
