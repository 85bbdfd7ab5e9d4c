// The built package as users import it ("banking-system", from dist/): the README example runs
// as documented and the public API is exported. Run `npm run build` before this test.

import { describe, expect, it } from "vitest";
import * as pkg from "banking-system";
import { Bank, BankError, ERROR_CODES, InsufficientFundsError } from "banking-system";

describe("package banking-system", () => {
  it("when the README example runs, it prints the seed's history and a balance of 400", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice", 100.0);
    account.deposit(500);
    account.withdraw(200);
    expect(account.getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 100.00",
      "Deposited: 500.00",
      "Withdrawn: 200.00",
    ]);
    expect(account.balance).toBe(400);
  });

  it("when imported, the package exports the bank, every error class and the limits", () => {
    for (const name of [
      "Bank",
      "Account",
      "Transaction",
      "BankError",
      "InsufficientFundsError",
      "AccountNotFoundError",
      "NegativeAmountError",
      "InvalidAmountError",
      "NegativeInitialBalanceError",
      "BalanceLimitExceededError",
      "DuplicateAccountError",
      "SameAccountError",
      "InvalidNameError",
      "InvalidArgumentError",
      "IdempotencyKeyReusedError",
      "AssertionError",
      "parseAmount",
      "formatMinor",
      "validateName",
    ]) {
      expect(typeof (pkg as Record<string, unknown>)[name]).toBe("function");
    }
    expect(pkg.AMOUNT_MINOR_MAX).toBe(100_000_000_000_000);
    expect(pkg.NAME_LENGTH_MAX).toBe(64);
    expect(pkg.PAGE_SIZE_MAX).toBe(1000);
    expect(ERROR_CODES).toContain("INSUFFICIENT_FUNDS");
  });

  it("when imported, the package exports nothing of the core's internals", () => {
    const exported = Object.keys(pkg);
    for (const name of ["ledgerOf", "Ledger", "Journal", "IdempotencyStore", "fingerprintOf", "tryParseAmount", "runBatch", "runResolvedBatch", "nameProblem"]) {
      expect(exported).not.toContain(name);
    }
  });

  it("when the packaged bank refuses, the error is the packaged class with its code", () => {
    const bank = new Bank();
    bank.createAccount("Eve", 20);
    let caught: unknown;
    try {
      bank.withdraw("Eve", 30);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InsufficientFundsError);
    expect(caught).toBeInstanceOf(BankError);
    expect((caught as InsufficientFundsError).code).toBe("INSUFFICIENT_FUNDS");
    expect((caught as Error).message).toBe("Cannot withdraw 30.00; balance is only 20.00");
    expect(bank.getAccount("Eve").balance).toBe(20);
  });
});
