// Account: a handle with no state of its own. Its reads follow the bank, its operations go through
// the bank's checks, and it transfers only to accounts of its own bank.

import { describe, expect, it } from "vitest";
import { Bank, InsufficientFundsError, InvalidArgumentError, SameAccountError, type Account } from "../../src/core/index.js";
import { expectRefusedWithoutTrace, snapshot, thrownBy } from "./support.js";

describe("Account", () => {
  it("when the bank moves money by name, the account handle sees it at once", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    bank.deposit("Alice", 5);
    bank.createAccount("Bob");
    bank.transfer("Alice", "Bob", 2.5);
    expect(alice.balance).toBe(12.5);
    expect(alice.balanceMinor).toBe(1250);
    expect(alice.historyLength).toBe(3);
    expect(alice.getTransactionHistory().map((t) => t.type)).toEqual(["account_opened", "deposit", "transfer_out"]);
  });

  it("when an account operates, the changes are seen through every handle of it", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    alice.deposit("0.99");
    alice.withdraw(0.5);
    expect(bank.getAccount("Alice").balanceMinor).toBe(1049);
    expect(bank.getAccount("Alice")).toBe(alice);
  });

  it("when an account transfers, it returns its own side and the target is credited", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    const bob = bank.createAccount("Bob", 1);
    const transaction = alice.transfer(bob, "2.25");
    expect(transaction.type).toBe("transfer_out");
    expect(transaction.balanceAfter).toBe(7.75);
    expect(bob.balance).toBe(3.25);
    expect(bob.getTransactionHistory()[1]!.type).toBe("transfer_in");
  });

  it("when the target is an account of another bank, transfer refuses and neither bank changes", () => {
    const bank = new Bank();
    const other = new Bank();
    const alice = bank.createAccount("Alice", 10);
    bank.createAccount("Bob");
    const bobElsewhere = other.createAccount("Bob", 1);
    const otherBefore = snapshot(other);
    const error = expectRefusedWithoutTrace(bank, () => alice.transfer(bobElsewhere, 5), InvalidArgumentError);
    expect(error.message).toBe("Transfer target must be an account of the same bank");
    expect(snapshot(other)).toEqual(otherBefore);
    // With options the same check comes first.
    expectRefusedWithoutTrace(bank, () => alice.transfer(bobElsewhere, 5, { idempotencyKey: "k" }), InvalidArgumentError);
    expect(snapshot(other)).toEqual(otherBefore);
  });

  it("when the target is not an Account at all, transfer refuses and changes nothing", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    const bob = bank.createAccount("Bob");
    const lookalike = { ...bob, name: "Bob" } as unknown as Account;
    for (const target of [lookalike, null, undefined, "Bob"] as unknown as Account[]) {
      expectRefusedWithoutTrace(bank, () => alice.transfer(target, 5), InvalidArgumentError);
    }
    expect(bob.balance).toBe(0);
  });

  it("when an account transfers to its own handle, it refuses with SameAccountError", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 10);
    expectRefusedWithoutTrace(bank, () => alice.transfer(bank.getAccount("Alice"), 1), SameAccountError);
  });

  it("when serialised, an account is its name and major-unit balance", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", "1234.5");
    expect(alice.toJSON()).toEqual({ name: "Alice", balance: 1234.5 });
    expect(JSON.parse(JSON.stringify(alice))).toEqual({ name: "Alice", balance: 1234.5 });
  });

  it("when a handle's balance is read, it is exact to the cent in both units", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 0.29);
    alice.deposit(0.01);
    expect(alice.balance).toBe(0.3);
    expect(alice.balanceMinor).toBe(30);
    expect(thrownBy(() => alice.withdraw(0.31))).toBeInstanceOf(InsufficientFundsError);
    expect(alice.balanceMinor).toBe(30);
  });
});
