// Failed authentications per address: past AUTH_FAILURES_MAX in a window, the address is refused
// until the window ends. Only failures are counted, so a server nobody guesses at keeps an empty
// map and each request pays one size check.

import { AUTH_FAILURE_ADDRESSES_MAX, AUTH_FAILURE_WINDOW_MS, AUTH_FAILURES_MAX } from "./limits.js";

/** Bounds of the failure count; the defaults are the named limits (tests shorten them). */
export interface FailureLimitOptions {
  readonly max?: number;
  readonly windowMs?: number;
  readonly addressesMax?: number;
  /** Milliseconds since the epoch; Date.now unless a test pins it. */
  readonly clock?: () => number;
}

interface Window {
  count: number;
  readonly endsAtMs: number;
}

/** Counts failed authentications by address, each address in a fixed window from its first failure. */
export class FailureLimit {
  readonly max: number;
  private readonly windowMs: number;
  private readonly addressesMax: number;
  private readonly clock: () => number;
  // In order of first failure, so the oldest window is always first.
  private readonly windows = new Map<string, Window>();

  constructor(options: FailureLimitOptions = {}) {
    this.max = options.max ?? AUTH_FAILURES_MAX;
    this.windowMs = options.windowMs ?? AUTH_FAILURE_WINDOW_MS;
    this.addressesMax = options.addressesMax ?? AUTH_FAILURE_ADDRESSES_MAX;
    this.clock = options.clock ?? Date.now;
  }

  /** Seconds until `address` may try again (at least 1), or 0 when it is not refused. */
  retryAfterSeconds(address: string): number {
    if (this.windows.size === 0) return 0;
    const window = this.windows.get(address);
    if (window === undefined || window.count < this.max) return 0;
    const leftMs = window.endsAtMs - this.clock();
    if (leftMs <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return Math.ceil(leftMs / 1000);
  }

  /** Counts one failure of `address`. */
  record(address: string): void {
    const now = this.clock();
    const window = this.windows.get(address);
    if (window !== undefined && window.endsAtMs > now) {
      window.count++;
      return;
    }
    this.windows.delete(address);
    this.forgetExpired(now);
    if (this.windows.size >= this.addressesMax) this.windows.delete(this.windows.keys().next().value as string);
    this.windows.set(address, { count: 1, endsAtMs: now + this.windowMs });
  }

  /** How many addresses have failures counted. */
  get size(): number {
    return this.windows.size;
  }

  // Windows all last the same time and are kept in the order they opened: the expired are first.
  private forgetExpired(now: number): void {
    for (const [address, window] of this.windows) {
      if (window.endsAtMs > now) return;
      this.windows.delete(address);
    }
  }
}
