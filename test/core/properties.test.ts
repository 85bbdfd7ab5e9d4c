// The bank's laws over random sequences of operations, valid and not: money is conserved, no
// balance goes negative, replaying a history rebuilds its balances, refusals leave no trace, and
// the bank agrees with a plain model of itself on which operations succeed.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  BankError,
  DuplicateAccountError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidNameError,
  NegativeAmountError,
  SameAccountError,
  type Account,
} from "../../src/core/index.js";
import { centsText, snapshot } from "./support.js";

const NAMES = ["Alice", "Bob", "Carol", "__proto__", "Zoë", "Nobody", ""];

/** An amount as given to the bank, and what it means: cents, or why it is refused. */
interface Amount {
  input: unknown;
  minor: number | "not positive" | "invalid";
}

const validAmount: fc.Arbitrary<Amount> = fc
  .tuple(fc.integer({ min: 1, max: 50_000 }), fc.boolean())
  .map(([minor, asString]) => ({ input: asString ? centsText(minor) : minor / 100, minor }));

const badAmount: fc.Arbitrary<Amount> = fc.constantFrom<Amount>(
  { input: 0, minor: "not positive" },
  { input: -5, minor: "not positive" },
  { input: "-0.01", minor: "not positive" },
  { input: NaN, minor: "invalid" },
  { input: 0.001, minor: "invalid" },
  { input: "1e3", minor: "invalid" },
  { input: null, minor: "invalid" },
);

const amount = fc.oneof({ weight: 5, arbitrary: validAmount }, { weight: 1, arbitrary: badAmount });
const name = fc.constantFrom(...NAMES);

type Command =
  | { op: "create"; name: string; initial: Amount }
  | { op: "deposit"; name: string; amount: Amount }
  | { op: "withdraw"; name: string; amount: Amount }
  | { op: "transfer"; sender: string; recipient: string; amount: Amount };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), name, initial: validAmount }),
  fc.record({ op: fc.constant("deposit" as const), name, amount }),
  fc.record({ op: fc.constant("withdraw" as const), name, amount }),
  fc.record({ op: fc.constant("transfer" as const), sender: name, recipient: name, amount }),
  fc.record({ op: fc.constant("transfer" as const), sender: name, recipient: name, amount }),
);

type ErrorClass = abstract new (...args: never[]) => BankError;

/**
 * The model: balances by name, in cents. `apply` returns every refusal that applies to a command
 * (the bank may report any one of them, since the order of its checks is its own business) and
 * changes the balances only when there is none.
 */
class Model {
  readonly balances = new Map<string, number>();

  private nameRefusals(accountName: string): ErrorClass[] {
    if (accountName === "") return [InvalidNameError];
    return this.balances.has(accountName) ? [] : [AccountNotFoundError];
  }

  private amountRefusals(value: Amount): ErrorClass[] {
    if (value.minor === "not positive") return [NegativeAmountError];
    if (value.minor === "invalid") return [InvalidAmountError];
    return [];
  }

  private fundsRefusals(accountName: string, value: Amount): ErrorClass[] {
    const balance = this.balances.get(accountName);
    if (balance === undefined || typeof value.minor !== "number") return [];
    return value.minor > balance ? [InsufficientFundsError] : [];
  }

  apply(c: Command): ErrorClass[] {
    switch (c.op) {
      case "create": {
        const refusals = c.name === "" ? [InvalidNameError] : this.balances.has(c.name) ? [DuplicateAccountError] : [];
        if (refusals.length === 0) this.balances.set(c.name, c.initial.minor as number);
        return refusals;
      }
      case "deposit": {
        const refusals = [...this.nameRefusals(c.name), ...this.amountRefusals(c.amount)];
        if (refusals.length === 0) this.add(c.name, c.amount.minor as number);
        return refusals;
      }
      case "withdraw": {
        const refusals = [
          ...this.nameRefusals(c.name),
          ...this.amountRefusals(c.amount),
          ...this.fundsRefusals(c.name, c.amount),
        ];
        if (refusals.length === 0) this.add(c.name, -(c.amount.minor as number));
        return refusals;
      }
      case "transfer": {
        const refusals = [
          ...this.nameRefusals(c.sender),
          ...this.nameRefusals(c.recipient),
          ...this.amountRefusals(c.amount),
          ...(c.sender === c.recipient ? [SameAccountError] : []),
          ...this.fundsRefusals(c.sender, c.amount),
        ];
        if (refusals.length === 0) {
          this.add(c.sender, -(c.amount.minor as number));
          this.add(c.recipient, c.amount.minor as number);
        }
        return refusals;
      }
    }
  }

  private add(accountName: string, minor: number): void {
    this.balances.set(accountName, this.balances.get(accountName)! + minor);
  }
}

function run(bank: Bank, c: Command): void {
  switch (c.op) {
    case "create":
      bank.createAccount(c.name, c.initial.input as number);
      return;
    case "deposit":
      bank.deposit(c.name, c.amount.input as number);
      return;
    case "withdraw":
      bank.withdraw(c.name, c.amount.input as number);
      return;
    case "transfer":
      bank.transfer(c.sender, c.recipient, c.amount.input as number);
      return;
  }
}

/** A new bank after every command of `sequence`; refusals (BankErrors, and only those) are let pass. */
function bankAfter(sequence: readonly Command[]): Bank {
  const bank = new Bank();
  for (const c of sequence) {
    try {
      run(bank, c);
    } catch (error) {
      expect(error).toBeInstanceOf(BankError);
    }
  }
  return bank;
}

function totalMinor(bank: Bank): number {
  return bank.listAccounts().reduce((sum, account) => sum + account.balanceMinor, 0);
}

/** Replays an account's history from nothing and checks each balance after, and the final balance. */
function expectHistoryReplays(account: Account): void {
  let balanceMinor = 0;
  let previousId = 0;
  for (const item of account.getTransactionHistory()) {
    expect(item.id).toBeGreaterThan(previousId);
    previousId = item.id;
    switch (item.type) {
      case "account_opened":
        expect(balanceMinor).toBe(0);
        balanceMinor = item.amountMinor;
        break;
      case "deposit":
      case "transfer_in":
        balanceMinor += item.amountMinor;
        break;
      case "withdrawal":
      case "transfer_out":
        balanceMinor -= item.amountMinor;
        break;
    }
    expect(item.balanceAfterMinor).toBe(balanceMinor);
    expect(balanceMinor).toBeGreaterThanOrEqual(0);
  }
  expect(balanceMinor).toBe(account.balanceMinor);
}

const commands = fc.array(command, { minLength: 1, maxLength: 60 });

describe("laws over random operations", () => {
  it("property: the bank refuses exactly what the model refuses, with one of the model's reasons, and agrees on every balance", () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const bank = new Bank();
        const model = new Model();
        for (const c of sequence) {
          const expected = model.apply(c);
          let actual: unknown = null;
          try {
            run(bank, c);
          } catch (error) {
            actual = error;
          }
          if (expected.length === 0) expect(actual).toBeNull();
          else expect(expected.some((errorClass) => actual instanceof errorClass)).toBe(true);
        }
        expect(new Map(bank.listAccounts().map((a) => [a.name, a.balanceMinor]))).toEqual(model.balances);
      }),
      { numRuns: 200 },
    );
  });

  it("property: the total of all balances is always initial deposits + deposits - withdrawals, and none is negative", () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const bank = new Bank();
        let expectedTotal = 0;
        for (const c of sequence) {
          try {
            run(bank, c);
            if (c.op === "create") expectedTotal += c.initial.minor as number;
            if (c.op === "deposit") expectedTotal += c.amount.minor as number;
            if (c.op === "withdraw") expectedTotal -= c.amount.minor as number;
          } catch (error) {
            expect(error).toBeInstanceOf(BankError);
          }
          expect(totalMinor(bank)).toBe(expectedTotal);
          for (const account of bank.listAccounts()) expect(account.balanceMinor).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("property: a refused operation leaves every balance, history length and transactionCount unchanged", () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const bank = new Bank();
        let refusals = 0;
        for (const c of sequence) {
          const before = snapshot(bank);
          try {
            run(bank, c);
            expect(bank.transactionCount).toBe(before.transactionCount + 1);
          } catch (error) {
            expect(error).toBeInstanceOf(BankError);
            expect(snapshot(bank)).toEqual(before);
            refusals++;
          }
        }
        expect(bank.transactionCount).toBe(sequence.length - refusals);
      }),
      { numRuns: 200 },
    );
  });

  it("property: replaying each account's history rebuilds its balance and every balance after", () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const bank = bankAfter(sequence);
        let items = 0;
        for (const account of bank.listAccounts()) {
          expectHistoryReplays(account);
          expect(account.historyLength).toBe(account.getTransactionHistory().length);
          items += account.historyLength;
        }
        // Each transfer is one transaction in two histories; everything else is in one.
        const transfers = bank
          .listAccounts()
          .flatMap((account) => account.getTransactionHistory())
          .filter((item) => item.type === "transfer_out").length;
        expect(items).toBe(bank.transactionCount + transfers);
      }),
      { numRuns: 150 },
    );
  });

  it("property: each transfer_out has its transfer_in, with the same id, amount and time, in the counterparty's history", () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const bank = bankAfter(sequence);
        const incoming = new Map<number, { accountName: string; counterparty: string | null; amountMinor: number; timeMs: number }>();
        for (const account of bank.listAccounts()) {
          for (const item of account.getTransactionHistory()) if (item.type === "transfer_in") incoming.set(item.id, item);
        }
        let outgoing = 0;
        for (const account of bank.listAccounts()) {
          for (const item of account.getTransactionHistory()) {
            if (item.type !== "transfer_out") continue;
            outgoing++;
            const other = incoming.get(item.id)!;
            expect(other.accountName).toBe(item.counterparty);
            expect(other.counterparty).toBe(account.name);
            expect(other.amountMinor).toBe(item.amountMinor);
            expect(other.timeMs).toBe(item.timeMs);
          }
        }
        expect(outgoing).toBe(incoming.size);
      }),
      { numRuns: 150 },
    );
  });

  it("property: walking the pages of any history with any limit yields the history newest first", () => {
    fc.assert(
      fc.property(commands, fc.integer({ min: 1, max: 8 }), (sequence, limit) => {
        const bank = bankAfter(sequence);
        for (const account of bank.listAccounts()) {
          const ids: number[] = [];
          let page = account.getTransactionPage({ limit });
          ids.push(...page.transactions.map((t) => t.id));
          while (page.nextBefore !== null) {
            expect(ids.length).toBeLessThanOrEqual(account.historyLength);
            page = account.getTransactionPage({ limit, before: page.nextBefore });
            ids.push(...page.transactions.map((t) => t.id));
          }
          expect(ids).toEqual(account.getTransactionHistory().map((t) => t.id).reverse());
        }
      }),
      { numRuns: 100 },
    );
  });
});
