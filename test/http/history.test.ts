// GET /accounts/{name}/history through app.inject(): newest first, the seed's descriptions, ISO
// timestamps, paging with limit and the before cursor, and the filters by type, reference and time.

import { describe, expect, it } from "vitest";
import { HISTORY_SCAN_MAX } from "../../src/index.js";
import { appWith, appWithClock, expectProblem, FIXED_TIME_MS, FIXED_TIMESTAMP, request } from "./helpers.js";

interface HistoryPage {
  name: string;
  transactions: { id: number; type: string; description: string; timestamp: string; reference?: string }[];
  next_before: number | null;
}

describe("GET /accounts/{name}/history", () => {
  it("when the account has transactions, lists them newest first in the seed's wording", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    bank.deposit("alice", 500);
    bank.withdraw("alice", 200);
    bank.transfer("alice", "bob", 25);
    const page = (await request(app, "GET", "/accounts/alice/history")).body as HistoryPage;
    expect(page.name).toBe("alice");
    expect(page.next_before).toBeNull();
    expect(page.transactions.map((t) => t.description)).toEqual([
      "Transferred to: 25.00 bob",
      "Withdrawn: 200.00",
      "Deposited: 500.00",
      "Account created with balance: 100.00",
    ]);
    expect(page.transactions[0]).toEqual({
      id: 5,
      type: "transfer_out",
      amount: 25,
      balance_after: 375,
      counterparty: "bob",
      timestamp: FIXED_TIMESTAMP,
      description: "Transferred to: 25.00 bob",
    });
  });

  it("when paged with limit and before, walks the whole history once, newest to oldest", async () => {
    const { app, bank } = appWith({ alice: 1 });
    for (let i = 1; i <= 6; i++) bank.deposit("alice", i);
    const ids: number[] = [];
    let url = "/accounts/alice/history?limit=3";
    for (;;) {
      const page = (await request(app, "GET", url)).body as HistoryPage;
      ids.push(...page.transactions.map((t) => t.id));
      if (page.next_before === null) break;
      url = `/accounts/alice/history?limit=3&before=${page.next_before}`;
    }
    expect(ids).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });

  it("when the cursor is not a transaction of this account, refuses with 400", async () => {
    const { app } = appWith({ alice: 1, bob: 1 });
    const detail = expectProblem(await request(app, "GET", "/accounts/alice/history?before=2"), 400, "INVALID_ARGUMENT");
    expect(detail).toBe("Cursor 2 is not a transaction of account 'alice'");
  });

  it("when the account does not exist, answers 404", async () => {
    const { app } = appWith();
    expectProblem(await request(app, "GET", "/accounts/ghost/history"), 404, "ACCOUNT_NOT_FOUND");
  });

  it("when limit or before is not a positive integer, refuses with 400", async () => {
    const { app } = appWith({ alice: 1 });
    for (const query of ["limit=0", "limit=1.5", "limit=ten", "before=0", "before=-1", "limit=1&limit=2", "page=2"]) {
      expectProblem(await request(app, "GET", `/accounts/alice/history?${query}`), 400, "INVALID_REQUEST");
    }
  });
});

/** The instant `seconds` after the story starts, as the API writes it. */
const at = (seconds: number) => new Date(FIXED_TIME_MS + seconds * 1000).toISOString();

/**
 * alice, opened with 100 at 0 s, then one transaction a second: a deposit (inv-1) at 1 s, a
 * withdrawal at 2 s, a hold for bob (order-1) at 3 s, its post at 4 s, a deposit (inv-1) at 5 s, a
 * transfer to bob at 6 s. Ids: alice 1, bob 2, then 3 to 8.
 */
function story() {
  const { app, bank, clock } = appWithClock({ alice: 100, bob: 0 });
  const step = (action: () => unknown) => {
    clock.nowMs += 1000;
    action();
  };
  step(() => bank.deposit("alice", 10, { reference: "inv-1" }));
  step(() => bank.withdraw("alice", 5));
  step(() => bank.hold("alice", "bob", 20, { reference: "order-1" }));
  step(() => bank.postHold(1, 15));
  step(() => bank.deposit("alice", 2, { reference: "inv-1" }));
  step(() => bank.transfer("alice", "bob", 1));
  return { app, bank };
}

async function page(app: Parameters<typeof request>[0], query: string): Promise<HistoryPage> {
  const response = await request(app, "GET", `/accounts/alice/history?${query}`);
  expect(response.status, response.text).toBe(200);
  return response.body as HistoryPage;
}

const ids = (history: HistoryPage) => history.transactions.map((transaction) => transaction.id);

describe("GET /accounts/{name}/history, filtered", () => {
  it("when filtered by type, lists only that type, as the account sees it", async () => {
    const { app } = story();
    expect(ids(await page(app, "type=deposit"))).toEqual([7, 3]);
    expect(ids(await page(app, "type=hold_posted"))).toEqual([6]);
    expect((await page(app, "type=transfer_out")).transactions.map((t) => t.type)).toEqual(["transfer_out"]);
    expect((await request(app, "GET", "/accounts/bob/history?type=transfer_in")).body).toMatchObject({ transactions: [{ id: 8 }] });
    expect(await page(app, "type=hold_expired")).toEqual({ name: "alice", transactions: [], next_before: null });
  });

  it("when filtered by reference, lists the transactions that carry it, hold steps included", async () => {
    const { app } = story();
    const invoices = await page(app, "reference=inv-1");
    expect(invoices.transactions.map((t) => [t.id, t.type, t.reference])).toEqual([[7, "deposit", "inv-1"], [3, "deposit", "inv-1"]]);
    expect(ids(await page(app, "reference=order-1"))).toEqual([6, 5]);
    expect(await page(app, "reference=never-used")).toEqual({ name: "alice", transactions: [], next_before: null });
    expect(ids(await page(app, "reference=order-1&type=hold_created"))).toEqual([5]);
  });

  it("when filtered by time, lists what happened from `from` to `to`, both included, in any time zone", async () => {
    const { app } = story();
    expect(ids(await page(app, `from=${at(2)}&to=${at(4)}`))).toEqual([6, 5, 4]);
    expect(ids(await page(app, `from=${at(5)}`))).toEqual([8, 7]);
    expect(ids(await page(app, `to=${at(1)}`))).toEqual([3, 1]);
    // 03:04:07.678 UTC written as 04:04:07.678+01:00, and an instant between two transactions.
    const plusOne = new Date(FIXED_TIME_MS + 2000 + 3_600_000).toISOString().replace("Z", "+01:00");
    expect(ids(await page(app, `from=${at(1.5)}&to=${encodeURIComponent(plusOne)}`))).toEqual([4]);
    expect(ids(await page(app, `from=${at(6.5)}`))).toEqual([]);
    expect(ids(await page(app, `type=deposit&from=${at(2)}`))).toEqual([7]);
    expect(ids(await page(app, `reference=inv-1&to=${at(4)}`))).toEqual([3]);
  });

  it("when a filtered history is paged, each page continues where the last stopped, to an empty last page", async () => {
    const { app } = story();
    const first = await page(app, "type=deposit&limit=1");
    expect([ids(first), first.next_before]).toEqual([[7], 7]);
    const second = await page(app, "type=deposit&limit=1&before=7");
    expect([ids(second), second.next_before]).toEqual([[3], 3]);
    expect(await page(app, "type=deposit&limit=1&before=3")).toEqual({ name: "alice", transactions: [], next_before: null });
    const byReference = await page(app, "reference=inv-1&limit=1");
    expect([ids(byReference), byReference.next_before]).toEqual([[7], 7]);
    expect(ids(await page(app, "reference=inv-1&limit=1&before=7"))).toEqual([3]);
    const windowed = await page(app, `from=${at(1)}&to=${at(5)}&limit=2`);
    expect([ids(windowed), windowed.next_before]).toEqual([[7, 6], 6]);
    expect(ids(await page(app, `from=${at(1)}&to=${at(5)}&limit=2&before=6`))).toEqual([5, 4]);
  });

  it(`when a filter matches nothing among the newest ${HISTORY_SCAN_MAX} transactions, the page is empty and still has a next one`, async () => {
    const { app, bank } = appWith({ alice: 1 });
    bank.withdraw("alice", 1);
    for (let index = 0; index < HISTORY_SCAN_MAX; index++) bank.deposit("alice", 0.01);
    const empty = await page(app, "type=withdrawal");
    expect(empty.transactions).toEqual([]);
    expect(empty.next_before).toBe(3);
    const found = await page(app, `type=withdrawal&before=${empty.next_before}`);
    expect(found.transactions.map((t) => [t.id, t.type])).toEqual([[2, "withdrawal"]]);
  });

  it("when from is after to, or an instant is not one, refuses with 400 saying why", async () => {
    const { app } = story();
    const reversed = await request(app, "GET", `/accounts/alice/history?from=${at(2)}&to=${at(1)}`);
    expect(expectProblem(reversed, 400, "INVALID_ARGUMENT")).toBe("'from' must not be after 'to'");
    const local = await request(app, "GET", "/accounts/alice/history?from=2025-01-02T03:04:05");
    expect(expectProblem(local, 400, "INVALID_REQUEST")).toBe(
      "querystring/from must be an ISO 8601 instant with a time zone, such as 2025-01-02T03:04:05Z or 2025-01-02T04:04:05+01:00",
    );
    const type = await request(app, "GET", "/accounts/alice/history?type=refund");
    expect(expectProblem(type, 400, "INVALID_REQUEST")).toBe("querystring/type must be equal to one of the allowed values");
    const reference = await request(app, "GET", "/accounts/alice/history?reference=two%20words");
    expect(expectProblem(reference, 400, "INVALID_REQUEST")).toBe("querystring/reference must be 1 to 64 visible ASCII characters, without spaces");
  });
});
