// Schemas of transfers: money from one account to another, all or nothing.

import { Type, type Static } from "typebox";
import { BODY_LIMIT_BYTES } from "../limits.js";
import { AccountBody, AmountInput, bodyDescription, Name, problemResponses, Reference, TransactionBody } from "./common.js";

/** Body of `POST /transfers`: the seed's, and an optional reference. */
export const TransferRequest = Type.Object(
  {
    sender: Name,
    recipient: Type.String({ ...Name, examples: ["bob"] }),
    amount: AmountInput("Amount, more than zero", "positive"),
    reference: Type.Optional(Reference),
  },
  { additionalProperties: false },
);
export type TransferRequest = Static<typeof TransferRequest>;

const TransferResult = Type.Object({
  sender: AccountBody,
  recipient: Type.Object(
    { name: AccountBody.properties.name, balance: Type.Optional(AccountBody.properties.balance) },
    { description: "The recipient, with its balance; without it when the caller is an account holder, who sees no other account's balance" },
  ),
  transaction: Type.Object(TransactionBody.properties, { description: "The sender's side of the transfer" }),
  message: Type.String({ examples: ["40.00 transferred from gina to hank"] }),
});

/** Route schema of `POST /transfers`. */
export const transferSchema = {
  summary: "Transfer money between two accounts",
  tags: ["transfers"],
  // The same schema is the batch's item; only here is it a whole body.
  body: Type.Object(TransferRequest.properties, { additionalProperties: false, description: bodyDescription(BODY_LIMIT_BYTES) }),
  response: {
    200: { description: "Both new balances and the transaction", ...TransferResult },
    ...problemResponses(404, 413, 415),
  },
};
