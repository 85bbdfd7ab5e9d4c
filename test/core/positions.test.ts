// A position list, the history of one account: positions read back by index across the growth of
// its first chunk and past full chunks, searched by value, and the room it holds.

import { describe, expect, it } from "vitest";
import { PositionList } from "../../src/core/positions.js";

const CHUNK = 65_536;

describe("PositionList", () => {
  it("when positions are pushed past several full chunks, every one reads back at its index", () => {
    const list = new PositionList();
    const count = 2 * CHUNK + 1_000;
    for (let index = 0; index < count; index++) list.push(index * 3 + 1);
    expect(list.length).toBe(count);
    let mismatches = 0;
    for (let index = 0; index < count; index++) if (list.at(index) !== index * 3 + 1) mismatches++;
    expect(mismatches).toBe(0);
    // Three chunks: two full ones and the last, born full-size.
    expect(list.capacityBytes).toBe(3 * CHUNK * 4);
  });

  it("when a short list grows, its room doubles from four and is never more than twice its length", () => {
    const list = new PositionList();
    expect(list.capacityBytes).toBe(16);
    for (let index = 0; index < 1_000; index++) {
      list.push(index);
      expect(list.capacityBytes).toBeLessThanOrEqual(Math.max(16, 2 * list.length * 4));
    }
    expect(list.capacityBytes).toBe(1024 * 4);
  });

  it("when searched, finds the index of a position it holds, and -1 for one it does not", () => {
    const list = new PositionList();
    for (const position of [2, 5, 9, 14, CHUNK + 3]) list.push(position);
    expect([2, 5, 9, 14, CHUNK + 3].map((position) => list.indexOf(position))).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 3, 10, 15, CHUNK + 4, -1].map((position) => list.indexOf(position))).toEqual([-1, -1, -1, -1, -1, -1, -1]);
  });

  it("when asked for the last position at or before one, gives its index, or -1 when all are after", () => {
    const list = new PositionList();
    expect(list.lastAtOrBefore(10)).toBe(-1);
    for (const position of [2, 5, 9]) list.push(position);
    expect([1, 2, 4, 5, 8, 9, 100].map((position) => list.lastAtOrBefore(position))).toEqual([-1, 0, 0, 1, 1, 2, 2]);
  });
});
