// Schemas of the account routes: open an account, list accounts a page at a time, read one.

import { Type, type Static } from "typebox";
import { NAME_LENGTH_MAX } from "../../core/index.js";
import { BODY_LIMIT_BYTES } from "../limits.js";
import {
  AccountBody,
  Amount,
  AmountInput,
  bodyDescription,
  Name,
  NameParams,
  Nullable,
  PageLimit,
  problemResponses,
} from "./common.js";

/** `POST /accounts`: the seed's body. */
export const CreateAccountRequest = Type.Object(
  {
    name: Name,
    initial_balance: AmountInput("Opening balance, zero or more", "zero"),
  },
  { additionalProperties: false, description: bodyDescription(BODY_LIMIT_BYTES) },
);
export type CreateAccountRequest = Static<typeof CreateAccountRequest>;

const HOLDER_TOKEN_DESCRIPTION =
  "The account holder's secret, answered this once and kept by the server only as a hash: send it as " +
  "`Authorization: Bearer <token>` to read this account and its history and to move money out of it";

/** An account-holder token, answered once, when it is made. */
export function HolderToken(description = HOLDER_TOKEN_DESCRIPTION) {
  return Type.String({ pattern: "^bst_[A-Za-z0-9_-]{43}$", description, examples: ["bst_3q2-7wEvLwzs9CqHk1Hn0S4rW8w_dj1bXa7Nf3m0yqE"] });
}

const CreatedAccount = Type.Object({
  name: Name,
  balance: Amount,
  message: Type.String({ examples: ["Account 'alice' created."] }),
  token: Type.Optional(HolderToken(`Only while access control is on. ${HOLDER_TOKEN_DESCRIPTION}`)),
});

/** Route schema of `POST /accounts`. */
export const createAccountSchema = {
  summary: "Open an account",
  tags: ["accounts"],
  body: CreateAccountRequest,
  response: {
    201: { description: "The new account; its URL is in the Location header", ...CreatedAccount },
    ...problemResponses(409, 413, 415),
  },
};

const ListAccountsQuery = Type.Object(
  {
    limit: Type.Optional(PageLimit),
    after: Type.Optional(
      Type.String({ maxLength: NAME_LENGTH_MAX, description: "Start after this name (from `next_after`)" }),
    ),
    prefix: Type.Optional(
      Type.String({ maxLength: NAME_LENGTH_MAX, description: "Only names that start with this (case-sensitive)" }),
    ),
  },
  { additionalProperties: false },
);

const AccountList = Type.Object({
  accounts: Type.Array(AccountBody, { description: "Sorted by name (UTF-16 code unit order)" }),
  next_after: Nullable(Type.String({ description: "Pass as `after` for the next page; null on the last" })),
});

/** Route schema of `GET /accounts`. */
export const listAccountsSchema = {
  summary: "List accounts, sorted by name, a page at a time",
  tags: ["accounts"],
  querystring: ListAccountsQuery,
  response: { 200: { description: "One page of accounts", ...AccountList }, ...problemResponses() },
};

/** Route schema of `GET /accounts/{name}`. */
export const getAccountSchema = {
  summary: "Read an account's balance",
  tags: ["accounts"],
  params: NameParams,
  response: { 200: { description: "The account", ...AccountBody }, ...problemResponses(404, 414) },
};

const Summary = Type.Object({
  accounts: Type.Integer({ minimum: 0, description: "Number of accounts" }),
  transactions: Type.Integer({ minimum: 0, description: "Number of transactions (a transfer counts once)" }),
  total_balance: Amount,
});

/** Route schema of `GET /summary`. */
export const summarySchema = {
  summary: "The bank in three numbers: accounts, transactions and all the money it holds",
  tags: ["accounts"],
  response: { 200: { description: "The bank's totals", ...Summary }, ...problemResponses() },
};
