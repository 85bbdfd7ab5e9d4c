// What the dashboard knows of the whole bank while it is open: the totals, read once from
// GET /summary and kept current by the event stream, the recent transactions for the live feed,
// and the rate at which transactions arrive. Views subscribe to the transactions as they come.

import { toCents } from "./money.js";
import type { StreamTransaction, Summary } from "./types.js";

/** How many recent transactions the live feed keeps. */
export const FEED_LENGTH_MAX = 100;
/** The live rate is the transactions received over this many seconds, per second. */
export const RATE_WINDOW_SECONDS = 10;

export interface Totals {
  accounts: number;
  transactions: number;
  totalCents: number;
}

/** Transactions received per second over the last RATE_WINDOW_SECONDS. */
export class RateMeter {
  private readonly counts = new Array<number>(RATE_WINDOW_SECONDS).fill(0);
  private second: number;
  private readonly startedSecond: number;

  constructor(private readonly now: () => number = () => Date.now()) {
    this.second = Math.floor(this.now() / 1000);
    this.startedSecond = this.second;
  }

  add(count: number): void {
    this.advance();
    this.counts[this.second % RATE_WINDOW_SECONDS] = (this.counts[this.second % RATE_WINDOW_SECONDS] ?? 0) + count;
  }

  /** Per second, over the window or over the time since the meter started if shorter. */
  perSecond(): number {
    this.advance();
    const seconds = Math.min(RATE_WINDOW_SECONDS, this.second - this.startedSecond + 1);
    let total = 0;
    for (let index = 0; index < seconds; index++) {
      total += this.counts[(this.second - index + RATE_WINDOW_SECONDS) % RATE_WINDOW_SECONDS] ?? 0;
    }
    return total / Math.max(1, seconds);
  }

  /** Moves to the current second, forgetting the seconds that left the window. */
  private advance(): void {
    const second = Math.floor(this.now() / 1000);
    for (let next = this.second + 1; next <= second && next <= this.second + RATE_WINDOW_SECONDS; next++) {
      this.counts[next % RATE_WINDOW_SECONDS] = 0;
    }
    this.second = Math.max(this.second, second);
  }
}

type Listener = (transactions: readonly StreamTransaction[]) => void;

/** The bank as seen from the stream. */
export class LiveBank {
  /** Null until the summary is read. */
  totals: Totals | null = null;
  /** Newest first. */
  readonly feed: StreamTransaction[] = [];
  readonly rate = new RateMeter();
  /** Events up to this id are already in `totals`. */
  private countedThrough = 0;
  private readonly listeners = new Set<Listener>();

  /**
   * The id of the last transaction known to be counted: what was read afterwards includes it and
   * every one before it.
   */
  get position(): number {
    return this.countedThrough;
  }

  /** Transactions up to `id` are not new (they were read before the stream started). */
  countFrom(id: number): void {
    this.countedThrough = Math.max(this.countedThrough, id);
  }

  /** Takes the totals of GET /summary, which count every transaction up to `summary.transactions`. */
  setSummary(summary: Summary): void {
    this.totals = {
      accounts: summary.accounts,
      transactions: summary.transactions,
      totalCents: toCents(summary.total_balance),
    };
    this.countedThrough = summary.transactions;
  }

  /** Takes transactions from the stream, in order, and tells the listeners. */
  receive(transactions: readonly StreamTransaction[]): void {
    let fresh = 0;
    for (const transaction of transactions) {
      if (transaction.id <= this.countedThrough) continue;
      fresh++;
      this.countedThrough = transaction.id;
      if (this.totals === null) continue;
      this.totals.transactions = transaction.id;
      if (transaction.type === "account_opened") this.totals.accounts++;
      if (transaction.type === "account_opened" || transaction.type === "deposit") this.totals.totalCents += toCents(transaction.amount);
      if (transaction.type === "withdrawal") this.totals.totalCents -= toCents(transaction.amount);
    }
    this.feed.unshift(...transactions.slice(-FEED_LENGTH_MAX).reverse());
    if (this.feed.length > FEED_LENGTH_MAX) this.feed.length = FEED_LENGTH_MAX;
    this.rate.add(fresh);
    for (const listener of this.listeners) listener(transactions);
  }

  /** Calls `listener` with each run of transactions received; returns how to stop. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
