// The hold table's expiry heap against a plain list of pending holds: whatever holds are made and
// ended, in any order (all of them ended at times, so that the heap is emptied and refilled), the
// next to expire is the pending hold of the earliest expiry, and the heap keeps few finished ones.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HoldStatus, HoldTable } from "../../src/core/holds.js";

type Step = { add: number } | { finish: number } | { expireBy: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ add: fc.integer({ min: 0, max: 50 }) }),
  fc.record({ finish: fc.nat() }),
  fc.record({ expireBy: fc.integer({ min: 0, max: 50 }) }),
);

describe("HoldTable", () => {
  it("property: the next to expire is always the pending hold of the earliest expiry", () => {
    fc.assert(fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
      const table = new HoldTable();
      const pending = new Map<number, number>();
      const earliest = (): number => Math.min(...pending.values());
      for (const next of steps) {
        if ("add" in next) pending.set(table.add(0, 1, 100, next.add, 0, table.count), next.add);
        else if ("finish" in next && pending.size > 0) {
          const id = [...pending.keys()][next.finish % pending.size] as number;
          table.finish(id, HoldStatus.Voided, 0, 0);
          pending.delete(id);
        } else if ("expireBy" in next) {
          // Expires what is due, as the ledger does: the next due hold, until none is.
          for (let id = table.dueAt(next.expireBy); id !== 0; id = table.dueAt(next.expireBy)) {
            expect(table.expiresAtMsOf(id)).toBe(earliest());
            expect(table.expiresAtMsOf(id)).toBeLessThanOrEqual(next.expireBy);
            table.finish(id, HoldStatus.Expired, 0, 0);
            pending.delete(id);
          }
          expect(pending.size === 0 || earliest() > next.expireBy).toBe(true);
        }
        expect(table.pending).toBe(pending.size);
        expect(table.queued).toBeLessThanOrEqual(2 * pending.size + 32);
        expect(table.nextExpiryMs()).toBe(pending.size === 0 ? Number.POSITIVE_INFINITY : earliest());
      }
    }), { numRuns: 300 });
  });

  it("when one hold stays pending while thousands are made and ended, keeps the heap small and still expires it first", () => {
    const table = new HoldTable();
    const long = table.add(0, 1, 100, 1_000, 0, 0);
    for (let index = 0; index < 5_000; index++) table.finish(table.add(0, 1, 100, 2_000 + index, 0, 0), HoldStatus.Posted, 100, 0);
    expect(table.queued).toBeLessThanOrEqual(2 + 32);
    const next = table.add(0, 1, 100, 500, 0, 0);
    expect(table.dueAt(600)).toBe(next);
    table.finish(next, HoldStatus.Expired, 0, 0);
    expect(table.dueAt(600)).toBe(0);
    expect(table.dueAt(1_000)).toBe(long);
  });
});
