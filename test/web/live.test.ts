// The dashboard's live totals: read once, then kept by the stream's transactions, each counted
// once; and the rate at which they arrive.

import { describe, expect, it } from "vitest";
import { FEED_LENGTH_MAX, LiveBank, RATE_WINDOW_SECONDS, RateMeter } from "../../src/web/live.js";
import type { StreamTransaction } from "../../src/web/types.js";

function transaction(id: number, type: StreamTransaction["type"], amount: number): StreamTransaction {
  return {
    id,
    type,
    amount,
    balance_after: amount,
    counterparty: null,
    timestamp: "2026-01-01T00:00:00.000Z",
    description: "",
    account: "alice",
    counterparty_balance_after: null,
  };
}

describe("LiveBank", () => {
  it("when transactions come after the summary, counts each once in the totals, exactly to the cent", () => {
    const live = new LiveBank();
    live.setSummary({ accounts: 1, transactions: 2, total_balance: 0.1 });
    const seen: number[] = [];
    live.subscribe((transactions) => seen.push(...transactions.map((t) => t.id)));
    // 1 and 2 are in the summary already (the feed's first transactions): shown, not counted.
    live.receive([transaction(1, "account_opened", 5), transaction(2, "deposit", 5)]);
    live.receive([transaction(3, "account_opened", 0.2), transaction(4, "deposit", 0.1), transaction(5, "withdrawal", 0.05), transaction(6, "transfer_out", 9)]);
    expect(live.totals).toEqual({ accounts: 2, transactions: 6, totalCents: 35 });
    expect(live.position).toBe(6);
    expect(live.feed.map((t) => t.id)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    live.receive([transaction(6, "deposit", 100)]);
    expect(live.totals?.totalCents).toBe(35);
  });

  it("when more transactions come than the feed keeps, keeps the newest", () => {
    const live = new LiveBank();
    live.countFrom(0);
    live.receive(Array.from({ length: FEED_LENGTH_MAX * 3 }, (_, index) => transaction(index + 1, "deposit", 1)));
    expect(live.feed).toHaveLength(FEED_LENGTH_MAX);
    expect(live.feed[0]?.id).toBe(FEED_LENGTH_MAX * 3);
    expect(live.totals).toBeNull();
  });
});

describe("RateMeter", () => {
  it("gives transactions per second over the window, and forgets the seconds that left it", () => {
    let now = 1_000_000;
    const meter = new RateMeter(() => now);
    meter.add(10);
    expect(meter.perSecond()).toBe(10);
    now += 1000;
    meter.add(30);
    expect(meter.perSecond()).toBe(20);
    now += RATE_WINDOW_SECONDS * 1000;
    expect(meter.perSecond()).toBe(0);
    now += 60_000;
    meter.add(50);
    expect(meter.perSecond()).toBe(5);
  });
});
