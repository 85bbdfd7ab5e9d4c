// The balances an atomic batch would leave, kept beside the ledger's own until the whole batch is
// known to pass; one overlay per ledger, reused from batch to batch.

import type { Ledger } from "./ledger.js";

/**
 * A slot counts only if stamped with the current batch's number, so starting a batch costs nothing
 * however many accounts the last one touched.
 */
export class Overlay {
  private balancesMinor = new Float64Array(0);
  private stamps = new Float64Array(0);
  private stamp = 0;

  constructor(private readonly ledger: Ledger) {}

  /** Starts a batch: every balance reads through to the ledger again. */
  begin(): this {
    const accounts = this.ledger.accountCount;
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
}
