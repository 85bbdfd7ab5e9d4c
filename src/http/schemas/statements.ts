// Schemas of an account's balance at an instant and of its statements: the opening balance of a
// period, every transaction in it and the closing balance, as JSON or CSV.

import { Type } from "typebox";
import { STATEMENT_TRANSACTIONS_MAX } from "../../core/index.js";
import { CSV_CONTENT_TYPE } from "../csv.js";
import { Amount, Name, NameParams, problemResponses, TransactionBody } from "./common.js";
import { Instant } from "./history.js";

/** The columns of a statement as CSV, in order. */
export const STATEMENT_CSV_COLUMNS = ["id", "timestamp", "type", "amount", "balance_after", "counterparty", "reference", "description"];

const BalanceQuery = Type.Object(
  { at: Type.Optional(Instant("The instant; now when left out")) },
  { additionalProperties: false },
);

const BalanceAt = Type.Object({
  name: Name,
  balance: Type.Number({ description: "The balance right after the account's last transaction at or before `at`", examples: [25.5] }),
  at: Type.String({ format: "date-time", description: "The instant, as asked (ISO-8601, UTC), or now" }),
});

/** Route schema of `GET /accounts/{name}/balance`. */
export const balanceSchema = {
  summary: "Read an account's balance at an instant, exact",
  description: "The balance right after the account's last transaction at or before `at` (holds do not change a " +
    "balance, only what is available). An instant before the account was opened is refused; one still to come gives " +
    "the balance now.",
  tags: ["accounts"],
  params: NameParams,
  querystring: BalanceQuery,
  response: { 200: { description: "The balance at the instant", ...BalanceAt }, ...problemResponses(404, 414) },
};

const StatementQuery = Type.Object(
  {
    from: Instant("The period's first instant, included"),
    to: Instant("The period's last instant, included"),
  },
  { additionalProperties: false },
);

const Statement = Type.Object({
  name: Name,
  from: Type.String({ format: "date-time", description: "The period's first instant (ISO-8601, UTC)" }),
  to: Type.String({ format: "date-time", description: "The period's last instant (ISO-8601, UTC)" }),
  opening_balance: Amount,
  closing_balance: Amount,
  transactions: Type.Array(TransactionBody, { description: `Every transaction of the period, oldest first; at most ${STATEMENT_TRANSACTIONS_MAX}` }),
});

/** Route schema of `GET /accounts/{name}/statement`. */
export const statementSchema = {
  summary: "Read an account's statement for a period: opening balance, transactions, closing balance",
  description: [
    "The opening balance (just before `from`; 0 if the account was opened within the period), every transaction",
    "from `from` to `to`, both included, oldest first, and the closing balance (at `to`). As JSON, or as CSV when",
    `the Accept header prefers text/csv: a header row (${STATEMENT_CSV_COLUMNS.join(",")}), a row of type`,
    "opening_balance at `from`, one row per transaction, a row of type closing_balance at `to`, amounts with two decimals, fields quoted as RFC 4180 says, lines ended by CRLF. A period with more",
    `than ${STATEMENT_TRANSACTIONS_MAX} transactions is refused: ask for shorter ones.`,
  ].join(" "),
  tags: ["accounts"],
  params: NameParams,
  querystring: StatementQuery,
  response: {
    200: {
      description: "The statement, in the media type the client prefers",
      content: {
        "application/json": { schema: Statement },
        [CSV_CONTENT_TYPE.split(";")[0] as string]: {
          schema: Type.String({ examples: ["id,timestamp,type,amount,balance_after,counterparty,reference,description\r\n..."] }),
        },
      },
    },
    ...problemResponses(404, 414),
  },
};
