// Batches that come resolved (account indexes and minor units, as the HTTP batch route's fast reader
// gives them): atomic and independent outcomes, the columns' `count`, refusals worded with account
// names, invalid columns as broken invariants, and the law that they run exactly as named batches do.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AssertionError,
  BalanceLimitExceededError,
  Bank,
  BankError,
  BATCH_SIZE_MAX,
  BatchRefusedError,
  InsufficientFundsError,
  AMOUNT_MINOR_MAX,
  SameAccountError,
  type BatchItemResult,
  type TransferInstruction,
} from "../../src/index.js";
import {
  atomicRefusal,
  ledgerOf,
  runResolvedBatch,
  type ResolvedTransfers,
} from "../../src/core/internal.js";
import { centsText, expectRefusedWithoutTrace, snapshot } from "./support.js";

const CLOCK_MS = 1_700_000_000_000;

/** One transfer by names, its amount in minor units. */
type Row = [sender: string, recipient: string, amountMinor: number];

function bankWith(balancesMinor: Record<string, number>): Bank {
  const bank = new Bank({ clock: () => CLOCK_MS });
  for (const [name, minor] of Object.entries(balancesMinor)) bank.createAccount(name, centsText(minor));
  return bank;
}

/** What became of a resolved batch, in brief; an atomic refusal is thrown, as the route throws it. */
interface Summary {
  applied: number;
  refused: number;
  firstTransactionId: number | null;
  lastTransactionId: number | null;
  results: BatchItemResult[] | null;
}

function resolvedBatch(bank: Bank, transfers: ResolvedTransfers, atomic: boolean): Summary {
  const outcome = runResolvedBatch(ledgerOf(bank), transfers, atomic);
  const refusal = atomic ? atomicRefusal(outcome) : null;
  if (refusal !== null) throw refusal;
  const { applied, refused, firstTransactionId, lastTransactionId } = outcome;
  return { applied, refused, firstTransactionId, lastTransactionId, results: atomic ? null : outcome.results() };
}

function indexOf(bank: Bank, name: string): number {
  const index = ledgerOf(bank).find(name);
  if (index === undefined) throw new Error(`test bank has no account '${name}'`);
  return index;
}

/** The rows as columns of account indexes and minor units, `count` being the number of rows. */
function columns(bank: Bank, rows: readonly Row[]): ResolvedTransfers {
  return {
    count: rows.length,
    senders: Int32Array.from(rows, ([sender]) => indexOf(bank, sender)),
    recipients: Int32Array.from(rows, ([, recipient]) => indexOf(bank, recipient)),
    amountsMinor: Float64Array.from(rows, ([, , amountMinor]) => amountMinor),
  };
}

function balances(bank: Bank): Record<string, number> {
  return Object.fromEntries(bank.listAccounts().map((account) => [account.name, account.balanceMinor]));
}

function totalMinor(bank: Bank): number {
  return bank.listAccounts().reduce((sum, account) => sum + account.balanceMinor, 0);
}

/** Every account's full history, as JSON: what two banks must agree on. */
function histories(bank: Bank): unknown {
  return bank.listAccounts().map((account) => account.getTransactionHistory().map((transaction) => transaction.toJSON()));
}

/** A batch item with its error as plain fields, so that two outcomes compare by value. */
function plainItem(item: BatchItemResult): unknown {
  if (item.ok) return item;
  return { index: item.index, ok: false, name: item.error.name, code: item.error.code, message: item.error.message };
}

describe("resolved atomic batch", () => {
  it("when every transfer passes, applies them in order with consecutive ids, both sides' history and the total kept", () => {
    const bank = bankWith({ a: 10_000, b: 0, c: 0 });
    const summary = resolvedBatch(bank, columns(bank, [["a", "b", 6_000], ["b", "c", 5_025], ["a", "c", 1]]), true);
    expect(summary).toEqual({ applied: 3, refused: 0, firstTransactionId: 4, lastTransactionId: 6, results: null });
    expect(balances(bank)).toEqual({ a: 3_999, b: 975, c: 5_026 });
    expect(totalMinor(bank)).toBe(10_000);
    expect(bank.transactionCount).toBe(6);
    const describeHistory = (name: string) =>
      bank.getAccount(name).getTransactionHistory().map((t) => [t.id, t.description, t.balanceAfter, t.timeMs]);
    expect(describeHistory("a")).toEqual([
      [1, "Account created with balance: 100.00", 100, CLOCK_MS],
      [4, "Transferred to: 60.00 b", 40, CLOCK_MS],
      [6, "Transferred to: 0.01 c", 39.99, CLOCK_MS],
    ]);
    expect(describeHistory("b")).toEqual([
      [2, "Account created with balance: 0.00", 0, CLOCK_MS],
      [4, "Received from: 60.00 a", 60, CLOCK_MS],
      [5, "Transferred to: 50.25 c", 9.75, CLOCK_MS],
    ]);
    expect(describeHistory("c")).toEqual([
      [3, "Account created with balance: 0.00", 0, CLOCK_MS],
      [5, "Received from: 50.25 b", 50.25, CLOCK_MS],
      [6, "Received from: 0.01 a", 50.26, CLOCK_MS],
    ]);
  });

  it("when the columns are longer than count, uses only the first count entries and never reads the rest", () => {
    const bank = bankWith({ a: 10_000, b: 0 });
    const a = indexOf(bank, "a");
    const b = indexOf(bank, "b");
    // Past `count`, entries that would each fail the columns' check if they were read.
    const transfers: ResolvedTransfers = {
      count: 2,
      senders: Int32Array.from([a, b, 99, -1]),
      recipients: Int32Array.from([b, a, a, b]),
      amountsMinor: Float64Array.from([300, 100, Number.NaN, 0]),
    };
    const summary = resolvedBatch(bank, transfers, true);
    expect(summary).toEqual({ applied: 2, refused: 0, firstTransactionId: 3, lastTransactionId: 4, results: null });
    expect(balances(bank)).toEqual({ a: 9_800, b: 200 });
    expect(bank.transactionCount).toBe(4);
  });

  it(`when the batch holds ${BATCH_SIZE_MAX} transfers, the most it may, applies them all`, () => {
    const bank = bankWith({ a: 10_000, b: 0 });
    const rows = Array.from({ length: BATCH_SIZE_MAX }, (): Row => ["a", "b", 1]);
    const summary = resolvedBatch(bank, columns(bank, rows), true);
    expect(summary).toMatchObject({ applied: BATCH_SIZE_MAX, refused: 0, firstTransactionId: 3, lastTransactionId: 2 + BATCH_SIZE_MAX });
    expect(balances(bank)).toEqual({ a: 10_000 - BATCH_SIZE_MAX, b: BATCH_SIZE_MAX });
    expect(bank.getAccount("b").historyLength).toBe(1 + BATCH_SIZE_MAX);
  });

  it("when a transfer needs more than the earlier transfers of the batch left its sender, refuses the batch naming it, and changes nothing", () => {
    const bank = bankWith({ a: 10_000, b: 0, c: 0 });
    const transfers = columns(bank, [["a", "b", 6_000], ["b", "c", 1_000], ["b", "c", 7_000], ["a", "c", 1]]);
    const error = expectRefusedWithoutTrace(bank, () => resolvedBatch(bank, transfers, true), BatchRefusedError);
    expect(error.index).toBe(2);
    expect(error.refusal).toBeInstanceOf(InsufficientFundsError);
    // The balance quoted is the one the earlier transfers of the batch would have left.
    expect(error.refusal).toMatchObject({ code: "INSUFFICIENT_FUNDS", accountName: "b", amountMinor: 7_000, balanceMinor: 5_000 });
    expect(error.message).toBe(
      "Transfer 2 of the batch was refused, so none was applied: Cannot withdraw 70.00; balance is only 50.00",
    );
    expect(balances(bank)).toEqual({ a: 10_000, b: 0, c: 0 });
    expect(bank.transactionCount).toBe(3);
  });

  it("when a transfer names the same account twice, refuses the batch with SameAccountError and changes nothing", () => {
    const bank = bankWith({ a: 10_000, b: 0 });
    const transfers = columns(bank, [["a", "b", 100], ["b", "b", 50]]);
    const error = expectRefusedWithoutTrace(bank, () => resolvedBatch(bank, transfers, true), BatchRefusedError);
    expect(error.index).toBe(1);
    expect(error.refusal).toBeInstanceOf(SameAccountError);
    expect(error.message).toBe("Transfer 1 of the batch was refused, so none was applied: Cannot transfer to the same account");
    expect(balances(bank)).toEqual({ a: 10_000, b: 0 });
  });

  it("when earlier transfers fill a recipient to the balance limit, refuses the next credit naming the recipient, and changes nothing", () => {
    const bank = bankWith({ a: 10_000, full: AMOUNT_MINOR_MAX - 200 });
    const transfers = columns(bank, [["a", "full", 200], ["a", "full", 1]]);
    const error = expectRefusedWithoutTrace(bank, () => resolvedBatch(bank, transfers, true), BatchRefusedError);
    expect(error.index).toBe(1);
    expect(error.refusal).toBeInstanceOf(BalanceLimitExceededError);
    expect(error.refusal).toMatchObject({ accountName: "full", limitMinor: AMOUNT_MINOR_MAX });
    expect(error.refusal.message).toBe("Balance of 'full' cannot exceed 1000000000000.00");
    expect(balances(bank)).toEqual({ a: 10_000, full: AMOUNT_MINOR_MAX - 200 });
    expect(bank.transactionCount).toBe(2);
  });
});

describe("resolved independent batch", () => {
  it("when some transfers are refused, applies the others in order with consecutive ids and reports each refusal", () => {
    const bank = bankWith({ a: 10_000, b: 0, full: AMOUNT_MINOR_MAX });
    const summary = resolvedBatch(bank, 
      columns(bank, [
        ["a", "b", 6_000],
        ["a", "b", 6_000],
        ["b", "a", 1_000],
        ["b", "b", 1],
        ["a", "full", 1],
        ["b", "a", 5_000],
      ]),
      false,
    );
    expect(summary).toMatchObject({ applied: 3, refused: 3, firstTransactionId: 4, lastTransactionId: 6 });
    expect(summary.results?.map(plainItem)).toEqual([
      { index: 0, ok: true, transactionId: 4 },
      { index: 1, ok: false, name: "InsufficientFundsError", code: "INSUFFICIENT_FUNDS", message: "Cannot withdraw 60.00; balance is only 40.00" },
      { index: 2, ok: true, transactionId: 5 },
      { index: 3, ok: false, name: "SameAccountError", code: "SAME_ACCOUNT", message: "Cannot transfer to the same account" },
      { index: 4, ok: false, name: "BalanceLimitExceededError", code: "BALANCE_LIMIT_EXCEEDED", message: "Balance of 'full' cannot exceed 1000000000000.00" },
      { index: 5, ok: true, transactionId: 6 },
    ]);
    const short = summary.results?.[1];
    expect(short?.ok === false && short.error).toMatchObject({ accountName: "a", amountMinor: 6_000, balanceMinor: 4_000 });
    expect(balances(bank)).toEqual({ a: 10_000, b: 0, full: AMOUNT_MINOR_MAX });
    expect(bank.transactionCount).toBe(6);
    expect(bank.getAccount("b").getTransactionHistory().map((t) => t.id)).toEqual([2, 4, 5, 6]);
    expect(bank.getAccount("full").historyLength).toBe(1);
  });

  it("when every transfer is refused, applies nothing and has no ids", () => {
    const bank = bankWith({ a: 1, b: 0 });
    const before = snapshot(bank);
    const summary = resolvedBatch(bank, columns(bank, [["b", "a", 1], ["a", "b", 2]]), false);
    expect(summary).toMatchObject({ applied: 0, refused: 2, firstTransactionId: null, lastTransactionId: null });
    expect(summary.results?.map((item) => item.ok)).toEqual([false, false]);
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("resolved batch with invalid columns", () => {
  // Each case: the columns of a bank with accounts 0 ("a", 100.00) and 1 ("b", 0.00), and why they break the contract.
  const valid = { count: 2, senders: [0, 1], recipients: [1, 0], amountsMinor: [500, 100] };
  it.each<[string, { count: number; senders: number[]; recipients: number[]; amountsMinor: number[] }]>([
    ["a sender index is negative", { ...valid, senders: [0, -1] }],
    ["a sender index is past the last account", { ...valid, senders: [2, 1] }],
    ["a recipient index is past the last account", { ...valid, recipients: [1, 2] }],
    ["a recipient index is negative", { ...valid, recipients: [-1, 0] }],
    ["an amount is zero", { ...valid, amountsMinor: [500, 0] }],
    ["an amount is negative", { ...valid, amountsMinor: [-100, 100] }],
    ["an amount is not a whole number of minor units", { ...valid, amountsMinor: [500, 1.5] }],
    ["an amount is NaN", { ...valid, amountsMinor: [500, Number.NaN] }],
    ["an amount is Infinity", { ...valid, amountsMinor: [Number.POSITIVE_INFINITY, 100] }],
    ["an amount is over AMOUNT_MINOR_MAX", { ...valid, amountsMinor: [500, AMOUNT_MINOR_MAX + 1] }],
    ["an amount is past the safe integers", { ...valid, amountsMinor: [500, 2 ** 53] }],
    ["count is 0", { ...valid, count: 0 }],
    ["count is negative", { ...valid, count: -1 }],
    ["count is not an integer", { ...valid, count: 1.5 }],
    ["count is longer than the columns", { ...valid, count: 3 }],
    ["the columns have different lengths", { ...valid, recipients: [1] }],
  ])("when %s, fails an assertion and changes nothing, atomic or not", (_case, given) => {
    for (const atomic of [true, false]) {
      const bank = bankWith({ a: 10_000, b: 0 });
      const transfers: ResolvedTransfers = {
        count: given.count,
        senders: Int32Array.from(given.senders),
        recipients: Int32Array.from(given.recipients),
        amountsMinor: Float64Array.from(given.amountsMinor),
      };
      const error = expectRefusedWithoutTrace(bank, () => resolvedBatch(bank, transfers, atomic), AssertionError);
      expect(error).not.toBeInstanceOf(BankError);
      expect(error.message).toMatch(/^Invariant broken: /);
      expect(balances(bank)).toEqual({ a: 10_000, b: 0 });
    }
  });

  it(`when count is ${BATCH_SIZE_MAX + 1}, one over the limit, fails an assertion and changes nothing`, () => {
    const bank = bankWith({ a: 100_000, b: 0 });
    const rows = Array.from({ length: BATCH_SIZE_MAX + 1 }, (): Row => ["a", "b", 1]);
    const transfers = columns(bank, rows);
    for (const atomic of [true, false]) {
      expectRefusedWithoutTrace(bank, () => resolvedBatch(bank, transfers, atomic), AssertionError);
    }
    expect(bank.transactionCount).toBe(2);
  });
});

describe("resolved batch laws", () => {
  const NAMES = ["a", "b", "c", "d", "e"];
  // Balances small and large, so that short senders and full recipients both happen.
  const balanceMinor = fc.oneof(
    fc.integer({ min: 0, max: 5_000 }),
    fc.integer({ min: AMOUNT_MINOR_MAX - 5_000, max: AMOUNT_MINOR_MAX }),
  );
  const amountMinor = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 3_000 }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: AMOUNT_MINOR_MAX }) },
  );
  const scenario = fc.integer({ min: 2, max: NAMES.length }).chain((accounts) =>
    fc.record({
      balancesMinor: fc.array(balanceMinor, { minLength: accounts, maxLength: accounts }),
      transfers: fc.array(
        fc.record({
          sender: fc.nat({ max: accounts - 1 }),
          recipient: fc.nat({ max: accounts - 1 }),
          amountMinor,
        }),
        { minLength: 1, maxLength: 25 },
      ),
      slack: fc.nat({ max: 3 }),
      atomic: fc.boolean(),
    }),
  );

  it("a resolved batch has the same outcome as the same batch by names and amounts on an identical bank", () => {
    fc.assert(
      fc.property(scenario, ({ balancesMinor, transfers, slack, atomic }) => {
        const opening = Object.fromEntries(balancesMinor.map((minor, index) => [NAMES[index] as string, minor]));
        const resolvedBank = bankWith(opening);
        const namedBank = bankWith(opening);
        const count = transfers.length;
        // Columns longer than `count`, their tail filled with entries that are not transfers.
        const resolved: ResolvedTransfers = {
          count,
          senders: Int32Array.from([...transfers.map((t) => t.sender), ...new Array<number>(slack).fill(-7)]),
          recipients: Int32Array.from([...transfers.map((t) => t.recipient), ...new Array<number>(slack).fill(99)]),
          amountsMinor: Float64Array.from([...transfers.map((t) => t.amountMinor), ...new Array<number>(slack).fill(Number.NaN)]),
        };
        const named: TransferInstruction[] = transfers.map((t) => ({
          sender: ledgerOf(resolvedBank).nameAt(t.sender),
          recipient: ledgerOf(resolvedBank).nameAt(t.recipient),
          amount: centsText(t.amountMinor),
        }));

        let summary: Summary | undefined;
        let resolvedError: unknown;
        try {
          summary = resolvedBatch(resolvedBank, resolved, atomic);
        } catch (error) {
          resolvedError = error;
        }
        let result: ReturnType<Bank["transferBatch"]> | undefined;
        let namedError: unknown;
        try {
          result = namedBank.transferBatch(named, { atomic });
        } catch (error) {
          namedError = error;
        }

        if (namedError !== undefined) {
          expect(atomic).toBe(true);
          expect(namedError).toBeInstanceOf(BatchRefusedError);
          expect(resolvedError).toBeInstanceOf(BatchRefusedError);
          const [mine, theirs] = [resolvedError as BatchRefusedError, namedError as BatchRefusedError];
          expect(mine.message).toBe(theirs.message);
          expect(mine.index).toBe(theirs.index);
          expect(mine.refusal.constructor).toBe(theirs.refusal.constructor);
          expect({ ...mine.refusal }).toEqual({ ...theirs.refusal });
        } else {
          expect(resolvedError).toBeUndefined();
          const appliedIds = (result?.results ?? []).flatMap((item) => (item.ok ? [item.transactionId] : []));
          expect(summary).toMatchObject({
            applied: result?.applied,
            refused: result?.refused,
            firstTransactionId: appliedIds[0] ?? null,
            lastTransactionId: appliedIds[appliedIds.length - 1] ?? null,
          });
          expect(summary?.results?.map(plainItem) ?? null).toEqual(atomic ? null : result?.results.map(plainItem));
        }
        expect(balances(resolvedBank)).toEqual(balances(namedBank));
        expect(histories(resolvedBank)).toEqual(histories(namedBank));
        expect(resolvedBank.transactionCount).toBe(namedBank.transactionCount);
        expect(totalMinor(resolvedBank)).toBe(balancesMinor.reduce((sum, minor) => sum + minor, 0));
      }),
      { numRuns: 300 },
    );
  });

  it("a resolved atomic batch applies every transfer or leaves no trace, and no balance leaves its bounds", () => {
    fc.assert(
      fc.property(scenario, ({ balancesMinor, transfers }) => {
        const bank = bankWith(Object.fromEntries(balancesMinor.map((minor, index) => [NAMES[index] as string, minor])));
        const before = snapshot(bank);
        const transfersResolved: ResolvedTransfers = {
          count: transfers.length,
          senders: Int32Array.from(transfers, (t) => t.sender),
          recipients: Int32Array.from(transfers, (t) => t.recipient),
          amountsMinor: Float64Array.from(transfers, (t) => t.amountMinor),
        };
        let refused = false;
        try {
          resolvedBatch(bank, transfersResolved, true);
        } catch (error) {
          expect(error).toBeInstanceOf(BatchRefusedError);
          refused = true;
        }
        if (refused) expect(snapshot(bank)).toEqual(before);
        else expect(bank.transactionCount).toBe(before.transactionCount + transfers.length);
        for (const account of bank.listAccounts()) {
          expect(account.balanceMinor).toBeGreaterThanOrEqual(0);
          expect(account.balanceMinor).toBeLessThanOrEqual(AMOUNT_MINOR_MAX);
        }
      }),
      { numRuns: 200 },
    );
  });
});
