// Batches that create, post and void holds among their transfers: atomic ones checked against their
// own overlay of balances, holds and each hold's status, independent ones item by item; the same
// refusals, in the same precedence and words, as the single calls; and the laws that tie a batch to
// the same steps made one by one.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Bank,
  BatchRefusedError,
  HOLD_TIMEOUT_SECONDS_MAX,
  type BankError,
  type BatchInstruction,
  type BatchItemResult,
} from "../../src/index.js";
import { snapshot, thrownBy } from "./support.js";

const CLOCK_MS = Date.UTC(2025, 0, 2, 3, 4, 5);

function bankWith(balances: Record<string, number>, clock: () => number = () => CLOCK_MS): Bank {
  const bank = new Bank({ clock });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return bank;
}

/** Each account's balance and available, in minor units. */
function positions(bank: Bank): Record<string, [number, number]> {
  return Object.fromEntries(bank.listAccounts().map((account) => [account.name, [account.balanceMinor, account.availableMinor]]));
}

/** Everything two banks must agree on: balances, what is available, histories, and every hold. */
function state(bank: Bank): unknown {
  const holds = [];
  for (let id = 1; ; id++) {
    try {
      holds.push(bank.getHold(id).toJSON());
    } catch {
      break;
    }
  }
  return {
    positions: positions(bank),
    histories: bank.listAccounts().map((account) => account.getTransactionHistory().map((transaction) => transaction.toJSON())),
    holds,
  };
}

describe("an atomic batch with holds", () => {
  it("when every item passes, makes, posts and voids holds among transfers, with consecutive ids", () => {
    const bank = bankWith({ alice: 100, bob: 0, carol: 0 });
    bank.hold("alice", "carol", 10);
    const result = bank.transferBatch([
      { type: "hold", sender: "alice", recipient: "bob", amount: 30, timeoutSeconds: 60, reference: "order-7" },
      { type: "post", holdId: 2, amount: 20 },
      { type: "void", holdId: 1 },
      { sender: "alice", recipient: "carol", amount: "5.50", reference: "tip" },
    ]);
    expect(result).toEqual({
      applied: 4,
      refused: 0,
      results: [
        { index: 0, ok: true, transactionId: 5, holdId: 2 },
        { index: 1, ok: true, transactionId: 6, holdId: 2 },
        { index: 2, ok: true, transactionId: 7, holdId: 1 },
        { index: 3, ok: true, transactionId: 8 },
      ],
    });
    expect(positions(bank)).toEqual({ alice: [7450, 7450], bob: [2000, 2000], carol: [550, 550] });
    expect(bank.getHold(2).toJSON()).toMatchObject({ status: "posted", amount: 30, postedAmount: 20, reference: "order-7" });
    expect(bank.getHold(2).expiresAt.getTime()).toBe(CLOCK_MS + 60_000);
    expect(bank.getHold(1).status).toBe("voided");
    const alice = bank.getAccount("alice").getTransactionHistory().slice(-4).map((t) => [t.id, t.type, t.description, t.reference, t.holdId]);
    expect(alice).toEqual([
      [5, "hold_created", "Held: 30.00 for bob", "order-7", 2],
      [6, "hold_posted", "Hold posted: 20.00 to bob", "order-7", 2],
      [7, "hold_voided", "Hold voided: 10.00 for carol", null, 1],
      [8, "transfer_out", "Transferred to: 5.50 carol", "tip", null],
    ]);
  });

  it("when a post and a void of the same hold are in it, refuses the second, naming it, and changes nothing", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const hold = bank.hold("alice", "bob", 30);
    const before = state(bank);
    const error = thrownBy(() => bank.transferBatch([{ type: "post", holdId: hold.id }, { type: "void", holdId: hold.id }]));
    expect(error).toBeInstanceOf(BatchRefusedError);
    const refused = error as BatchRefusedError;
    expect(refused.index).toBe(1);
    expect(refused.refusal.code).toBe("HOLD_NOT_PENDING");
    expect(refused.message).toBe("Transfer 1 of the batch was refused, so none was applied: Hold 1 was already posted");
    expect(state(bank)).toEqual(before);
    expect(hold.status).toBe("pending");
  });

  it("when a transfer needs money an earlier item of the batch holds, refuses it with what is available", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const before = state(bank);
    const error = thrownBy(() => bank.transferBatch([
      { type: "hold", sender: "alice", recipient: "bob", amount: 80 },
      { sender: "alice", recipient: "bob", amount: 30 },
    ])) as BatchRefusedError;
    expect(error.refusal.message).toBe("Cannot withdraw 30.00; available is only 20.00 (80.00 of the balance is held)");
    expect(state(bank)).toEqual(before);
  });

  it("when an item posts a hold an earlier item made, posts it, with the id the batch foresaw", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const result = bank.transferBatch([
      { type: "hold", sender: "alice", recipient: "bob", amount: 40 },
      { type: "post", holdId: 1 },
      { sender: "bob", recipient: "alice", amount: 40 },
    ]);
    expect(result.results.map((item) => item.ok && item.holdId)).toEqual([1, 1, undefined]);
    expect(positions(bank)).toEqual({ alice: [10000, 10000], bob: [0, 0] });
  });

  it("when an item posts a hold that a later item makes, refuses it as not found", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const error = thrownBy(() => bank.transferBatch([
      { type: "post", holdId: 1 },
      { type: "hold", sender: "alice", recipient: "bob", amount: 40 },
    ])) as BatchRefusedError;
    expect([error.index, error.refusal.message]).toEqual([0, "Hold 1 not found"]);
    expect(bank.getAccount("alice").availableMinor).toBe(10000);
  });

  it("when a post would fill the recipient past the limit after an earlier item's credit, refuses it naming the recipient", () => {
    const bank = bankWith({ alice: 100, full: 999_999_999_950 });
    bank.hold("alice", "full", 40);
    const error = thrownBy(() => bank.transferBatch([
      { sender: "alice", recipient: "full", amount: 20 },
      { type: "post", holdId: 1 },
    ])) as BatchRefusedError;
    expect([error.index, error.refusal.message]).toEqual([1, "Balance of 'full' cannot exceed 1000000000000.00"]);
  });

  it("when a hold's time has come before the batch, its post is refused as expired", () => {
    let nowMs = CLOCK_MS;
    const bank = bankWith({ alice: 100, bob: 0 }, () => nowMs);
    bank.hold("alice", "bob", 30, { timeoutSeconds: 60 });
    nowMs += 60_000;
    const error = thrownBy(() => bank.transferBatch([{ type: "post", holdId: 1 }])) as BatchRefusedError;
    expect(error.refusal.message).toBe("Hold 1 has expired");
    expect(bank.getAccount("alice").availableMinor).toBe(10000);
    expect(bank.getAccount("alice").getTransactionHistory().at(-1)?.type).toBe("hold_expired");
  });
});

describe("an independent batch with holds", () => {
  it("when a post and a void of the same hold are in it, applies the first and refuses the second", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    bank.hold("alice", "bob", 30);
    const result = bank.transferBatch([{ type: "void", holdId: 1 }, { type: "post", holdId: 1, amount: 5 }], { atomic: false });
    expect(result.applied).toBe(1);
    expect(result.results[0]).toEqual({ index: 0, ok: true, transactionId: 4, holdId: 1 });
    const second = result.results[1] as Extract<BatchItemResult, { ok: false }>;
    expect([second.ok, second.error.code, second.error.message]).toEqual([false, "HOLD_NOT_PENDING", "Hold 1 was already voided"]);
    expect(positions(bank)).toEqual({ alice: [10000, 10000], bob: [0, 0] });
  });

  it("when items are refused, each has the refusal the single call would have, and the others apply", () => {
    const bank = bankWith({ alice: 100, bob: 0, full: 999_999_999_990 });
    bank.hold("alice", "bob", 30);
    bank.hold("alice", "full", 10);
    bank.deposit("full", 10);
    const items = [
      { type: "hold", sender: "alice", recipient: "bob", amount: 80 },
      { type: "hold", sender: "alice", recipient: "ghost", amount: 1 },
      { type: "hold", sender: "alice", recipient: "bob", amount: 1, timeoutSeconds: HOLD_TIMEOUT_SECONDS_MAX + 1 },
      { type: "hold", sender: "alice", recipient: "bob", amount: 1, reference: "two words" },
      { type: "post", holdId: 9 },
      { type: "post", holdId: 1, amount: 31 },
      { type: "post", holdId: 1, amount: 0.001 },
      { type: "post", holdId: 2 },
      { type: "refund", holdId: 1 },
      "nothing",
      { type: "post", holdId: 1, amount: "30.00" },
    ] as unknown as BatchInstruction[];
    const singles: (() => unknown)[] = [
      () => bank.hold("alice", "bob", 80),
      () => bank.hold("alice", "ghost", 1),
      () => bank.hold("alice", "bob", 1, { timeoutSeconds: HOLD_TIMEOUT_SECONDS_MAX + 1 }),
      () => bank.hold("alice", "bob", 1, { reference: "two words" }),
      () => bank.postHold(9),
      () => bank.postHold(1, 31),
      () => bank.postHold(1, 0.001),
      () => bank.postHold(2),
    ];
    const expected = singles.map((single) => {
      const error = thrownBy(single) as BankError;
      return [error.code, error.message];
    });
    const result = bank.transferBatch(items, { atomic: false });
    const refusals = result.results.map((item) => (item.ok ? ["applied"] : [item.error.code, item.error.message]));
    expect(refusals).toEqual([
      ...expected,
      ["INVALID_ARGUMENT", "A batch item's type must be one of transfer, hold, post, void"],
      ["INVALID_ARGUMENT", "Each transfer must be an object with sender, recipient and amount"],
      ["applied"],
    ]);
    expect(expected.map(([code]) => code)).toEqual([
      "INSUFFICIENT_FUNDS", "ACCOUNT_NOT_FOUND", "INVALID_ARGUMENT", "INVALID_ARGUMENT", "HOLD_NOT_FOUND",
      "HOLD_AMOUNT_EXCEEDED", "INVALID_AMOUNT", "BALANCE_LIMIT_EXCEEDED",
    ]);
    expect(positions(bank)).toEqual({ alice: [7000, 6000], bob: [3000, 3000], full: [100_000_000_000_000, 100_000_000_000_000] });
  });

  it("when the codes are asked for, a refused atomic batch marks its refused item and every other as refused with it", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const items: BatchInstruction[] = [
      { type: "hold", sender: "alice", recipient: "bob", amount: 10 },
      { type: "void", holdId: 2 },
      { sender: "alice", recipient: "bob", amount: 1 },
    ];
    expect(bank.tryTransferBatch(items)).toEqual(["BATCH_REFUSED", "HOLD_NOT_FOUND", "BATCH_REFUSED"]);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.tryTransferBatch(items, { atomic: false })).toEqual(["OK", "HOLD_NOT_FOUND", "OK"]);
    expect(bank.getHold(1).status).toBe("pending");
  });

  it("when retried with the same key, returns the first result; with another reference, refuses the key", () => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const items: BatchInstruction[] = [{ type: "hold", sender: "alice", recipient: "bob", amount: 10, reference: "r-1" }];
    const first = bank.transferBatch(items, { idempotencyKey: "k" });
    expect(bank.transferBatch([{ ...items[0], amount: "10.00" } as BatchInstruction], { idempotencyKey: "k" })).toBe(first);
    expect(bank.getHold(1).amount).toBe(10);
    expect(() => bank.getHold(2)).toThrow("Hold 2 not found");
    const other: BatchInstruction[] = [{ type: "hold", sender: "alice", recipient: "bob", amount: 10, reference: "r-2" }];
    expect(thrownBy(() => bank.transferBatch(other, { idempotencyKey: "k" }))).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    // A transfer with a reference is another batch than the same transfer without one.
    bank.transferBatch([{ sender: "alice", recipient: "bob", amount: 1 }], { idempotencyKey: "plain" });
    expect(thrownBy(() => bank.transferBatch([{ sender: "alice", recipient: "bob", amount: 1, reference: "x" }], { idempotencyKey: "plain" })))
      .toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    expect(bank.transferBatch([{ type: "transfer", sender: "alice", recipient: "bob", amount: 1 }], { idempotencyKey: "plain" }).applied).toBe(1);
    expect(bank.getAccount("bob").balanceMinor).toBe(100);
  });
});

describe("the laws of batches with holds", () => {
  const NAMES = ["a", "b", "c"];
  const name = fc.constantFrom(...NAMES);
  const amount = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: 4_000 }).map((cents) => cents / 100) },
    { weight: 1, arbitrary: fc.constantFrom(0, -1, 0.001) },
  );
  const reference = fc.option(fc.constantFrom("inv-1", "inv-2"), { nil: undefined });
  const item: fc.Arbitrary<BatchInstruction> = fc.oneof(
    fc.record({ sender: name, recipient: name, amount, reference }, { requiredKeys: ["sender", "recipient", "amount"] }),
    fc.record(
      { type: fc.constant("hold" as const), sender: name, recipient: name, amount, timeoutSeconds: fc.constantFrom(1, 60, 0), reference },
      { requiredKeys: ["type", "sender", "recipient", "amount"] },
    ),
    fc.record({ type: fc.constant("post" as const), holdId: fc.integer({ min: 1, max: 8 }), amount: fc.option(amount, { nil: undefined }) },
      { requiredKeys: ["type", "holdId"] }),
    fc.record({ type: fc.constant("void" as const), holdId: fc.integer({ min: 1, max: 8 }) }),
  );
  // Two holds before the batch, so that posts and voids of holds the batch did not make happen too.
  const setup = (bank: Bank) => {
    bank.hold("a", "b", 15);
    bank.hold("b", "c", 5);
  };
  const opened = () => {
    const bank = bankWith({ a: 50, b: 30, c: 0 });
    setup(bank);
    return bank;
  };

  /** The same step by a single call: its refusal's code and words, or "applied". */
  function single(bank: Bank, step: BatchInstruction): [string, string] {
    try {
      switch (step.type) {
        case "hold":
          bank.hold(step.sender, step.recipient, step.amount, {
            ...(step.timeoutSeconds !== undefined && { timeoutSeconds: step.timeoutSeconds }),
            ...(step.reference !== undefined && { reference: step.reference }),
          });
          break;
        case "post":
          bank.postHold(step.holdId, step.amount);
          break;
        case "void":
          bank.voidHold(step.holdId);
          break;
        default:
          bank.transfer(step.sender, step.recipient, step.amount, step.reference === undefined ? undefined : { reference: step.reference });
      }
      return ["applied", ""];
    } catch (error) {
      return [(error as BankError).code, (error as BankError).message];
    }
  }

  const outcomeOf = (item: BatchItemResult): [string, string] => (item.ok ? ["applied", ""] : [item.error.code, item.error.message]);

  it("an independent batch applies exactly as the same steps one by one: same refusals, balances, histories and holds", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (items) => {
        const batched = opened();
        const stepped = opened();
        const result = batched.transferBatch(items, { atomic: false });
        expect(result.results.map(outcomeOf)).toEqual(items.map((step) => single(stepped, step)));
        expect(state(batched)).toEqual(state(stepped));
        for (const account of batched.listAccounts()) expect(account.availableMinor).toBeGreaterThanOrEqual(0);
        expect(batched.totalBalanceMinor).toBe(8000);
      }),
      { numRuns: 200 },
    );
  });

  it("an atomic batch applies as the same steps one by one when all pass, and otherwise names the first refusal and changes nothing", () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 12 }), (items) => {
        const batched = opened();
        const stepped = opened();
        const before = state(batched);
        const steps = items.map((step) => single(stepped, step));
        const refused = steps.findIndex(([outcome]) => outcome !== "applied");
        const error = refused < 0 ? null : thrownBy(() => batched.transferBatch(items));
        if (refused < 0) {
          expect(batched.transferBatch(items).applied).toBe(items.length);
          expect(state(batched)).toEqual(state(stepped));
          return;
        }
        expect(error).toBeInstanceOf(BatchRefusedError);
        const { index, refusal } = error as BatchRefusedError;
        expect([index, refusal.code, refusal.message]).toEqual([refused, ...(steps[refused] as [string, string])]);
        expect(state(batched)).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});
