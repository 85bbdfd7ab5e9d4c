// `bank repl`: a Node REPL with the library loaded, for trying the bank by hand as the seed's
// README does in Python's interactive mode.

import repl, { type REPLServer } from "node:repl";
import * as core from "../core/index.js";

export interface BankReplOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Whether the streams are a terminal (colours, line editing); defaults to what Node detects. */
  terminal?: boolean;
}

const BANNER = [
  "banking-system REPL. `bank` is a new Bank; Bank, every error class and the money helpers are loaded.",
  'Try: bank.createAccount("Alice", 100).deposit(50)   .exit to leave',
].join("\n");

// Everything the core exports, plus a bank ready to use. Assigned again on `.clear`.
function populate(context: object): void {
  Object.assign(context, core, { bank: new core.Bank() });
}

/**
 * Starts the REPL on the given streams (stdin/stdout by default) and returns it.
 *
 * @example
 * const server = startBankRepl();
 * server.on("exit", () => process.exit(0));
 */
export function startBankRepl(options: BankReplOptions = {}): REPLServer {
  const streams = { input: process.stdin, output: process.stdout, ...options };
  streams.output.write(`${BANNER}\n`);
  const server = repl.start({ prompt: "bank> ", ...streams });
  populate(server.context);
  server.on("reset", populate);
  return server;
}
