// Deposits and withdrawals: POST /accounts/{name}/deposits and /withdrawals, the seed's routes.

import { formatMinor, type Bank, type Transaction } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { transactionBody } from "../representations.js";
import { depositSchema, withdrawalSchema } from "../schemas/cash.js";

// The balance right after the operation is the account's balance: operations never interleave.
function result(name: string, transaction: Transaction, message: string) {
  return { name, balance: transaction.balanceAfter, transaction: transactionBody(transaction), message };
}

/** Registers the deposit and withdrawal routes of `bank`. */
export function registerCashRoutes(app: BankApp, bank: Bank): void {
  app.post("/accounts/:name/deposits", { schema: depositSchema }, (request) => {
    const { name } = request.params;
    const { amount, reference } = request.body;
    const transaction = bank.deposit(name, amount, reference === undefined ? undefined : { reference });
    return result(name, transaction, `${formatMinor(transaction.amountMinor)} deposited to ${name}`);
  });

  app.post("/accounts/:name/withdrawals", { schema: withdrawalSchema }, (request) => {
    const { name } = request.params;
    const { amount, reference } = request.body;
    const transaction = bank.withdraw(name, amount, reference === undefined ? undefined : { reference });
    return result(name, transaction, `${formatMinor(transaction.amountMinor)} withdrawn from ${name}`);
  });
}
