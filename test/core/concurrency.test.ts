// Concurrency: every operation is synchronous, so callers on Node's event loop cannot interleave
// inside one. Many async callers that yield between steps still lose nothing and conserve money.

import { describe, expect, it } from "vitest";
import { Bank, InsufficientFundsError, SameAccountError, type Transaction } from "../../src/core/index.js";

/** Yields to the event loop in one of three ways, so that callers resume in a shuffled order. */
function pause(step: number): Promise<void> {
  switch (step % 3) {
    case 0:
      return Promise.resolve();
    case 1:
      return new Promise((resolve) => setImmediate(resolve));
    default:
      return new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** A small deterministic random source (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Checks that the transactions, ordered by id, form one serial story of the two balances. */
function expectSerial(transactions: Transaction[], startMinor: Record<string, number>): void {
  const balances = { ...startMinor };
  for (const t of [...transactions].sort((a, b) => a.id - b.id)) {
    balances[t.accountName]! -= t.amountMinor;
    balances[t.counterparty!]! += t.amountMinor;
    expect(t.balanceAfterMinor).toBe(balances[t.accountName]);
  }
}

describe("concurrent callers", () => {
  it("when 1,000 opposing transfers are fired at once, none is lost and the balances are exact", async () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 1_000);
    const bob = bank.createAccount("Bob", 1_000);
    const caller = async (i: number): Promise<Transaction> => {
      await pause(i);
      await pause(i + 1);
      // Even callers send 1.00 from Alice to Bob, odd callers 0.50 from Bob to Alice.
      const transaction = i % 2 === 0 ? alice.transfer(bob, 1) : bob.transfer(alice, 0.5);
      await pause(i + 2);
      return transaction;
    };
    const transactions = await Promise.all(Array.from({ length: 1_000 }, (_, i) => caller(i)));

    expect(new Set(transactions.map((t) => t.id)).size).toBe(1_000);
    expect(alice.balanceMinor + bob.balanceMinor).toBe(200_000);
    expect(alice.balance).toBe(1_000 - 500 + 250);
    expect(bob.balance).toBe(1_000 + 500 - 250);
    expect(bank.transactionCount).toBe(1_002);
    expect(alice.historyLength).toBe(1_001);
    expect(bob.historyLength).toBe(1_001);
    expectSerial(transactions, { Alice: 100_000, Bob: 100_000 });
  });

  it("when opposing transfers outrun the balances, each is applied whole or refused whole", async () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    const bob = bank.createAccount("Bob", 10);
    const applied: Transaction[] = [];
    let refused = 0;
    const caller = async (i: number): Promise<void> => {
      await pause(i * 7);
      try {
        applied.push(i % 2 === 0 ? alice.transfer(bob, 3) : bob.transfer(alice, 1));
      } catch (error) {
        expect(error).toBeInstanceOf(InsufficientFundsError);
        refused++;
      }
    };
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => caller(i)));

    expect(applied.length + refused).toBe(1_000);
    expect(refused).toBeGreaterThan(0);
    expect(bank.transactionCount).toBe(2 + applied.length);
    expect(alice.balanceMinor + bob.balanceMinor).toBe(2_000);
    const sentByAlice = applied.filter((t) => t.accountName === "Alice").length;
    const sentByBob = applied.length - sentByAlice;
    expect(alice.balanceMinor).toBe(1_000 - 300 * sentByAlice + 100 * sentByBob);
    expect(alice.balanceMinor).toBeGreaterThanOrEqual(0);
    expect(bob.balanceMinor).toBeGreaterThanOrEqual(0);
    expectSerial(applied, { Alice: 1_000, Bob: 1_000 });
  });

  it("when a caller reads a balance, awaits, then acts, nothing runs between its check and its effect", async () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 100);
    const bob = bank.createAccount("Bob");
    // Each caller withdraws everything it saw, one tick later: a racing design would overdraw or
    // fail to notice the change. Here each operation sees the balance left by the one before it.
    const caller = async (i: number): Promise<"withdrew" | "short" | "empty"> => {
      const seenMinor = alice.balanceMinor;
      await pause(i);
      if (seenMinor === 0) return "empty";
      try {
        alice.transfer(bob, seenMinor / 100);
        return "withdrew";
      } catch (error) {
        expect(error).toBeInstanceOf(InsufficientFundsError);
        return "short";
      }
    };
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => caller(i)));
    // All 50 saw 100.00 before any acted; exactly one could take it.
    expect(outcomes.filter((o) => o === "withdrew")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "short")).toHaveLength(49);
    expect(alice.balance).toBe(0);
    expect(bob.balance).toBe(100);
    expect(bank.transactionCount).toBe(3);
  });

  it("when 100 callers send the same keyed transfer at once, it is applied once and all get the same transaction", async () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 100);
    const bob = bank.createAccount("Bob");
    const caller = async (i: number): Promise<Transaction> => {
      await pause(i);
      return bank.transfer("Alice", "Bob", 30, { idempotencyKey: "pay-bob-once" });
    };
    const transactions = await Promise.all(Array.from({ length: 100 }, (_, i) => caller(i)));
    expect(new Set(transactions).size).toBe(1);
    expect(alice.balance).toBe(70);
    expect(bob.balance).toBe(30);
    expect(bank.transactionCount).toBe(3);
  });

  it("when 10 async workers storm the bank with mixed operations, the books balance exactly", async () => {
    const bank = new Bank();
    const names = ["A", "B", "C", "D", "E"];
    for (const name of names) bank.createAccount(name, 500);
    let depositedMinor = 0;
    let withdrawnMinor = 0;
    let applied = 0;
    let refused = 0;
    const worker = async (seed: number): Promise<void> => {
      const next = random(seed);
      for (let step = 0; step < 200; step++) {
        await pause(Math.floor(next() * 3));
        const name = names[Math.floor(next() * names.length)]!;
        const other = names[Math.floor(next() * names.length)]!;
        const amountMinor = 1 + Math.floor(next() * 20_000);
        const roll = next();
        try {
          if (roll < 0.3) {
            bank.deposit(name, amountMinor / 100);
            depositedMinor += amountMinor;
          } else if (roll < 0.6) {
            bank.withdraw(name, amountMinor / 100);
            withdrawnMinor += amountMinor;
          } else {
            bank.transfer(name, other, amountMinor / 100);
          }
          applied++;
        } catch (error) {
          expect(error instanceof InsufficientFundsError || error instanceof SameAccountError).toBe(true);
          refused++;
        }
      }
    };
    await Promise.all(Array.from({ length: 10 }, (_, seed) => worker(seed + 1)));

    expect(applied + refused).toBe(2_000);
    expect(applied).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(bank.transactionCount).toBe(names.length + applied);
    const accounts = bank.listAccounts();
    expect(accounts.reduce((sum, a) => sum + a.balanceMinor, 0)).toBe(names.length * 50_000 + depositedMinor - withdrawnMinor);
    for (const account of accounts) {
      expect(account.balanceMinor).toBeGreaterThanOrEqual(0);
      let replayedMinor = 0;
      for (const item of account.getTransactionHistory()) {
        const credit = item.type === "account_opened" || item.type === "deposit" || item.type === "transfer_in";
        replayedMinor += credit ? item.amountMinor : -item.amountMinor;
        expect(item.balanceAfterMinor).toBe(replayedMinor);
      }
      expect(replayedMinor).toBe(account.balanceMinor);
    }
  });
});
