// The seed's model tests (tests/test_models.py of the Python original), ported case by case with
// the seed's names and amounts, each also checking the state the operation leaves behind.

import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  DuplicateAccountError,
  InsufficientFundsError,
  NegativeAmountError,
  NegativeInitialBalanceError,
  SameAccountError,
} from "../../src/core/index.js";
import { expectRefusedWithoutTrace } from "./support.js";

function descriptions(bank: Bank, name: string): string[] {
  return bank.getAccount(name).getTransactionHistory().map((transaction) => transaction.description);
}

describe("seed: account", () => {
  it("when an account is created, it has its name, its balance and one opening transaction", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice", 100.0);
    expect(account.name).toBe("Alice");
    expect(account.balance).toBe(100);
    expect(descriptions(bank, "Alice")).toEqual(["Account created with balance: 100.00"]);
  });

  it("when a valid amount is deposited, the balance grows and the history says so", () => {
    const bank = new Bank();
    const account = bank.createAccount("Bob", 50.0);
    account.deposit(25.0);
    expect(account.balance).toBe(75);
    expect(descriptions(bank, "Bob")).toEqual(["Account created with balance: 50.00", "Deposited: 25.00"]);
  });

  it("when a negative amount is deposited, deposit refuses and changes nothing", () => {
    const bank = new Bank();
    const account = bank.createAccount("Carol", 30.0);
    expectRefusedWithoutTrace(bank, () => account.deposit(-5), NegativeAmountError);
    expect(account.balance).toBe(30);
  });

  it("when a valid amount is withdrawn, the balance shrinks and the history says so", () => {
    const bank = new Bank();
    const account = bank.createAccount("Daisy", 100.0);
    account.withdraw(60.0);
    expect(account.balance).toBe(40);
    expect(descriptions(bank, "Daisy")).toEqual(["Account created with balance: 100.00", "Withdrawn: 60.00"]);
  });

  it("when the balance is short, withdraw refuses and changes nothing", () => {
    const bank = new Bank();
    const account = bank.createAccount("Eve", 20.0);
    const error = expectRefusedWithoutTrace(bank, () => account.withdraw(30.0), InsufficientFundsError);
    expect(error.message).toBe("Cannot withdraw 30.00; balance is only 20.00");
    expect(account.balance).toBe(20);
    expect(account.historyLength).toBe(1);
  });

  it("when zero is withdrawn, withdraw refuses it as not positive and changes nothing", () => {
    const bank = new Bank();
    const account = bank.createAccount("Frank", 100.0);
    expectRefusedWithoutTrace(bank, () => account.withdraw(0), NegativeAmountError);
    expect(account.balance).toBe(100);
  });

  it("when a transfer succeeds, both balances move and each history words its side", () => {
    const bank = new Bank();
    const gina = bank.createAccount("Gina", 200.0);
    const harry = bank.createAccount("Harry", 100.0);
    gina.transfer(harry, 50.0);
    expect(gina.balance).toBe(150);
    expect(harry.balance).toBe(150);
    expect(descriptions(bank, "Gina")).toContain("Transferred to: 50.00 Harry");
    expect(descriptions(bank, "Harry")).toContain("Received from: 50.00 Gina");
  });

  it("when Alice sends Bob 25.00, the wording is 'Transferred to: 25.00 Bob' and 'Received from: 25.00 Alice'", () => {
    const bank = new Bank();
    const alice = bank.createAccount("Alice", 100);
    const bob = bank.createAccount("Bob");
    alice.transfer(bob, 25);
    expect(descriptions(bank, "Alice")).toEqual([
      "Account created with balance: 100.00",
      "Transferred to: 25.00 Bob",
    ]);
    expect(descriptions(bank, "Bob")).toEqual(["Account created with balance: 0.00", "Received from: 25.00 Alice"]);
  });

  it("when an account transfers to itself, transfer refuses and changes nothing", () => {
    const bank = new Bank();
    const ivan = bank.createAccount("Ivan", 100.0);
    const error = expectRefusedWithoutTrace(bank, () => ivan.transfer(ivan, 10.0), SameAccountError);
    expect(error.message).toBe("Cannot transfer to the same account");
    expect(ivan.balance).toBe(100);
  });

  it("when the returned history is changed, the account's history is not", () => {
    const bank = new Bank();
    const jack = bank.createAccount("Jack", 100.0);
    const history = jack.getTransactionHistory();
    history.push(history[0]!);
    history.length = 0;
    expect(descriptions(bank, "Jack")).toEqual(["Account created with balance: 100.00"]);
    expect(jack.historyLength).toBe(1);
  });
});

describe("seed: bank", () => {
  it("when the bank creates an account, it is listed with its name and balance", () => {
    const bank = new Bank();
    const kate = bank.createAccount("Kate", 300.0);
    expect(kate.name).toBe("Kate");
    expect(kate.balance).toBe(300);
    expect(bank.listAccounts()).toEqual([kate]);
  });

  it("when a name is taken, createAccount refuses and the first account keeps its balance", () => {
    const bank = new Bank();
    bank.createAccount("Leo", 150.0);
    const error = expectRefusedWithoutTrace(bank, () => bank.createAccount("Leo", 200.0), DuplicateAccountError);
    expect(error.message).toBe("Account 'Leo' already exists");
    expect(bank.getAccount("Leo").balance).toBe(150);
  });

  it("when the initial balance is negative, createAccount refuses and opens nothing", () => {
    const bank = new Bank();
    const error = expectRefusedWithoutTrace(bank, () => bank.createAccount("Mona", -10.0), NegativeInitialBalanceError);
    expect(error.message).toBe("Initial balance cannot be negative");
    expect(bank.hasAccount("Mona")).toBe(false);
    expect(bank.accountCount).toBe(0);
  });

  it("when an account exists, getAccount returns it", () => {
    const bank = new Bank();
    const created = bank.createAccount("Nina", 400.0);
    const found = bank.getAccount("Nina");
    expect(found.name).toBe("Nina");
    expect(found).toBe(created);
    expect(found.balance).toBe(400);
  });

  it("when no account has the name, getAccount refuses with AccountNotFoundError", () => {
    const bank = new Bank();
    const error = expectRefusedWithoutTrace(bank, () => bank.getAccount("Oscar"), AccountNotFoundError);
    expect(error.message).toBe("Account 'Oscar' not found");
    expect(error.accountName).toBe("Oscar");
  });
});

describe("seed: concurrency", () => {
  it("when two callers transfer in opposite directions at once, both finish and the total is kept", async () => {
    const bank = new Bank();
    const penny = bank.createAccount("Penny", 1000.0);
    const quinn = bank.createAccount("Quinn", 1000.0);
    let applied = 0;
    const loop = async (from: typeof penny, to: typeof penny): Promise<void> => {
      for (let i = 0; i < 100; i++) {
        await new Promise((resolve) => setImmediate(resolve));
        from.transfer(to, 1.0);
        applied++;
      }
    };
    await Promise.all([loop(penny, quinn), loop(quinn, penny)]);
    expect(applied).toBe(200);
    expect(penny.balanceMinor + quinn.balanceMinor).toBe(200_000);
    // Each sent and received 100 transfers of 1.00.
    expect(penny.balance).toBe(1000);
    expect(quinn.balance).toBe(1000);
    expect(bank.transactionCount).toBe(202);
  });
});
