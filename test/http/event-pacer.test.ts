// The event streams' pacer: the time they may spend is the loop's idle time and a share of the
// rest, bounded by a burst; a turn is never a sliver; waiting streams resume in turn, those that
// had no turn first.

import { describe, expect, it } from "vitest";
import { EventPacer, writeDelayMs, type PacerClock } from "../../src/http/event-pacer.js";
import { EVENTS_PACER_BURST_MS, EVENTS_PACER_TURN_MS, EVENTS_WRITE_INTERVAL_MS } from "../../src/http/limits.js";

/** A clock the test moves by hand: wall time, and how much of it the loop sat idle. */
function handClock(): PacerClock & { pass(ms: number, idleMs?: number): void } {
  let now = 1000;
  let idle = 500;
  return {
    now: () => now,
    idle: () => idle,
    pass(ms, idleMs = 0) {
      now += ms;
      idle += idleMs;
    },
  };
}

describe("the event pacer", () => {
  it("starts with a burst, and refills by a share of busy time plus all idle time, up to the burst", () => {
    const clock = handClock();
    const pacer = new EventPacer(clock, 0.1, 5, 0.25);
    expect(pacer.available()).toBe(5);
    pacer.spend(5);
    expect(pacer.available()).toBe(0);
    // 10 ms of a busy loop: 10% of it.
    clock.pass(10);
    expect(pacer.available()).toBeCloseTo(1);
    pacer.spend(1);
    // 2 ms, of which 1.5 ms idle: 0.05 + 1.5.
    clock.pass(2, 1.5);
    expect(pacer.available()).toBeCloseTo(1.55);
    // However long the loop sat idle, no more than the burst at once.
    clock.pass(1000, 1000);
    expect(pacer.available()).toBe(5);
  });

  it("offers no turn shorter than the least one", () => {
    const clock = handClock();
    const pacer = new EventPacer(clock, 0.1, 5, 0.25);
    pacer.spend(5);
    clock.pass(2);
    expect(pacer.available()).toBe(0);
    clock.pass(1);
    expect(pacer.available()).toBeCloseTo(0.3);
  });

  it("by default, starts with EVENTS_PACER_BURST_MS on the process's own clock", () => {
    const pacer = new EventPacer();
    const available = pacer.available();
    expect(available).toBeGreaterThanOrEqual(EVENTS_PACER_BURST_MS - 0.001);
    expect(available).toBeLessThanOrEqual(EVENTS_PACER_BURST_MS);
    pacer.spend(EVENTS_PACER_BURST_MS);
    expect(pacer.available()).toBeLessThan(EVENTS_PACER_TURN_MS);
  });

  it("resumes the waiting streams together after a short wait, those that had no turn before those that had one", async () => {
    const pacer = new EventPacer(handClock());
    const order: string[] = [];
    const waits = [
      pacer.wait(true).then(() => order.push("served first")),
      pacer.wait(false).then(() => order.push("starved first")),
      pacer.wait(true).then(() => order.push("served second")),
      pacer.wait(false).then(() => order.push("starved second")),
    ];
    expect(pacer.waiting).toBe(4);
    await Promise.all(waits);
    expect(order).toEqual(["starved first", "starved second", "served first", "served second"]);
    expect(pacer.waiting).toBe(0);
    // And again: a new wait sets a new timer.
    await pacer.wait(false);
    expect(pacer.waiting).toBe(0);
  });
});

describe("writeDelayMs", () => {
  it("when a stream caught up less than an interval ago, waits for the rest of it; later, or still behind, not at all", () => {
    expect(writeDelayMs(1_000, 1_000)).toBe(EVENTS_WRITE_INTERVAL_MS);
    expect(writeDelayMs(1_000 + EVENTS_WRITE_INTERVAL_MS - 10, 1_000)).toBe(10);
    expect(writeDelayMs(1_000 + EVENTS_WRITE_INTERVAL_MS, 1_000)).toBe(0);
    expect(writeDelayMs(1_000 + 10 * EVENTS_WRITE_INTERVAL_MS, 1_000)).toBe(0);
    expect(writeDelayMs(1_000, Number.NEGATIVE_INFINITY)).toBe(0);
  });
});
