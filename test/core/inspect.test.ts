// What console.log and the REPL show of the core's objects (Node's util.inspect): what a person
// needs to see, never the journal's chunks or typed arrays.

import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Bank } from "../../src/core/index.js";

const TIME_MS = Date.UTC(2025, 0, 2, 3, 4, 5, 678);

function bankWithTransfer(): Bank {
  const bank = new Bank({ clock: () => TIME_MS });
  bank.createAccount("Alice", 100);
  bank.createAccount("Bob");
  bank.transfer("Alice", "Bob", 25.5);
  return bank;
}

describe("util.inspect", () => {
  it("when an account is inspected, shows its name and its balance exact to the cent", () => {
    const account = bankWithTransfer().getAccount("Alice");
    expect(inspect(account)).toBe("Account { name: 'Alice', balance: 74.5 }");
  });

  it("when a transaction is inspected, shows its id, type, account, amounts, counterparty, ISO time and description", () => {
    const transaction = bankWithTransfer().getAccount("Bob").getTransactionHistory().at(-1);
    expect(inspect(transaction, { breakLength: Infinity })).toBe(
      "Transaction { id: 3, type: 'transfer_in', account: 'Bob', amount: 25.5, balanceAfter: 25.5, counterparty: 'Alice', " +
        "timestamp: '2025-01-02T03:04:05.678Z', description: 'Received from: 25.50 Alice' }",
    );
  });

  it("when a bank is inspected, shows a short summary", () => {
    expect(inspect(bankWithTransfer())).toBe("Bank { accounts: 2, transactions: 3 }");
  });

  it("when nested past the depth asked for, shows the class name alone, and colours follow the options", () => {
    const bank = bankWithTransfer();
    expect(inspect({ inner: { account: bank.getAccount("Bob") } }, { depth: 0 })).toBe("{ inner: [Object] }");
    expect(inspect([[bank.getAccount("Bob")]], { depth: 0 })).toBe("[ [Array] ]");
    expect(inspect({ a: bank.getAccount("Bob") }, { depth: 0 })).toBe("{ a: [Account] }");
    expect(inspect(bank.getAccount("Bob"), { depth: null })).toBe("Account { name: 'Bob', balance: 25.5 }");
    expect(inspect(bank.getAccount("Bob"), { colors: true })).toContain("\u001b[32m'Bob'\u001b[39m");
  });
});
