// GET /accounts/{name}/balance?at= and GET /accounts/{name}/statement?from&to, with a clock the
// test moves so that every instant is exact: the balance at any instant, and statements as JSON and
// as CSV (RFC 4180), with their limits.

import { describe, expect, it } from "vitest";
import { STATEMENT_TRANSACTIONS_MAX } from "../../src/index.js";
import { appWithClock, expectProblem, FIXED_TIME_MS, FIXED_TIMESTAMP, request } from "./helpers.js";

/** The instant `seconds` after the story starts, as the API writes it. */
const at = (seconds: number) => new Date(FIXED_TIME_MS + seconds * 1000).toISOString();

const PAYEE = 'Smith, "Junior"';

/**
 * alice, opened with 100 at 0 s; then a deposit of 10 (inv-1) at 1 s, a hold of 20 for bob at 2 s,
 * its post of 15 at 3 s, and a transfer of 2.5 to an account whose name needs quoting in CSV at 4 s.
 */
function story() {
  const { app, bank, clock } = appWithClock({ alice: 100, bob: 0, [PAYEE]: 0 });
  const step = (action: () => unknown) => {
    clock.nowMs += 1000;
    action();
  };
  step(() => bank.deposit("alice", 10, { reference: "inv-1" }));
  step(() => bank.hold("alice", "bob", 20, { reference: "order,1" }));
  step(() => bank.postHold(1, 15));
  step(() => bank.transfer("alice", PAYEE, 2.5));
  return { app, bank, clock };
}

describe("GET /accounts/{name}/balance", () => {
  it.each<[string, number]>([
    [at(0), 100],
    [at(0.999), 100],
    [at(1), 110],
    [at(2.5), 110],
    [at(3), 95],
    [at(4), 92.5],
    [at(3600), 92.5],
  ])("when asked at %s, answers the balance after the last transaction at or before it: %d", async (instant, balance) => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/balance?at=${instant}`);
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ name: "alice", balance, at: instant });
  });

  it("when the instant has an offset, reads it as that instant and answers it in UTC", async () => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/balance?at=${encodeURIComponent("2025-01-02T04:04:06.678+01:00")}`);
    expect(response.body).toEqual({ name: "alice", balance: 110, at: at(1) });
  });

  it("when no instant is given, answers the balance now, at the bank's own time", async () => {
    const { app, clock } = story();
    clock.nowMs += 60_000;
    expect((await request(app, "GET", "/accounts/alice/balance")).body).toEqual({ name: "alice", balance: 92.5, at: at(64) });
  });

  it("when the instant is before the account was opened, refuses with 400 and the core's words", async () => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/balance?at=${at(-1)}`);
    expect(expectProblem(response, 400, "INVALID_ARGUMENT")).toBe(`Account 'alice' was opened after ${at(-1)}`);
    expectProblem(await request(app, "GET", `/accounts/ghost/balance?at=${at(1)}`), 404, "ACCOUNT_NOT_FOUND");
  });
});

describe("GET /accounts/{name}/statement", () => {
  it("when asked as JSON, answers the opening balance, the period's transactions oldest first, and the closing balance", async () => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/statement?from=${at(1)}&to=${at(3)}`);
    expect(response.status, response.text).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers.vary).toBe("accept");
    expect(response.body).toEqual({
      name: "alice",
      from: at(1),
      to: at(3),
      opening_balance: 100,
      closing_balance: 95,
      transactions: [
        { id: 4, type: "deposit", amount: 10, balance_after: 110, counterparty: null, timestamp: at(1), description: "Deposited: 10.00", reference: "inv-1" },
        {
          id: 5, type: "hold_created", amount: 20, balance_after: 110, counterparty: "bob", timestamp: at(2), description: "Held: 20.00 for bob",
          reference: "order,1", hold_id: 1, incoming: false,
        },
        {
          id: 6, type: "hold_posted", amount: 15, balance_after: 95, counterparty: "bob", timestamp: at(3), description: "Hold posted: 15.00 to bob",
          reference: "order,1", hold_id: 1, incoming: false,
        },
      ],
    });
  });

  it("when the account was opened within the period, opens at zero and lists its opening", async () => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/bob/statement?from=${at(-10)}&to=${at(10)}`);
    expect(response.body).toMatchObject({ opening_balance: 0, closing_balance: 15 });
    expect((response.body as { transactions: { type: string }[] }).transactions.map((t) => t.type)).toEqual([
      "account_opened", "hold_created", "hold_posted",
    ]);
    expect((await request(app, "GET", `/accounts/alice/statement?from=${at(5)}&to=${at(9)}`)).body).toMatchObject({
      opening_balance: 92.5, closing_balance: 92.5, transactions: [],
    });
  });

  it("when asked for text/csv, answers a header row, the opening balance, a row per transaction and the closing balance, amounts with two decimals, quoted as RFC 4180 says", async () => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/statement?from=${at(0)}&to=${at(4)}`, undefined, { accept: "text/csv" });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(response.headers.vary).toBe("accept");
    expect(response.text).toBe([
      "id,timestamp,type,amount,balance_after,counterparty,reference,description",
      `,${at(0)},opening_balance,,0.00,,,`,
      `1,${FIXED_TIMESTAMP},account_opened,100.00,100.00,,,Account created with balance: 100.00`,
      `4,${at(1)},deposit,10.00,110.00,,inv-1,Deposited: 10.00`,
      `5,${at(2)},hold_created,20.00,110.00,bob,"order,1",Held: 20.00 for bob`,
      `6,${at(3)},hold_posted,15.00,95.00,bob,"order,1",Hold posted: 15.00 to bob`,
      `7,${at(4)},transfer_out,2.50,92.50,"Smith, ""Junior""",,"Transferred to: 2.50 Smith, ""Junior"""`,
      `,${at(4)},closing_balance,,92.50,,,`,
      "",
    ].join("\r\n"));
  });

  it.each<[string, string]>([
    ["text/csv", "text/csv"],
    ["text/csv;q=0.9, application/json", "application/json"],
    ["application/json, text/csv;q=0.5", "application/json"],
    ["*/*", "application/json"],
    ["text/*", "text/csv"],
  ])("when Accept is %s, answers %s", async (accept, type) => {
    const { app } = story();
    const response = await request(app, "GET", `/accounts/alice/statement?from=${at(0)}&to=${at(4)}`, undefined, { accept });
    expect(response.headers["content-type"]).toMatch(new RegExp(`^${type.replace("/", "\\/")}`));
  });

  it(`when the period holds more than ${STATEMENT_TRANSACTIONS_MAX} transactions, refuses it with the core's words`, async () => {
    const { app, bank } = story();
    for (let index = 0; index < STATEMENT_TRANSACTIONS_MAX; index++) bank.deposit("bob", 0.01);
    const whole = await request(app, "GET", `/accounts/bob/statement?from=${at(0)}&to=${at(10)}`);
    expect(expectProblem(whole, 400, "INVALID_ARGUMENT")).toBe(
      `The period holds ${STATEMENT_TRANSACTIONS_MAX + 3} transactions, more than a statement's ${STATEMENT_TRANSACTIONS_MAX}; ask for a shorter one`,
    );
    const csv = await request(app, "GET", `/accounts/bob/statement?from=${at(0)}&to=${at(10)}`, undefined, { accept: "text/csv" });
    expectProblem(csv, 400, "INVALID_ARGUMENT");
    const shorter = await request(app, "GET", `/accounts/bob/statement?from=${at(0)}&to=${at(3)}`);
    expect(shorter.status).toBe(200);
  });

  it("when from or to is missing, not an instant, or from is after to, refuses with 400", async () => {
    const { app } = story();
    const missing = await request(app, "GET", `/accounts/alice/statement?from=${at(0)}`);
    expect(expectProblem(missing, 400, "INVALID_REQUEST")).toBe("querystring must have required property 'to'");
    expectProblem(await request(app, "GET", `/accounts/alice/statement?from=yesterday&to=${at(0)}`), 400, "INVALID_REQUEST");
    const reversed = await request(app, "GET", `/accounts/alice/statement?from=${at(2)}&to=${at(1)}`);
    expect(expectProblem(reversed, 400, "INVALID_ARGUMENT")).toBe("'from' must not be after 'to'");
  });
});
