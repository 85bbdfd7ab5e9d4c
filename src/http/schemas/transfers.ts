// Schemas of transfers: money from one account to another, all or nothing.

import { Type, type Static } from "typebox";
import { AccountBody, AmountInput, Name, problemResponses, TransactionBody } from "./common.js";

/** Body of `POST /transfers`: the seed's. */
export const TransferRequest = Type.Object(
  {
    sender: Name,
    recipient: Type.String({ ...Name, examples: ["bob"] }),
    amount: AmountInput("Amount, more than zero"),
  },
  { additionalProperties: false },
);
export type TransferRequest = Static<typeof TransferRequest>;

const TransferResult = Type.Object({
  sender: AccountBody,
  recipient: AccountBody,
  transaction: Type.Object(TransactionBody.properties, { description: "The sender's side of the transfer" }),
  message: Type.String({ examples: ["40.00 transferred from gina to hank"] }),
});

/** Route schema of `POST /transfers`. */
export const transferSchema = {
  summary: "Transfer money between two accounts",
  tags: ["transfers"],
  body: TransferRequest,
  response: {
    200: { description: "Both new balances and the transaction", ...TransferResult },
    ...problemResponses(404, 413, 415),
  },
};
