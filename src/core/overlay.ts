// The balances an atomic batch would leave, kept beside the bank's own until the whole batch is
// known to pass; one overlay per bank, reused from batch to batch.

import type { Bank } from "./bank.js";

/**
 * A slot counts only if stamped with the current batch's number, so starting a batch costs nothing
 * however many accounts the last one touched.
 */
export class Overlay {
  private balancesMinor = new Float64Array(0);
  private stamps = new Float64Array(0);
  private stamp = 0;

  constructor(private readonly bank: Bank) {}

  /** Starts a batch: every balance reads through to the bank again. */
  begin(): void {
    const accounts = this.bank.accountCount;
    if (this.stamps.length < accounts) {
      const length = Math.max(accounts, this.stamps.length * 2);
      const balancesMinor = new Float64Array(length);
      const stamps = new Float64Array(length);
      balancesMinor.set(this.balancesMinor);
      stamps.set(this.stamps);
      this.balancesMinor = balancesMinor;
      this.stamps = stamps;
    }
    this.stamp++;
  }

  balanceMinorAt(account: number): number {
    return this.stamps[account] === this.stamp
      ? (this.balancesMinor[account] as number)
      : this.bank.balanceMinorAt(account);
  }

  set(account: number, balanceMinor: number): void {
    this.stamps[account] = this.stamp;
    this.balancesMinor[account] = balanceMinor;
  }
}

const overlays = new WeakMap<Bank, Overlay>();

/** The bank's overlay, begun afresh. */
export function beginOverlay(bank: Bank): Overlay {
  let overlay = overlays.get(bank);
  if (overlay === undefined) {
    overlay = new Overlay(bank);
    overlays.set(bank, overlay);
  }
  overlay.begin();
  return overlay;
}
