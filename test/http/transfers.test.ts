// POST /transfers through app.inject(): both balances and the transaction in the response, the
// seed's message, and refusals (same account, short balance, unknown sender or recipient).

import { describe, expect, it } from "vitest";
import { appWith, expectProblem, FIXED_TIMESTAMP, request, snapshot } from "./helpers.js";

describe("POST /transfers", () => {
  it("when the sender can pay, moves the money and returns both balances and the sender's side", async () => {
    const { app, bank } = appWith({ gina: 100, hank: 0 });
    const response = await request(app, "POST", "/transfers", { sender: "gina", recipient: "hank", amount: 40 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      sender: { name: "gina", balance: 60 },
      recipient: { name: "hank", balance: 40 },
      transaction: {
        id: 3,
        type: "transfer_out",
        amount: 40,
        balance_after: 60,
        counterparty: "hank",
        timestamp: FIXED_TIMESTAMP,
        description: "Transferred to: 40.00 hank",
      },
      message: "40.00 transferred from gina to hank",
    });
    expect(bank.getAccount("gina").balance).toBe(60);
    expect(bank.getAccount("hank").balance).toBe(40);
    const received = bank.getAccount("hank").getTransactionPage({ limit: 1 }).transactions[0];
    expect(received?.description).toBe("Received from: 40.00 gina");
    expect(received?.id).toBe(3);
  });

  it("when the sender's balance is short, refuses and changes nothing", async () => {
    const { app, bank } = appWith({ gina: 100, hank: 0 });
    const before = snapshot(bank);
    const response = await request(app, "POST", "/transfers", { sender: "gina", recipient: "hank", amount: 1000 });
    expect(expectProblem(response, 400, "INSUFFICIENT_FUNDS")).toBe("Cannot withdraw 1000.00; balance is only 100.00");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when sender and recipient are the same, refuses with the seed's wording", async () => {
    const { app, bank } = appWith({ gina: 100 });
    const before = snapshot(bank);
    const response = await request(app, "POST", "/transfers", { sender: "gina", recipient: "gina", amount: 10 });
    expect(expectProblem(response, 400, "SAME_ACCOUNT")).toBe("Cannot transfer to the same account");
    expect(snapshot(bank)).toEqual(before);
  });

  it.each([
    ["sender", { sender: "ghost", recipient: "hank", amount: 1 }],
    ["recipient", { sender: "gina", recipient: "ghost", amount: 1 }],
  ])("when the %s does not exist, answers 404 naming it and changes nothing", async (_side, body) => {
    const { app, bank } = appWith({ gina: 100, hank: 0 });
    const before = snapshot(bank);
    const detail = expectProblem(await request(app, "POST", "/transfers", body), 404, "ACCOUNT_NOT_FOUND");
    expect(detail).toBe("Account 'ghost' not found");
    expect(snapshot(bank)).toEqual(before);
  });
});
