// Schemas of deposits and withdrawals: money into or out of one account.

import { Type, type Static } from "typebox";
import { BODY_LIMIT_BYTES } from "../limits.js";
import { Amount, AmountInput, bodyDescription, Name, NameParams, problemResponses, TransactionBody } from "./common.js";

/** Body of `POST /accounts/{name}/deposits` and `/withdrawals`: the seed's. */
export const CashRequest = Type.Object(
  { amount: AmountInput("Amount, more than zero", "positive") },
  { additionalProperties: false, description: bodyDescription(BODY_LIMIT_BYTES) },
);
export type CashRequest = Static<typeof CashRequest>;

const CashResult = Type.Object({
  name: Name,
  balance: Amount,
  transaction: TransactionBody,
  message: Type.String({ examples: ["25.50 deposited to dan"] }),
});

function cashSchema(summary: string, result: string) {
  return {
    summary,
    tags: ["accounts"],
    params: NameParams,
    body: CashRequest,
    response: { 200: { description: result, ...CashResult }, ...problemResponses(404, 413, 414, 415) },
  };
}

/** Route schema of `POST /accounts/{name}/deposits`. */
export const depositSchema = cashSchema("Deposit money", "The new balance and the deposit");

/** Route schema of `POST /accounts/{name}/withdrawals`. */
export const withdrawalSchema = cashSchema(
  "Withdraw money; never below zero",
  "The new balance and the withdrawal",
);
