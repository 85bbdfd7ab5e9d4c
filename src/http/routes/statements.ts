// What an account held at an instant (GET /accounts/{name}/balance) and its statements
// (GET /accounts/{name}/statement), as JSON, or as CSV for a client that asks for text/csv.

import { formatMinor, toMajor, type Bank, type Transaction } from "../../core/index.js";
import { ledgerOf } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import { CSV_CONTENT_TYPE, csvText } from "../csv.js";
import { prefersOverJson } from "../html.js";
import { transactionBody } from "../representations.js";
import { balanceSchema, STATEMENT_CSV_COLUMNS, statementSchema } from "../schemas/statements.js";

/** One transaction as a row of a statement's CSV. */
function csvRow(transaction: Transaction): string[] {
  return [
    String(transaction.id),
    new Date(transaction.timeMs).toISOString(),
    transaction.type,
    formatMinor(transaction.amountMinor),
    formatMinor(transaction.balanceAfterMinor),
    transaction.counterparty ?? "",
    transaction.reference ?? "",
    transaction.description,
  ];
}

/** Registers the balance-at and statement routes of `bank`. */
export function registerStatementRoutes(app: BankApp, bank: Bank): void {
  const ledger = ledgerOf(bank);

  app.get("/accounts/:name/balance", { schema: balanceSchema }, (request) => {
    const { name } = request.params;
    const { at } = request.query;
    // Now is the bank's own: the time its next transaction would carry.
    const atMs = at === undefined ? ledger.now() : Date.parse(at);
    const balance = bank.balanceAt(name, atMs);
    return { name, balance, at: new Date(atMs).toISOString() };
  });

  app.get("/accounts/:name/statement", { schema: statementSchema }, (request, reply) => {
    const { name } = request.params;
    const fromMs = Date.parse(request.query.from);
    const toMs = Date.parse(request.query.to);
    const statement = bank.statement(name, fromMs, toMs);
    reply.header("vary", "accept");
    if (prefersOverJson(request, "text", "csv")) {
      reply.type(CSV_CONTENT_TYPE);
      // The period's opening and closing balances frame its transactions, as on a paper statement.
      const balanceRow = (type: string, timeMs: number, balanceMinor: number) =>
        ["", new Date(timeMs).toISOString(), type, "", formatMinor(balanceMinor), "", "", ""];
      return csvText(STATEMENT_CSV_COLUMNS, [
        balanceRow("opening_balance", fromMs, statement.openingBalanceMinor),
        ...statement.transactions.map(csvRow),
        balanceRow("closing_balance", toMs, statement.closingBalanceMinor),
      ]);
    }
    return {
      name,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      opening_balance: toMajor(statement.openingBalanceMinor),
      closing_balance: toMajor(statement.closingBalanceMinor),
      transactions: statement.transactions.map(transactionBody),
    };
  });
}
