// `bank repl` in-process, over PassThrough streams: the library is loaded, a bank is ready, and
// refusals are the exported error classes.

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { startBankRepl } from "../../src/cli/repl.js";

/** Feeds `lines` to a fresh REPL and returns everything it printed once it has exited. */
async function runRepl(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const server = startBankRepl({ input, output, terminal: false });
  const exited = new Promise((resolve) => server.on("exit", resolve));
  input.end(`${lines.join("\n")}\n.exit\n`);
  await exited;
  return printed;
}

describe("bank repl", () => {
  it("greets with what is loaded and has a bank ready to use", async () => {
    const printed = await runRepl([
      'bank.createAccount("Alice", 100).deposit(500).description',
      'bank.getAccount("Alice").withdraw(200) && bank.getAccount("Alice").balance',
    ]);
    expect(printed).toContain("`bank` is a new Bank");
    expect(printed).toContain("'Deposited: 500.00'");
    expect(printed).toContain("400");
  });

  it("shows an account, a transaction and the bank as a person needs them, not their internals", async () => {
    const printed = await runRepl(['bank.createAccount("Alice", 100)', 'bank.deposit("Alice", 0.5).type', "bank"]);
    expect(printed).toContain("Account { name: 'Alice', balance: 100 }");
    expect(printed).toContain("Bank { accounts: 1, transactions: 2 }");
    expect(printed).not.toMatch(/Float64Array|Journal|ledger/);
  });

  it("has Bank, the error classes and the money helpers in scope", async () => {
    const printed = await runRepl([
      "typeof Bank + typeof InsufficientFundsError + typeof AccountNotFoundError + typeof NegativeAmountError",
      "formatMinor(parseAmount('25.5'))",
      "try { bank.withdraw('nobody', 1) } catch (error) { error instanceof AccountNotFoundError }",
    ]);
    expect(printed).toContain("'functionfunctionfunctionfunction'");
    expect(printed).toContain("'25.50'");
    expect(printed).toContain("true");
  });

  it("after .clear, starts over with a new empty bank", async () => {
    const printed = await runRepl(['bank.createAccount("A")', ".clear", "bank.accountCount"]);
    expect(printed).toMatch(/bank> 0\n/);
  });
});
