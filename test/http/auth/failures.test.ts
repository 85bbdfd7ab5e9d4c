// The count of failed authentications by address, on its own clock.

import { describe, expect, it } from "vitest";
import { FailureLimit } from "../../../src/http/auth/failures.js";

describe("FailureLimit", () => {
  it("counts each address in a window of its own, and forgets expired and, past its bound, the oldest", () => {
    let now = 0;
    const limit = new FailureLimit({ max: 2, windowMs: 1000, addressesMax: 2, clock: () => now });
    expect(limit.retryAfterSeconds("a")).toBe(0);
    limit.record("a");
    limit.record("a");
    expect(limit.retryAfterSeconds("a")).toBe(1);
    expect(limit.retryAfterSeconds("b")).toBe(0);
    now = 500;
    limit.record("b");
    limit.record("c");
    // At the bound, the oldest (a) went first.
    expect(limit.size).toBe(2);
    expect(limit.retryAfterSeconds("a")).toBe(0);
    limit.record("c");
    expect(limit.retryAfterSeconds("c")).toBe(1);
    now = 1500;
    expect(limit.retryAfterSeconds("c")).toBe(0);
    expect(limit.size).toBe(1);
    // b's window ended too: its next failure opens a new one, and the expired are forgotten.
    limit.record("b");
    limit.record("d");
    expect(limit.size).toBe(2);
    expect(limit.retryAfterSeconds("b")).toBe(0);
    // Once their windows end, addresses are forgotten as soon as another fails.
    now = 5000;
    limit.record("e");
    expect(limit.size).toBe(1);
  });
});
