// Batches of transfers and the non-throwing transfer: atomic all-or-nothing, independent results,
// result codes, limits, and the totals they must conserve.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BATCH_SIZE_MAX,
  Bank,
  BankError,
  BatchRefusedError,
  InvalidArgumentError,
  AMOUNT_MINOR_MAX,
  type TransferInstruction,
} from "../../src/index.js";

function bankWith(balances: Record<string, number>): Bank {
  const bank = new Bank({ clock: () => 1_700_000_000_000 });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return bank;
}

function balances(bank: Bank): Record<string, number> {
  return Object.fromEntries(bank.listAccounts().map((account) => [account.name, account.balanceMinor]));
}

describe("atomic batch", () => {
  it("when every transfer passes, applies them in order with consecutive ids and one timestamp", () => {
    const bank = bankWith({ a: 100, b: 0, c: 0 });
    const result = bank.transferBatch([
      { sender: "a", recipient: "b", amount: 60 },
      { sender: "b", recipient: "c", amount: "50.25" },
    ]);
    expect(result.applied).toBe(2);
    expect(result.refused).toBe(0);
    expect(result.results).toEqual([
      { index: 0, ok: true, transactionId: 4 },
      { index: 1, ok: true, transactionId: 5 },
    ]);
    expect(balances(bank)).toEqual({ a: 4000, b: 975, c: 5025 });
    const history = bank.getAccount("b").getTransactionHistory();
    expect(history.map((t) => [t.id, t.description])).toEqual([
      [2, "Account created with balance: 0.00"],
      [4, "Received from: 60.00 a"],
      [5, "Transferred to: 50.25 c"],
    ]);
    expect(new Set(history.slice(1).map((t) => t.timeMs))).toEqual(new Set([1_700_000_000_000]));
  });

  it("when a later transfer needs money an earlier one brings, sees the earlier one's balance", () => {
    const bank = bankWith({ a: 10, b: 0 });
    bank.transferBatch([
      { sender: "a", recipient: "b", amount: 10 },
      { sender: "b", recipient: "a", amount: 10 },
      { sender: "a", recipient: "b", amount: 10 },
    ]);
    expect(balances(bank)).toEqual({ a: 0, b: 1000 });
  });

  it("when one transfer is short, refuses the whole batch, names it, and changes nothing", () => {
    const bank = bankWith({ a: 100, b: 0, c: 0 });
    const before = { balances: balances(bank), count: bank.transactionCount };
    const attempt = () =>
      bank.transferBatch([
        { sender: "a", recipient: "b", amount: 60 },
        { sender: "b", recipient: "c", amount: 70 },
      ]);
    expect(attempt).toThrow(BatchRefusedError);
    try {
      attempt();
    } catch (error) {
      const refused = error as BatchRefusedError;
      expect(refused.code).toBe("BATCH_REFUSED");
      expect(refused.index).toBe(1);
      expect(refused.refusal.code).toBe("INSUFFICIENT_FUNDS");
      // The balance quoted is the one the earlier transfer of the batch would have left.
      expect(refused.message).toBe(
        "Transfer 1 of the batch was refused, so none was applied: Cannot withdraw 70.00; balance is only 60.00",
      );
    }
    expect(balances(bank)).toEqual(before.balances);
    expect(bank.transactionCount).toBe(before.count);
    expect(bank.getAccount("b").historyLength).toBe(1);
  });

  it.each([
    [{ sender: "nobody", recipient: "b", amount: 1 }, "ACCOUNT_NOT_FOUND", "Account 'nobody' not found"],
    [{ sender: "a", recipient: "nobody", amount: 1 }, "ACCOUNT_NOT_FOUND", "Account 'nobody' not found"],
    [{ sender: "", recipient: "b", amount: 1 }, "INVALID_NAME", "Account name cannot be empty"],
    [{ sender: "a", recipient: "b", amount: 0 }, "NEGATIVE_AMOUNT", "Amount must be positive"],
    [{ sender: "a", recipient: "b", amount: 0.001 }, "INVALID_AMOUNT", "Amount must have at most 2 decimal places"],
    [{ sender: "a", recipient: "a", amount: 1 }, "SAME_ACCOUNT", "Cannot transfer to the same account"],
    [null, "INVALID_ARGUMENT", "Each transfer must be an object with sender, recipient and amount"],
  ])("when a transfer is %j, refuses the batch with %s", (bad, code, message) => {
    const bank = bankWith({ a: 100, b: 0 });
    const transfers = [{ sender: "a", recipient: "b", amount: 1 }, bad] as TransferInstruction[];
    expect(() => bank.transferBatch(transfers)).toThrow(
      expect.objectContaining({ index: 1, refusal: expect.objectContaining({ code, message }) }),
    );
    expect(balances(bank)).toEqual({ a: 10000, b: 0 });
  });

  it("when a credit would pass the balance limit, refuses the batch", () => {
    const bank = bankWith({ a: AMOUNT_MINOR_MAX / 100, b: AMOUNT_MINOR_MAX / 100 });
    expect(() => bank.transferBatch([{ sender: "a", recipient: "b", amount: 1 }])).toThrow(
      expect.objectContaining({ refusal: expect.objectContaining({ code: "BALANCE_LIMIT_EXCEEDED" }) }),
    );
  });

  it("when the batch is empty, too long or not an array, refuses it as an invalid argument", () => {
    const bank = bankWith({ a: 100, b: 0 });
    const one = { sender: "a", recipient: "b", amount: 0.01 };
    expect(() => bank.transferBatch([])).toThrow(InvalidArgumentError);
    expect(() => bank.transferBatch(new Array(BATCH_SIZE_MAX + 1).fill(one))).toThrow(
      `A batch must hold 1 to ${BATCH_SIZE_MAX} transfers, not ${BATCH_SIZE_MAX + 1}`,
    );
    expect(() => bank.transferBatch("nope" as unknown as TransferInstruction[])).toThrow(
      `A batch must be an array of 1 to ${BATCH_SIZE_MAX} transfers`,
    );
    expect(bank.transferBatch(new Array(BATCH_SIZE_MAX).fill(one)).applied).toBe(BATCH_SIZE_MAX);
    expect(bank.getAccount("b").balanceMinor).toBe(BATCH_SIZE_MAX);
  });
});

describe("independent batch", () => {
  it("applies what passes and reports each refusal in order", () => {
    const bank = bankWith({ a: 100, b: 0 });
    const result = bank.transferBatch(
      [
        { sender: "a", recipient: "b", amount: 30 },
        { sender: "b", recipient: "a", amount: 50 },
        { sender: "x", recipient: "a", amount: 1 },
        { sender: "a", recipient: "b", amount: "2.50" },
        { sender: "a", recipient: "b", amount: AMOUNT_MINOR_MAX },
      ],
      { atomic: false },
    );
    expect(result.applied).toBe(2);
    expect(result.refused).toBe(3);
    expect(result.results.map((item) => (item.ok ? item.transactionId : item.error.code))).toEqual([
      3, "INSUFFICIENT_FUNDS", "ACCOUNT_NOT_FOUND", 4, "INVALID_AMOUNT",
    ]);
    const short = result.results[1];
    expect(short?.ok === false && short.error.message).toBe("Cannot withdraw 50.00; balance is only 30.00");
    expect(balances(bank)).toEqual({ a: 6750, b: 3250 });
  });

  it("when a credit would pass the limit, refuses only that transfer", () => {
    const bank = bankWith({ a: 1, b: AMOUNT_MINOR_MAX / 100 });
    const result = bank.transferBatch([{ sender: "a", recipient: "b", amount: 1 }], { atomic: false });
    expect(result.results[0]).toMatchObject({ ok: false, error: { code: "BALANCE_LIMIT_EXCEEDED" } });
    expect(balances(bank)).toEqual({ a: 100, b: AMOUNT_MINOR_MAX });
  });
});

describe("result codes instead of errors", () => {
  it("tryTransfer returns OK and applies, or returns the refusal's code and changes nothing", () => {
    const bank = bankWith({ a: 10, b: 0 });
    expect(bank.tryTransfer("a", "b", 4)).toBe("OK");
    expect(bank.tryTransfer("a", "b", 7)).toBe("INSUFFICIENT_FUNDS");
    expect(bank.tryTransfer("a", "a", 1)).toBe("SAME_ACCOUNT");
    expect(bank.tryTransfer("x", "b", 1)).toBe("ACCOUNT_NOT_FOUND");
    expect(bank.tryTransfer("a", "x", 1)).toBe("ACCOUNT_NOT_FOUND");
    expect(bank.tryTransfer("a", "\u0000", 1)).toBe("INVALID_NAME");
    expect(bank.tryTransfer("a", "b", -1)).toBe("NEGATIVE_AMOUNT");
    expect(bank.tryTransfer("a", "b", Number.NaN)).toBe("INVALID_AMOUNT");
    expect(balances(bank)).toEqual({ a: 600, b: 400 });
    expect(bank.getAccount("b").getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 0.00",
      "Received from: 4.00 a",
    ]);
  });

  it("tryTransferBatch marks the refused transfer of an atomic batch and every other as BATCH_REFUSED", () => {
    const bank = bankWith({ a: 10, b: 0 });
    const codes = bank.tryTransferBatch([
      { sender: "a", recipient: "b", amount: 5 },
      { sender: "a", recipient: "b", amount: 6 },
      { sender: "b", recipient: "a", amount: 1 },
    ]);
    expect(codes).toEqual(["BATCH_REFUSED", "INSUFFICIENT_FUNDS", "BATCH_REFUSED"]);
    expect(balances(bank)).toEqual({ a: 1000, b: 0 });
    expect(bank.tryTransferBatch([{ sender: "a", recipient: "b", amount: 5 }])).toEqual(["OK"]);
    expect(
      bank.tryTransferBatch(
        [
          { sender: "a", recipient: "b", amount: 6 },
          { sender: "a", recipient: "b", amount: 5 },
        ],
        { atomic: false },
      ),
    ).toEqual(["INSUFFICIENT_FUNDS", "OK"]);
    expect(balances(bank)).toEqual({ a: 0, b: 1000 });
  });
});

describe("batches with idempotency keys", () => {
  it("when retried with the same key and transfers, returns the first result and moves nothing more", () => {
    const bank = bankWith({ a: 10, b: 0 });
    const transfers = [{ sender: "a", recipient: "b", amount: 4 }];
    const first = bank.transferBatch(transfers, { idempotencyKey: "batch-1" });
    const again = bank.transferBatch(transfers, { idempotencyKey: "batch-1" });
    expect(again).toBe(first);
    expect(bank.tryTransferBatch(transfers, { idempotencyKey: "codes-1" })).toEqual(["OK"]);
    expect(bank.tryTransferBatch(transfers, { idempotencyKey: "codes-1" })).toEqual(["OK"]);
    expect(balances(bank)).toEqual({ a: 200, b: 800 });
    expect(() => bank.transferBatch([{ sender: "a", recipient: "b", amount: 1 }], { idempotencyKey: "batch-1" })).toThrow(
      expect.objectContaining({ code: "IDEMPOTENCY_KEY_REUSED" }),
    );
    expect(() => bank.transferBatch(transfers, { idempotencyKey: "batch-1", atomic: false })).toThrow(BankError);
  });
});

describe("batch laws", () => {
  const names = ["a", "b", "c", "d"];
  const transfer = fc.record({
    sender: fc.constantFrom(...names, "ghost"),
    recipient: fc.constantFrom(...names),
    amount: fc.integer({ min: -100, max: 5_000 }).map((cents) => cents / 100),
  });

  it("an atomic batch either applies every transfer or changes nothing, and conserves the total", () => {
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 30 }), (transfers) => {
        const bank = bankWith({ a: 20, b: 20, c: 20, d: 20 });
        const before = balances(bank);
        const codes = bank.tryTransferBatch(transfers);
        const after = balances(bank);
        const total = Object.values(after).reduce((sum, minor) => sum + minor, 0);
        expect(total).toBe(8000);
        if (codes.every((code) => code === "OK")) {
          expect(bank.transactionCount).toBe(4 + transfers.length);
        } else {
          expect(after).toEqual(before);
          expect(bank.transactionCount).toBe(4);
          expect(codes.filter((code) => code !== "BATCH_REFUSED")).toHaveLength(1);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("an independent batch gives the same balances as the same transfers made one by one", () => {
    fc.assert(
      fc.property(fc.array(transfer, { minLength: 1, maxLength: 30 }), (transfers) => {
        const batched = bankWith({ a: 20, b: 20, c: 20, d: 20 });
        const single = bankWith({ a: 20, b: 20, c: 20, d: 20 });
        const codes = batched.tryTransferBatch(transfers, { atomic: false });
        const singleCodes = transfers.map((t) => single.tryTransfer(t.sender, t.recipient, t.amount));
        expect(codes).toEqual(singleCodes);
        expect(balances(batched)).toEqual(balances(single));
        for (const account of batched.listAccounts()) expect(account.balanceMinor).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });
});
