// The API's representations: a transaction's timestamp as ISO 8601 text, the same as Date writes it
// whether or not the millisecond was the last one written.

import { describe, expect, it } from "vitest";
import { isoTimestamp } from "../../src/http/representations.js";

describe("isoTimestamp", () => {
  it("when times repeat, come back or go forward, writes each as toISOString does", () => {
    const times = [0, 0, 1_764_633_600_000, 1_764_633_600_000, 1_764_633_600_001, 1_764_633_599_999, 0, 253_402_300_799_999];
    expect(times.map(isoTimestamp)).toEqual(times.map((time) => new Date(time).toISOString()));
  });
});
