// Money: exact parsing of numbers and decimal strings into minor units, formatting back, the
// amount and balance limit at its edge, and exactness through real deposits and transfers.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BalanceLimitExceededError,
  Bank,
  InsufficientFundsError,
  InvalidAmountError,
  AMOUNT_MINOR_MAX,
  MINOR_PER_MAJOR,
  NegativeAmountError,
  NegativeInitialBalanceError,
  formatMinor,
  parseAmount,
  parseInitialBalance,
  toMajor,
} from "../../src/core/index.js";
import { centsText, expectRefusedWithoutTrace, thrownBy } from "./support.js";

const MAX_MAJOR = AMOUNT_MINOR_MAX / MINOR_PER_MAJOR;

describe("parseAmount", () => {
  it.each([
    [25.5, 2550],
    [25, 2500],
    [0.01, 1],
    [0.07, 7],
    [0.1, 10],
    [1.1, 110],
    [19.99, 1999],
    ["25.50", 2550],
    ["25.5", 2550],
    ["25", 2500],
    ["0.01", 1],
    ["0.10", 10],
  ])("when given %j, it is exactly %i minor units", (input, minor) => {
    expect(parseAmount(input)).toBe(minor);
  });

  it.each([
    [NaN, "Amount must be a finite number"],
    [Infinity, "Amount must be a finite number"],
    [-Infinity, "Amount must be a finite number"],
    [0.001, "Amount must have at most 2 decimal places"],
    [1.005, "Amount must have at most 2 decimal places"],
    [0.1 + 0.2, "Amount must have at most 2 decimal places"],
    [1e20, "Amount must not exceed 1000000000000.00"],
    [MAX_MAJOR + 0.01, "Amount must not exceed 1000000000000.00"],
    ["1000000000000.01", "Amount must not exceed 1000000000000.00"],
    ["9999999999999999", "Amount must not exceed 1000000000000.00"],
    ["99999999999999999", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["1e3", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    [" 5", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["5 ", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["5.", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    [".5", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["0x10", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["+5", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["1.005", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["1,000", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    [true, "Amount must be a number or a decimal string"],
    [null, "Amount must be a number or a decimal string"],
    [undefined, "Amount must be a number or a decimal string"],
    [{}, "Amount must be a number or a decimal string"],
    [[], "Amount must be a number or a decimal string"],
  ])("when given %j, it refuses with InvalidAmountError (%s)", (input, message) => {
    const error = thrownBy(() => parseAmount(input));
    expect(error).toBeInstanceOf(InvalidAmountError);
    expect((error as Error).message).toBe(message);
  });

  it.each([0, -0, -5, -0.01, "0", "0.00", "-0", "-5", "-0.01"])(
    "when given %j, it refuses with NegativeAmountError 'Amount must be positive'",
    (input) => {
      const error = thrownBy(() => parseAmount(input));
      expect(error).toBeInstanceOf(NegativeAmountError);
      expect((error as Error).message).toBe("Amount must be positive");
    },
  );

  it("when the amount is exactly the limit it is accepted, and one cent more is refused", () => {
    expect(parseAmount(MAX_MAJOR)).toBe(AMOUNT_MINOR_MAX);
    expect(parseAmount("1000000000000.00")).toBe(AMOUNT_MINOR_MAX);
    expect(parseAmount(MAX_MAJOR - 0.01)).toBe(AMOUNT_MINOR_MAX - 1);
    expect(thrownBy(() => parseAmount(MAX_MAJOR + 0.01))).toBeInstanceOf(InvalidAmountError);
    expect(thrownBy(() => parseAmount("1000000000000.01"))).toBeInstanceOf(InvalidAmountError);
  });

  it("the limit keeps the sum of two balances inside the safe-integer range", () => {
    expect(Number.isSafeInteger(AMOUNT_MINOR_MAX * 2)).toBe(true);
    expect(AMOUNT_MINOR_MAX).toBe(100_000_000_000_000);
  });

  it("property: every amount from one cent to the limit survives format then parse unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: AMOUNT_MINOR_MAX }), (minor) => {
        expect(parseAmount(formatMinor(minor))).toBe(minor);
        expect(parseAmount(toMajor(minor))).toBe(minor);
        expect(parseAmount(centsText(minor))).toBe(minor);
      }),
      { numRuns: 1000 },
    );
  });

  it("property: a number is accepted only when it is exactly the double of its cents, never rounded", () => {
    fc.assert(
      fc.property(fc.double({ min: -2 * MAX_MAJOR, max: 2 * MAX_MAJOR }), (input) => {
        let minor: number;
        try {
          minor = parseAmount(input);
        } catch (error) {
          expect(error instanceof InvalidAmountError || error instanceof NegativeAmountError).toBe(true);
          return;
        }
        expect(Number.isSafeInteger(minor)).toBe(true);
        expect(minor).toBeGreaterThan(0);
        expect(minor).toBeLessThanOrEqual(AMOUNT_MINOR_MAX);
        expect(toMajor(minor)).toBe(input);
      }),
      { numRuns: 1000 },
    );
  });

  it("property: a decimal string with a third decimal digit is refused, never rounded", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: AMOUNT_MINOR_MAX }), fc.integer({ min: 0, max: 9 }), (minor, digit) => {
        expect(thrownBy(() => parseAmount(`${centsText(minor)}${digit}`))).toBeInstanceOf(InvalidAmountError);
      }),
    );
  });
});

describe("parseInitialBalance", () => {
  it.each([
    [0, 0],
    ["0", 0],
    ["0.00", 0],
    [100, 10000],
    ["100.5", 10050],
    [MAX_MAJOR, AMOUNT_MINOR_MAX],
  ])("when given %j, it is %i minor units (zero is allowed)", (input, minor) => {
    expect(parseInitialBalance(input)).toBe(minor);
  });

  it.each([-0, -1, -0.01, "-1", "-0", "-0.00"])(
    "when given %j, it refuses with 'Initial balance cannot be negative'",
    (input) => {
      const error = thrownBy(() => parseInitialBalance(input));
      expect(error).toBeInstanceOf(NegativeInitialBalanceError);
      expect((error as Error).message).toBe("Initial balance cannot be negative");
    },
  );

  it.each([
    [NaN, "Initial balance must be a finite number"],
    [0.001, "Initial balance must have at most 2 decimal places"],
    [MAX_MAJOR + 0.01, "Initial balance must not exceed 1000000000000.00"],
    ["1000000000000.01", "Initial balance must not exceed 1000000000000.00"],
    ["abc", 'Initial balance must be a decimal with at most 2 decimal places, like "25.50"'],
    [null, "Initial balance must be a number or a decimal string"],
  ])("when given %j, it refuses with InvalidAmountError (%s)", (input, message) => {
    const error = thrownBy(() => parseInitialBalance(input));
    expect(error).toBeInstanceOf(InvalidAmountError);
    expect((error as Error).message).toBe(message);
  });

  it("property: every balance from zero to the limit survives format then parse unchanged", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: AMOUNT_MINOR_MAX }), (minor) => {
        expect(parseInitialBalance(formatMinor(minor))).toBe(minor);
        expect(parseInitialBalance(toMajor(minor))).toBe(minor);
      }),
    );
  });
});

describe("formatMinor and toMajor", () => {
  it.each([
    [0, "0.00"],
    [1, "0.01"],
    [5, "0.05"],
    [10, "0.10"],
    [99, "0.99"],
    [100, "1.00"],
    [2550, "25.50"],
    [99_978_405, "999784.05"],
    [AMOUNT_MINOR_MAX, "1000000000000.00"],
    [-5, "-0.05"],
    [-2550, "-25.50"],
  ])("when formatting %i minor units, the text is %s", (minor, text) => {
    expect(formatMinor(minor)).toBe(text);
  });

  it("property: formatMinor agrees with an independent rendering of the cents", () => {
    fc.assert(
      fc.property(fc.integer({ min: -AMOUNT_MINOR_MAX, max: AMOUNT_MINOR_MAX }), (minor) => {
        expect(formatMinor(minor)).toBe(centsText(minor));
      }),
    );
  });

  it("when converting minor units to major, the result is the plain decimal number", () => {
    expect(toMajor(2550)).toBe(25.5);
    expect(toMajor(30)).toBe(0.3);
    expect(toMajor(99_978_405)).toBe(999784.05);
    expect(toMajor(0)).toBe(0);
  });
});

describe("exactness through the bank", () => {
  it("when 0.1 is deposited three times, the balance is exactly 0.30", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice");
    account.deposit(0.1);
    account.deposit(0.1);
    account.deposit(0.1);
    expect(account.balance).toBe(0.3);
    expect(account.balanceMinor).toBe(30);
    expect(account.getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 0.00",
      "Deposited: 0.10",
      "Deposited: 0.10",
      "Deposited: 0.10",
    ]);
    expect(account.getTransactionHistory()[3]!.balanceAfter).toBe(0.3);
  });

  it("when 21,595 transfers of 0.01 leave 1,000,000, exactly 999,784.05 remains", () => {
    const bank = new Bank();
    const sender = bank.createAccount("Sender", 1_000_000);
    const recipient = bank.createAccount("Recipient");
    for (let i = 0; i < 21_595; i++) sender.transfer(recipient, 0.01);
    expect(sender.balance).toBe(999_784.05);
    expect(sender.balanceMinor).toBe(99_978_405);
    expect(recipient.balance).toBe(215.95);
    expect(recipient.balanceMinor).toBe(21_595);
    expect(bank.transactionCount).toBe(2 + 21_595);
    const last = sender.getTransactionPage({ limit: 1 }).transactions[0]!;
    expect(last.description).toBe("Transferred to: 0.01 Recipient");
    expect(last.balanceAfter).toBe(999_784.05);
  });

  it("when amounts are decimal strings, '25.50', '25.5' and '25' are credited exactly", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice", "0");
    account.deposit("25.50");
    account.deposit("25.5");
    account.deposit("25");
    expect(account.balanceMinor).toBe(7600);
    expect(account.balance).toBe(76);
  });

  it("when a refusal is worded, its amounts are formatted exactly like the history", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 1, max: 10_000_000 }),
        (balanceMinor, extraMinor) => {
          const bank = new Bank();
          const account = bank.createAccount("Alice", formatMinor(balanceMinor));
          const amountMinor = balanceMinor + extraMinor;
          const error = thrownBy(() => account.withdraw(toMajor(amountMinor))) as InsufficientFundsError;
          expect(error).toBeInstanceOf(InsufficientFundsError);
          expect(error.message).toBe(
            `Cannot withdraw ${centsText(amountMinor)}; balance is only ${centsText(balanceMinor)}`,
          );
          expect(account.getTransactionHistory()[0]!.description).toBe(
            `Account created with balance: ${centsText(balanceMinor)}`,
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("balance limit", () => {
  it("when an account opens at exactly the limit it is accepted, and one cent more is refused", () => {
    const bank = new Bank();
    expect(bank.createAccount("Full", MAX_MAJOR).balanceMinor).toBe(AMOUNT_MINOR_MAX);
    expectRefusedWithoutTrace(bank, () => bank.createAccount("Over", "1000000000000.01"), InvalidAmountError);
    expect(bank.hasAccount("Over")).toBe(false);
  });

  it("when a deposit lands exactly on the limit it is applied", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice", MAX_MAJOR - 1);
    account.deposit(1);
    expect(account.balanceMinor).toBe(AMOUNT_MINOR_MAX);
  });

  it("when a deposit would push a balance past the limit, it refuses and changes nothing", () => {
    const bank = new Bank();
    const account = bank.createAccount("Alice", MAX_MAJOR - 1);
    const error = expectRefusedWithoutTrace(bank, () => account.deposit(1.01), BalanceLimitExceededError);
    expect(error.message).toBe("Balance of 'Alice' cannot exceed 1000000000000.00");
    expect(error.accountName).toBe("Alice");
    expect(error.limitMinor).toBe(AMOUNT_MINOR_MAX);
    expect(account.balanceMinor).toBe(AMOUNT_MINOR_MAX - 100);
  });

  it("when a transfer would push the recipient past the limit, it refuses and neither side changes", () => {
    const bank = new Bank();
    const sender = bank.createAccount("Sender", 10);
    const recipient = bank.createAccount("Recipient", MAX_MAJOR - 5);
    const error = expectRefusedWithoutTrace(bank, () => sender.transfer(recipient, 5.01), BalanceLimitExceededError);
    expect(error.accountName).toBe("Recipient");
    expect(sender.balance).toBe(10);
    expect(recipient.balanceMinor).toBe(AMOUNT_MINOR_MAX - 500);
    sender.transfer(recipient, 5);
    expect(recipient.balanceMinor).toBe(AMOUNT_MINOR_MAX);
    expect(sender.balance).toBe(5);
  });
});
