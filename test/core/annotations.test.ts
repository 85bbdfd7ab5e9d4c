// The journal's sparse notes (an entry's hold and reference), past the room they start with: each
// reads back by its entry's position, and a snapshot's copy holds those before a position only.

import { describe, expect, it } from "vitest";
import { Annotations } from "../../src/core/annotations.js";

describe("Annotations", () => {
  it("when notes outgrow their first room, every one reads back by position, and entries without one read 0", () => {
    const notes = new Annotations();
    for (let index = 0; index < 1_000; index++) notes.add(index * 3, index + 1, index % 7);
    expect([notes.holdAt(0), notes.referenceAt(0)]).toEqual([1, 0]);
    expect([notes.holdAt(2_997), notes.referenceAt(2_997)]).toEqual([1_000, 999 % 7]);
    expect([notes.holdAt(1_500), notes.referenceAt(1_500)]).toEqual([501, 500 % 7]);
    expect([notes.holdAt(1), notes.referenceAt(2_998)]).toEqual([0, 0]);
    const before = notes.before(300);
    expect([before.positions.length, before.positions[99], before.holds[99], before.references[99]]).toEqual([100, 297, 100, 99 % 7]);
  });
});
