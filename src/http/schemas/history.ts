// Schemas of an account's transaction history, read a page at a time, newest first.

import { Type } from "typebox";
import { Name, NameParams, Nullable, PageLimit, problemResponses, TransactionBody } from "./common.js";

const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(PageLimit),
    before: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        description: "Start just before this transaction id (from `next_before`)",
      }),
    ),
  },
  { additionalProperties: false },
);

const HistoryPage = Type.Object({
  name: Name,
  transactions: Type.Array(TransactionBody, { description: "Newest first" }),
  next_before: Nullable(
    Type.Integer({ description: "Pass as `before` for the next (older) page; null on the last" }),
  ),
});

/** Route schema of `GET /accounts/{name}/history`. */
export const historySchema = {
  summary: "Read an account's transactions, newest first, a page at a time",
  tags: ["accounts"],
  params: NameParams,
  querystring: HistoryQuery,
  response: { 200: { description: "One page of history", ...HistoryPage }, ...problemResponses(404, 414) },
};
