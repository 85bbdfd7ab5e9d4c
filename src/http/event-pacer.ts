// Event streams share one event loop with the bank's requests. Framing every event of a busy bank
// for each of many clients would take most of the loop's time, and the bank would slow to the
// pace of its readers. The pacer gives all streams together whatever time the loop would have
// spent idle, and a small share of the rest: while requests keep the loop busy, streams get at
// most EVENTS_TIME_SHARE of it, fall behind, and are let go to resume (EVENTS_LAG_MAX); while the
// bank is quiet, they run at full speed.

import { performance } from "node:perf_hooks";
import {
  EVENTS_PACER_BURST_MS, EVENTS_PACER_TURN_MS, EVENTS_PACER_WAIT_MS, EVENTS_TIME_SHARE, EVENTS_WRITE_INTERVAL_MS,
} from "./limits.js";

/**
 * How long a stream waits, in ms, before it writes again: the rest of the interval since its last
 * write that left it caught up (`caughtUpAtMs`), or 0. A stream still behind after a write passes
 * -Infinity there, and goes on catching up at once.
 */
export function writeDelayMs(nowMs: number, caughtUpAtMs: number): number {
  const sinceMs = nowMs - caughtUpAtMs;
  return sinceMs < EVENTS_WRITE_INTERVAL_MS ? EVENTS_WRITE_INTERVAL_MS - sinceMs : 0;
}

/** Where the pacer reads the time and the loop's idle time, both in ms; the process's own by default. */
export interface PacerClock {
  now(): number;
  idle(): number;
}

const PROCESS_CLOCK: PacerClock = {
  now: () => performance.now(),
  idle: () => performance.eventLoopUtilization().idle,
};

/** The time all event streams of one server may spend, and the queue of those waiting for more. */
export class EventPacer {
  /** Milliseconds the streams may still spend; refilled by the time that passes. */
  private budgetMs: number;
  private lastNow: number;
  private lastIdle: number;
  /** Waiting streams: those that had no turn yet go first, so that none is passed over for long. */
  private starved: (() => void)[] = [];
  private served: (() => void)[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: PacerClock = PROCESS_CLOCK,
    private readonly share = EVENTS_TIME_SHARE,
    private readonly burstMs = EVENTS_PACER_BURST_MS,
    private readonly turnMs = EVENTS_PACER_TURN_MS,
  ) {
    this.budgetMs = burstMs;
    this.lastNow = clock.now();
    this.lastIdle = clock.idle();
  }

  /**
   * The time a stream may spend now, refilled first: 0 (it must wait) below EVENTS_PACER_TURN_MS,
   * so that a turn frames a run of events, not one at a time with a wait between each.
   */
  available(): number {
    const now = this.clock.now();
    const idle = this.clock.idle();
    const idleMs = idle - this.lastIdle;
    this.budgetMs = Math.min(this.burstMs, this.budgetMs + this.share * (now - this.lastNow - idleMs) + idleMs);
    this.lastNow = now;
    this.lastIdle = idle;
    return this.budgetMs < this.turnMs ? 0 : this.budgetMs;
  }

  /** Counts `ms` spent by a stream. */
  spend(ms: number): void {
    this.budgetMs -= ms;
  }

  /**
   * Resolves once the streams may spend time again, after a short wait that lets the loop serve
   * requests (or sit idle, which refills the budget). `served`: the caller has just had a turn.
   */
  wait(served: boolean): Promise<void> {
    return new Promise((resolve) => {
      (served ? this.served : this.starved).push(resolve);
      if (this.timer === null) this.timer = setTimeout(() => this.wake(), EVENTS_PACER_WAIT_MS).unref();
    });
  }

  /** How many streams are waiting. */
  get waiting(): number {
    return this.starved.length + this.served.length;
  }

  private wake(): void {
    this.timer = null;
    const queue = [...this.starved, ...this.served];
    this.starved = [];
    this.served = [];
    for (const resume of queue) resume();
  }
}
