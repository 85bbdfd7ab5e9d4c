// GET /accounts/{name}/history: an account's transactions, newest first, a page at a time.

import type { Bank } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { transactionBody } from "../representations.js";
import { historySchema } from "../schemas/history.js";

/** Registers the history route of `bank`. */
export function registerHistoryRoutes(app: BankApp, bank: Bank): void {
  app.get("/accounts/:name/history", { schema: historySchema }, (request) => {
    const { name } = request.params;
    const page = bank.getAccount(name).getTransactionPage(request.query);
    return { name, transactions: page.transactions.map(transactionBody), next_before: page.nextBefore };
  });
}
