// The default clock: system time that never goes backwards, read once per synchronous run of
// operations (at most 256 share a reading) and afresh after every turn of the event loop.

import { afterEach, describe, expect, it, vi } from "vitest";
import { Bank } from "../../src/index.js";
import { SystemClock } from "../../src/core/clock.js";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("SystemClock", () => {
  it("when the system clock steps back, keeps returning the latest time it has seen", async () => {
    const readings = [5_000, 3_000, 6_000];
    vi.spyOn(Date, "now").mockImplementation(() => readings.shift() ?? 0);
    const clock = new SystemClock();
    expect(clock.now()).toBe(5_000);
    await Promise.resolve();
    expect(clock.now()).toBe(5_000);
    await Promise.resolve();
    expect(clock.now()).toBe(6_000);
  });

  it("within one synchronous run, reads the system clock once per 256 operations", () => {
    let nowMs = 1_000;
    const now = vi.spyOn(Date, "now").mockImplementation(() => nowMs++);
    const clock = new SystemClock();
    const times = Array.from({ length: 600 }, () => clock.now());
    expect(now).toHaveBeenCalledTimes(3);
    expect(new Set(times.slice(0, 256))).toEqual(new Set([1_000]));
    expect(times[256]).toBe(1_001);
    expect(times[512]).toBe(1_002);
  });

  it("after an await, reads the system clock again", async () => {
    let nowMs = 1_000;
    vi.spyOn(Date, "now").mockImplementation(() => (nowMs += 10));
    const clock = new SystemClock();
    const first = clock.now();
    await Promise.resolve();
    expect(clock.now()).toBe(first + 10);
  });

  it("is the bank's clock when none is given: transactions carry the system time", async () => {
    const bank = new Bank();
    const before = Date.now();
    const account = bank.createAccount("Alice", 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    account.deposit(1);
    const after = Date.now();
    const [opened, deposited] = account.getTransactionHistory();
    expect(opened?.timeMs).toBeGreaterThanOrEqual(before);
    expect(deposited?.timeMs).toBeGreaterThanOrEqual((opened?.timeMs ?? 0) + 1);
    expect(deposited?.timeMs).toBeLessThanOrEqual(after);
  });
});
