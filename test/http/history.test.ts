// GET /accounts/{name}/history through app.inject(): newest first, the seed's descriptions, ISO
// timestamps, and paging with limit and the before cursor.

import { describe, expect, it } from "vitest";
import { appWith, expectProblem, FIXED_TIMESTAMP, request } from "./helpers.js";

interface HistoryPage {
  name: string;
  transactions: { id: number; description: string; timestamp: string }[];
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
