// The error catalogue: one test per code, each provoking the refusal through the bank and checking
// its class, code, name, message and fields, and that the class is exported from the package entry.

import { describe, expect, it } from "vitest";
import * as core from "../../src/core/index.js";
import * as entry from "../../src/index.js";
import {
  AccountNotFoundError,
  BalanceLimitExceededError,
  Bank,
  BankError,
  DuplicateAccountError,
  ERROR_CODES,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidArgumentError,
  InvalidNameError,
  AMOUNT_MINOR_MAX,
  NegativeAmountError,
  NegativeInitialBalanceError,
  SameAccountError,
  type BankErrorCode,
} from "../../src/core/index.js";
import { snapshot, thrownBy } from "./support.js";

interface Case {
  errorClass: new (...args: never[]) => BankError;
  when: string;
  prepare?: (bank: Bank) => unknown;
  provoke: (bank: Bank) => unknown;
  message: string;
  fields?: Record<string, unknown>;
}

// Each bank starts with Alice holding 20.00 and Bob holding 0.00.
const cases: Partial<Record<BankErrorCode, Case>> = {
  INSUFFICIENT_FUNDS: {
    errorClass: InsufficientFundsError,
    when: "a withdrawal asks for more than the balance",
    provoke: (bank) => bank.withdraw("Alice", 30),
    message: "Cannot withdraw 30.00; balance is only 20.00",
    fields: { accountName: "Alice", amountMinor: 3000, balanceMinor: 2000 },
  },
  ACCOUNT_NOT_FOUND: {
    errorClass: AccountNotFoundError,
    when: "no account has the name",
    provoke: (bank) => bank.getAccount("Oscar"),
    message: "Account 'Oscar' not found",
    fields: { accountName: "Oscar" },
  },
  NEGATIVE_AMOUNT: {
    errorClass: NegativeAmountError,
    when: "an amount is zero or negative",
    provoke: (bank) => bank.deposit("Alice", -5),
    message: "Amount must be positive",
  },
  INVALID_AMOUNT: {
    errorClass: InvalidAmountError,
    when: "an amount has more than two decimals",
    provoke: (bank) => bank.deposit("Alice", 1.005),
    message: "Amount must have at most 2 decimal places",
  },
  NEGATIVE_INITIAL_BALANCE: {
    errorClass: NegativeInitialBalanceError,
    when: "an account would open below zero",
    provoke: (bank) => bank.createAccount("Mona", -10),
    message: "Initial balance cannot be negative",
  },
  BALANCE_LIMIT_EXCEEDED: {
    errorClass: BalanceLimitExceededError,
    when: "a credit would take a balance past the limit",
    provoke: (bank) => bank.deposit("Alice", AMOUNT_MINOR_MAX / 100),
    message: "Balance of 'Alice' cannot exceed 1000000000000.00",
    fields: { accountName: "Alice", limitMinor: AMOUNT_MINOR_MAX },
  },
  ACCOUNT_EXISTS: {
    errorClass: DuplicateAccountError,
    when: "the name is taken",
    provoke: (bank) => bank.createAccount("Alice", 5),
    message: "Account 'Alice' already exists",
    fields: { accountName: "Alice" },
  },
  SAME_ACCOUNT: {
    errorClass: SameAccountError,
    when: "a transfer names one account twice",
    provoke: (bank) => bank.transfer("Alice", "Alice", 5),
    message: "Cannot transfer to the same account",
  },
  INVALID_NAME: {
    errorClass: InvalidNameError,
    when: "a name holds a control character",
    provoke: (bank) => bank.createAccount("Eve\n", 5),
    message: "Account name cannot contain control characters",
  },
  INVALID_ARGUMENT: {
    errorClass: InvalidArgumentError,
    when: "a page limit is out of range",
    provoke: (bank) => bank.getAccount("Alice").getTransactionPage({ limit: 0 }),
    message: "Page limit must be an integer from 1 to 1000, not 0",
  },
  IDEMPOTENCY_KEY_REUSED: {
    errorClass: IdempotencyKeyReusedError,
    when: "an idempotency key is reused with other arguments",
    prepare: (bank) => bank.deposit("Alice", 5, { idempotencyKey: "key-1" }),
    provoke: (bank) => bank.deposit("Alice", 6, { idempotencyKey: "key-1" }),
    message: "Idempotency key 'key-1' was already used for a different request",
    fields: { key: "key-1" },
  },
};

function freshBank(): Bank {
  const bank = new Bank();
  bank.createAccount("Alice", 20);
  bank.createAccount("Bob");
  return bank;
}

describe("error catalogue", () => {
  it("the codes are unique and stable", () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(ERROR_CODES).toEqual(expect.arrayContaining([
      "INSUFFICIENT_FUNDS",
      "ACCOUNT_NOT_FOUND",
      "NEGATIVE_AMOUNT",
      "INVALID_AMOUNT",
      "NEGATIVE_INITIAL_BALANCE",
      "BALANCE_LIMIT_EXCEEDED",
      "ACCOUNT_EXISTS",
      "SAME_ACCOUNT",
      "INVALID_NAME",
      "INVALID_ARGUMENT",
      "IDEMPOTENCY_KEY_REUSED",
      "BATCH_REFUSED",
    ]));
  });

  for (const [code, c] of Object.entries(cases) as Array<[BankErrorCode, Case]>) {
    it(`${code}: when ${c.when}, ${c.errorClass.name} is thrown with its code, name, message and fields`, () => {
      const bank = freshBank();
      c.prepare?.(bank);
      const before = snapshot(bank);
      const error = thrownBy(() => c.provoke(bank));
      expect(error).toBeInstanceOf(c.errorClass);
      expect(error).toBeInstanceOf(BankError);
      expect(error).toBeInstanceOf(Error);
      const bankError = error as BankError;
      expect(bankError.code).toBe(code);
      expect(ERROR_CODES).toContain(bankError.code);
      expect(bankError.name).toBe(c.errorClass.name);
      expect(bankError.message).toBe(c.message);
      expect(bankError.stack).toContain(c.errorClass.name);
      for (const [field, value] of Object.entries(c.fields ?? {})) {
        expect(bankError).toHaveProperty(field, value);
      }
      // The class is part of the public API, under its own name, from both doors.
      expect((entry as Record<string, unknown>)[c.errorClass.name]).toBe(c.errorClass);
      expect((core as Record<string, unknown>)[c.errorClass.name]).toBe(c.errorClass);
      // The refusal left no trace.
      expect(snapshot(bank)).toEqual(before);
    });
  }

  it("every code in the catalogue has a case above, or in batch.test.ts for batch refusals", () => {
    const batchCodes = ["BATCH_REFUSED"];
    expect([...Object.keys(cases), ...batchCodes].sort()).toEqual([...ERROR_CODES].sort());
  });

  it("when an error is caught, its code is enough to branch on (the documented pattern)", () => {
    const bank = freshBank();
    let branch = "none";
    try {
      bank.withdraw("Bob", 1);
    } catch (error) {
      if (error instanceof BankError && error.code === "INSUFFICIENT_FUNDS") branch = "short";
    }
    expect(branch).toBe("short");
  });

  it("when stack capture is off (the default), a refusal carries no frames and other errors keep theirs", () => {
    expect(BankError.captureStackTraces).toBe(false);
    const limit = Error.stackTraceLimit;
    const refusal = thrownBy(() => freshBank().withdraw("Bob", 1)) as BankError;
    expect(refusal.stack).not.toContain("\n    at ");
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("plain").stack).toContain("\n    at ");
  });

  it("when stack capture is turned on, a refusal records where it was thrown", () => {
    BankError.captureStackTraces = true;
    try {
      const refusal = thrownBy(() => freshBank().withdraw("Bob", 1)) as BankError;
      expect(refusal).toBeInstanceOf(InsufficientFundsError);
      expect(refusal.stack).toContain("\n    at ");
      expect(refusal.stack).toContain("errors.test.ts");
    } finally {
      BankError.captureStackTraces = false;
    }
  });

  it("the package entry re-exports the whole core under the same names", () => {
    for (const [name, value] of Object.entries(core)) {
      expect((entry as Record<string, unknown>)[name]).toBe(value);
    }
    expect(entry.BankError).toBe(BankError);
  });
});
