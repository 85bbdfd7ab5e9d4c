// GET /accounts/{name}/history: an account's transactions, newest first, a page at a time, filtered
// by type, reference and a window of time.

import type { Bank } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { transactionBody } from "../representations.js";
import { historySchema } from "../schemas/history.js";

/** Registers the history route of `bank`. */
export function registerHistoryRoutes(app: BankApp, bank: Bank): void {
  app.get("/accounts/:name/history", { schema: historySchema }, (request) => {
    const { name } = request.params;
    const { from, to, ...query } = request.query;
    const page = bank.getAccount(name).getTransactionPage({
      ...query,
      ...(from !== undefined && { from: Date.parse(from) }),
      ...(to !== undefined && { to: Date.parse(to) }),
    });
    return { name, transactions: page.transactions.map(transactionBody), next_before: page.nextBefore };
  });
}
