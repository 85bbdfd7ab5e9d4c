// POST /transfers: money from one account to another, all or nothing. The hot route of the API,
// so it does the transfer, one lookup for the recipient's balance, and nothing else.

import { formatMinor, type Bank } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { transactionBody } from "../representations.js";
import { transferSchema } from "../schemas/transfers.js";

/** Registers `POST /transfers` on `bank`. */
export function registerTransferRoutes(app: BankApp, bank: Bank): void {
  app.post("/transfers", { schema: transferSchema }, (request) => {
    const { sender, recipient, amount, reference } = request.body;
    const transaction = bank.transfer(sender, recipient, amount, reference === undefined ? undefined : { reference });
    // An account's holder sees its own balance only, never the recipient's.
    const holder = request.credential?.kind === "holder";
    return {
      sender: { name: sender, balance: transaction.balanceAfter },
      recipient: holder ? { name: recipient } : { name: recipient, balance: bank.getAccount(recipient).balance },
      transaction: transactionBody(transaction),
      message: `${formatMinor(transaction.amountMinor)} transferred from ${sender} to ${recipient}`,
    };
  });
}
