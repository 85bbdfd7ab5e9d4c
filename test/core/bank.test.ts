// Bank: opening accounts, deposit, withdraw and transfer by name, and validate-then-apply: every
// refusal (unknown name, bad amount, same account, short balance) leaves no trace at all.

import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  DuplicateAccountError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidArgumentError,
  NegativeAmountError,
  NegativeInitialBalanceError,
  SameAccountError,
  Transaction,
} from "../../src/core/index.js";
import { expectRefusedWithoutTrace, snapshot } from "./support.js";

function twoAccounts(): Bank {
  const bank = new Bank({ clock: () => 1_000 });
  bank.createAccount("Alice", 100);
  bank.createAccount("Bob", 50);
  return bank;
}

describe("createAccount", () => {
  it("when no initial balance is given, the account opens at zero with one opening transaction", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice");
    expect(account.balance).toBe(0);
    expect(account.balanceMinor).toBe(0);
    expect(account.getTransactionHistory().map((t) => t.description)).toEqual(["Account created with balance: 0.00"]);
    expect(bank.accountCount).toBe(1);
    expect(bank.transactionCount).toBe(1);
  });

  it("when accounts are opened, each opening is a transaction and the counts grow", () => {
    const bank = new Bank();
    expect(bank.accountCount).toBe(0);
    expect(bank.transactionCount).toBe(0);
    bank.createAccount("Alice", "12.34");
    bank.createAccount("Bob", 0);
    expect(bank.accountCount).toBe(2);
    expect(bank.transactionCount).toBe(2);
    expect(bank.getAccount("Alice").balanceMinor).toBe(1234);
    expect(bank.hasAccount("Bob")).toBe(true);
    expect(bank.hasAccount("Carol")).toBe(false);
  });

  it("when a name is taken, createAccount refuses with the name in the error and changes nothing", () => {
    const bank = twoAccounts();
    const error = expectRefusedWithoutTrace(bank, () => bank.createAccount("Alice", 1), DuplicateAccountError);
    expect(error.accountName).toBe("Alice");
  });

  it.each([-0.01, "-1", -0])("when the initial balance is %j, createAccount refuses and opens nothing", (initial) => {
    const bank = twoAccounts();
    expectRefusedWithoutTrace(bank, () => bank.createAccount("Carol", initial), NegativeInitialBalanceError);
    expect(bank.hasAccount("Carol")).toBe(false);
  });

  it.each([NaN, Infinity, 0.001, "1e3", "", null])(
    "when the initial balance is %j, createAccount refuses with InvalidAmountError and opens nothing",
    (initial) => {
      const bank = twoAccounts();
      expectRefusedWithoutTrace(bank, () => bank.createAccount("Carol", initial as number), InvalidAmountError);
      expect(bank.hasAccount("Carol")).toBe(false);
    },
  );
});

describe("deposit and withdraw by name", () => {
  it("when a deposit is made by name, the balance grows and the deposit is returned as a transaction", () => {
    const bank = twoAccounts();
    const transaction = bank.deposit("Alice", 25.5);
    expect(transaction).toBeInstanceOf(Transaction);
    expect(transaction.toJSON()).toEqual({
      id: 3,
      type: "deposit",
      account: "Alice",
      amount: 25.5,
      balanceAfter: 125.5,
      counterparty: null,
      timestamp: new Date(1_000).toISOString(),
      description: "Deposited: 25.50",
    });
    expect(bank.getAccount("Alice").balance).toBe(125.5);
    expect(bank.getAccount("Bob").balance).toBe(50);
    expect(bank.transactionCount).toBe(3);
  });

  it("when a withdrawal is made by name, the balance shrinks and the withdrawal is returned", () => {
    const bank = twoAccounts();
    const transaction = bank.withdraw("Alice", "30");
    expect(transaction.type).toBe("withdrawal");
    expect(transaction.amountMinor).toBe(3000);
    expect(transaction.balanceAfterMinor).toBe(7000);
    expect(bank.getAccount("Alice").balance).toBe(70);
    expect(bank.getAccount("Alice").historyLength).toBe(2);
  });

  it("when the whole balance is withdrawn the account is empty, and one cent more is refused", () => {
    const bank = twoAccounts();
    bank.withdraw("Alice", 100);
    expect(bank.getAccount("Alice").balanceMinor).toBe(0);
    const error = expectRefusedWithoutTrace(bank, () => bank.withdraw("Alice", 0.01), InsufficientFundsError);
    expect(error.message).toBe("Cannot withdraw 0.01; balance is only 0.00");
    expect(error.balanceMinor).toBe(0);
    expect(error.amountMinor).toBe(1);
  });

  it("when the name is unknown, deposit and withdraw refuse with AccountNotFoundError and change nothing", () => {
    const bank = twoAccounts();
    expectRefusedWithoutTrace(bank, () => bank.deposit("Carol", 10), AccountNotFoundError);
    expectRefusedWithoutTrace(bank, () => bank.withdraw("alice", 10), AccountNotFoundError);
  });

  const invalidAmounts: Array<[unknown, new (...args: never[]) => Error]> = [
    [0, NegativeAmountError],
    [-1, NegativeAmountError],
    ["-0.01", NegativeAmountError],
    [NaN, InvalidAmountError],
    [Infinity, InvalidAmountError],
    [0.001, InvalidAmountError],
    ["abc", InvalidAmountError],
    [undefined, InvalidAmountError],
    [{}, InvalidAmountError],
  ];

  it.each(invalidAmounts)("when the amount is %j, deposit, withdraw and transfer all refuse and change nothing", (amount, errorClass) => {
    const bank = twoAccounts();
    const alice = bank.getAccount("Alice");
    const bob = bank.getAccount("Bob");
    const value = amount as number;
    expectRefusedWithoutTrace(bank, () => bank.deposit("Alice", value), errorClass);
    expectRefusedWithoutTrace(bank, () => bank.withdraw("Alice", value), errorClass);
    expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "Bob", value), errorClass);
    expectRefusedWithoutTrace(bank, () => alice.deposit(value), errorClass);
    expectRefusedWithoutTrace(bank, () => alice.withdraw(value), errorClass);
    expectRefusedWithoutTrace(bank, () => alice.transfer(bob, value), errorClass);
  });
});

describe("transfer by name", () => {
  it("when a transfer is made, both balances move and the sender's side is returned", () => {
    const bank = twoAccounts();
    const transaction = bank.transfer("Alice", "Bob", "25.00");
    expect(transaction.type).toBe("transfer_out");
    expect(transaction.accountName).toBe("Alice");
    expect(transaction.counterparty).toBe("Bob");
    expect(transaction.amount).toBe(25);
    expect(transaction.balanceAfter).toBe(75);
    expect(transaction.description).toBe("Transferred to: 25.00 Bob");
    expect(bank.getAccount("Alice").balance).toBe(75);
    expect(bank.getAccount("Bob").balance).toBe(75);
    expect(bank.transactionCount).toBe(3);
    expect(bank.getAccount("Bob").getTransactionHistory()[1]!.id).toBe(transaction.id);
  });

  it("when the whole balance is transferred, the sender is left at zero", () => {
    const bank = twoAccounts();
    bank.transfer("Alice", "Bob", 100);
    expect(bank.getAccount("Alice").balance).toBe(0);
    expect(bank.getAccount("Bob").balance).toBe(150);
  });

  it("when the sender is short, transfer refuses naming the sender and neither side changes", () => {
    const bank = twoAccounts();
    const error = expectRefusedWithoutTrace(bank, () => bank.transfer("Bob", "Alice", 50.01), InsufficientFundsError);
    expect(error.accountName).toBe("Bob");
    expect(error.message).toBe("Cannot withdraw 50.01; balance is only 50.00");
  });

  it("when sender and recipient are the same name, transfer refuses and changes nothing", () => {
    const bank = twoAccounts();
    expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "Alice", 1), SameAccountError);
  });

  it("when either side is unknown, transfer refuses naming that side and changes nothing", () => {
    const bank = twoAccounts();
    const unknownSender = expectRefusedWithoutTrace(bank, () => bank.transfer("Carol", "Bob", 1), AccountNotFoundError);
    expect(unknownSender.accountName).toBe("Carol");
    const unknownRecipient = expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "Dave", 1), AccountNotFoundError);
    expect(unknownRecipient.accountName).toBe("Dave");
  });

  it("when a transfer is refused for funds after others succeeded, only the successful ones count", () => {
    const bank = twoAccounts();
    bank.transfer("Alice", "Bob", 60);
    expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "Bob", 60), InsufficientFundsError);
    bank.transfer("Alice", "Bob", 40);
    expect(snapshot(bank)).toEqual({
      accounts: [
        ["Alice", 0, 3],
        ["Bob", 15_000, 3],
      ],
      transactionCount: 4,
    });
  });
});

describe("options", () => {
  // errors.ts documents InvalidArgumentError for "an option" out of its domain. Out-of-domain
  // idempotency options would otherwise silently turn idempotency off: a retried deposit with its
  // key would be applied twice.
  it("when idempotency options are out of their domain, the constructor refuses with InvalidArgumentError", () => {
    const outOfDomain = [
      { idempotencyKeysMax: NaN },
      { idempotencyKeysMax: -1 },
      { idempotencyKeysMax: 1.5 },
      { idempotencyTtlMs: NaN },
      { idempotencyTtlMs: -1 },
    ];
    const notRefused = outOfDomain.filter((options) => {
      try {
        new Bank(options);
        return true;
      } catch (error) {
        return !(error instanceof InvalidArgumentError);
      }
    });
    expect(notRefused).toEqual([]);
  });
});

describe("clock", () => {
  it("when no clock is given, timestamps come from the system clock", () => {
    const before = Date.now();
    const bank = new Bank();
    const opened = bank.createAccount("Alice").getTransactionHistory()[0]!;
    const after = Date.now();
    expect(opened.timeMs).toBeGreaterThanOrEqual(before);
    expect(opened.timeMs).toBeLessThanOrEqual(after);
  });

  it("when a clock is injected, every transaction takes its time from it", () => {
    let nowMs = 1_700_000_000_000;
    const bank = new Bank({ clock: () => nowMs });
    const alice = bank.createAccount("Alice", 10);
    nowMs += 5;
    alice.deposit(1);
    nowMs += 5;
    alice.withdraw(1);
    expect(alice.getTransactionHistory().map((t) => t.timeMs)).toEqual([
      1_700_000_000_000, 1_700_000_000_005, 1_700_000_000_010,
    ]);
  });
});
