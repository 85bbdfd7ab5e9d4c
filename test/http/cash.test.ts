// Deposits and withdrawals through app.inject(): the seed's messages, the new balance and the
// transaction in the response, and refusals that leave no trace.

import { describe, expect, it } from "vitest";
import { appWith, expectProblem, FIXED_TIMESTAMP, request, snapshot } from "./helpers.js";

describe("POST /accounts/{name}/deposits", () => {
  it("when the amount is valid, adds it and returns the balance, the transaction and the seed's message", async () => {
    const { app, bank } = appWith({ dan: 0 });
    const response = await request(app, "POST", "/accounts/dan/deposits", { amount: 25.5 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      name: "dan",
      balance: 25.5,
      transaction: {
        id: 2,
        type: "deposit",
        amount: 25.5,
        balance_after: 25.5,
        counterparty: null,
        timestamp: FIXED_TIMESTAMP,
        description: "Deposited: 25.50",
      },
      message: "25.50 deposited to dan",
    });
    expect(bank.getAccount("dan").balanceMinor).toBe(2550);
  });

  it("when the amount is a decimal string, deposits exactly that", async () => {
    const { app, bank } = appWith({ dan: 0 });
    for (let i = 0; i < 3; i++) await request(app, "POST", "/accounts/dan/deposits", { amount: "0.10" });
    expect(bank.getAccount("dan").balanceMinor).toBe(30);
    expect((await request(app, "GET", "/accounts/dan")).body).toEqual({ name: "dan", balance: 0.3, available: 0.3, held: 0, incoming_held: 0 });
  });

  it("when the amount is negative, refuses with the seed's wording and changes nothing", async () => {
    const { app, bank } = appWith({ eve: 10 });
    const before = snapshot(bank);
    const response = await request(app, "POST", "/accounts/eve/deposits", { amount: -5 });
    expect(expectProblem(response, 400, "NEGATIVE_AMOUNT")).toBe("Amount must be positive");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the account does not exist, answers 404", async () => {
    const { app, bank } = appWith();
    expectProblem(await request(app, "POST", "/accounts/ghost/deposits", { amount: 5 }), 404, "ACCOUNT_NOT_FOUND");
    expect(bank.transactionCount).toBe(0);
  });
});

describe("POST /accounts/{name}/withdrawals", () => {
  it("when the balance covers it, takes the amount out and returns the seed's message", async () => {
    const { app, bank } = appWith({ frank: 30 });
    const response = await request(app, "POST", "/accounts/frank/withdrawals", { amount: 10 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: "frank",
      balance: 20,
      transaction: { type: "withdrawal", amount: 10, balance_after: 20, description: "Withdrawn: 10.00" },
      message: "10.00 withdrawn from frank",
    });
    expect(bank.getAccount("frank").balance).toBe(20);
  });

  it("when it takes the balance to exactly zero, succeeds", async () => {
    const { app, bank } = appWith({ frank: 30 });
    expect((await request(app, "POST", "/accounts/frank/withdrawals", { amount: "30.00" })).status).toBe(200);
    expect(bank.getAccount("frank").balance).toBe(0);
  });

  it("when the balance is short, refuses with the seed's wording and changes nothing", async () => {
    const { app, bank } = appWith({ frank: 20 });
    const before = snapshot(bank);
    const response = await request(app, "POST", "/accounts/frank/withdrawals", { amount: 50 });
    expect(expectProblem(response, 400, "INSUFFICIENT_FUNDS")).toBe("Cannot withdraw 50.00; balance is only 20.00");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the account does not exist, answers 404", async () => {
    const { app } = appWith();
    expectProblem(await request(app, "POST", "/accounts/ghost/withdrawals", { amount: 5 }), 404, "ACCOUNT_NOT_FOUND");
  });
});
