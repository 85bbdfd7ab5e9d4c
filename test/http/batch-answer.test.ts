// The independent batch's answer, written straight from the outcome's columns: for any batch of
// transfers and hold steps, applied and refused, the very text JSON.stringify gives of the answer
// built as objects, field by field, in the schema's order.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bank, type BatchInstruction } from "../../src/index.js";
import { ledgerOf, runBatch, type BatchOutcome } from "../../src/core/internal.js";
import { independentBatchJson } from "../../src/http/batch-answer.js";

const NAMES = ["alice", "bob", "carol", "nobody"] as const;

/** The answer as objects: what the route's schema serialised before the writer took its place. */
function answerAsObjects(outcome: BatchOutcome): unknown {
  let transactionId = outcome.firstTransactionId ?? 0;
  const results = [];
  for (let index = 0; index < outcome.count; index++) {
    const holdId = outcome.holdIdAt(index);
    const hold = holdId === undefined || holdId === null ? {} : { hold_id: holdId };
    results.push(outcome.codes[index] === "OK"
      ? { index, status: "applied", transaction_id: transactionId++, ...hold }
      : { index, status: "refused", code: outcome.codes[index], detail: outcome.errorAt(index).message, ...hold });
  }
  const head = {
    atomic: false,
    applied: outcome.applied,
    refused: outcome.refused,
    first_transaction_id: outcome.firstTransactionId,
    last_transaction_id: outcome.lastTransactionId,
    ...(outcome.holdItems > 0 && { first_hold_id: outcome.firstHoldId, last_hold_id: outcome.lastHoldId }),
  };
  return { ...head, results };
}

const name = fc.constantFrom(...NAMES);
const amount = fc.oneof(fc.integer({ min: 1, max: 9_000 }).map((cents) => cents / 100), fc.constant(-1), fc.constant("1.001"));
const item: fc.Arbitrary<BatchInstruction> = fc.oneof(
  fc.record({ sender: name, recipient: name, amount }),
  fc.record({ type: fc.constant("hold" as const), sender: name, recipient: name, amount }),
  fc.record({ type: fc.constant("post" as const), holdId: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ type: fc.constant("void" as const), holdId: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ sender: name, recipient: name, amount, reference: fc.constantFrom("inv-1", "bad reference") }),
);

function outcomeOf(items: BatchInstruction[]): BatchOutcome {
  const bank = new Bank({ clock: () => 1_700_000_000_000 });
  for (const account of NAMES.slice(0, 3)) bank.createAccount(account, 100);
  bank.hold("alice", "bob", 1);
  return runBatch(ledgerOf(bank), items, false);
}

describe("independentBatchJson", () => {
  it("property: for any batch, writes the text JSON.stringify writes of the answer as objects", () => {
    fc.assert(fc.property(fc.array(item, { minLength: 1, maxLength: 40 }), (items) => {
      const outcome = outcomeOf(items);
      expect(independentBatchJson(outcome)).toBe(JSON.stringify(answerAsObjects(outcome)));
    }), { numRuns: 300 });
  });

  it("writes hold ids and a detail that needs escaping as JSON does", () => {
    const outcome = outcomeOf([
      { type: "hold", sender: "alice", recipient: "bob", amount: 5 },
      { sender: "alice", recipient: 'no "such" one', amount: 1 },
      { type: "void", holdId: 1 },
    ]);
    const answer = JSON.parse(independentBatchJson(outcome)) as { results: unknown[]; first_hold_id: number };
    expect(answer.first_hold_id).toBe(2);
    expect(answer.results).toEqual([
      { index: 0, status: "applied", transaction_id: 5, hold_id: 2 },
      { index: 1, status: "refused", code: "ACCOUNT_NOT_FOUND", detail: expect.stringContaining('"such"') as unknown },
      { index: 2, status: "applied", transaction_id: 6, hold_id: 1 },
    ]);
  });
});
