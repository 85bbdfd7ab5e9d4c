// Schemas of an account's transaction history, read a page at a time, newest first, and filtered
// by type, reference and time.

import { Type } from "typebox";
import { HISTORY_SCAN_MAX } from "../../core/index.js";
import { Name, NameParams, Nullable, PageLimit, problemResponses, Reference, TRANSACTION_TYPES, TransactionBody } from "./common.js";

/** An instant in a query: RFC 3339's date-time, an ISO 8601 instant with a time zone. */
export function Instant(description: string) {
  return Type.String({
    format: "date-time",
    maxLength: 64,
    description: `${description}: an ISO 8601 instant with a time zone (Z or an offset), such as 2025-01-02T03:04:05Z`,
    examples: ["2025-01-02T03:04:05Z"],
  });
}

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
    type: Type.Optional(Type.Enum(TRANSACTION_TYPES, { type: "string", description: "Only transactions of this type, as the account sees them" })),
    reference: Type.Optional(Type.String({ ...Reference, description: "Only transactions carrying this reference" })),
    from: Type.Optional(Instant("Only transactions at or after this instant")),
    to: Type.Optional(Instant("Only transactions at or before this instant")),
  },
  { additionalProperties: false },
);

const HistoryPage = Type.Object({
  name: Name,
  transactions: Type.Array(TransactionBody, { description: "Newest first" }),
  next_before: Nullable(
    Type.Integer({
      description: "Pass as `before` (with the same filters) for the next, older page; null on the last. A filtered page " +
        `looks at no more than ${HISTORY_SCAN_MAX} of the account's transactions, so it may hold fewer than \`limit\`, ` +
        "or none, and still have a next page",
    }),
  ),
});

/** Route schema of `GET /accounts/{name}/history`. */
export const historySchema = {
  summary: "Read an account's transactions, newest first, a page at a time, filtered by type, reference and time",
  tags: ["accounts"],
  params: NameParams,
  querystring: HistoryQuery,
  response: { 200: { description: "One page of history", ...HistoryPage }, ...problemResponses(404, 414) },
};
