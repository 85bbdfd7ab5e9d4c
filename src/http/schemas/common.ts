// Schemas shared by several routes: names, amounts, transactions and the problem body every error
// uses. Bounds repeat the core's limits so the OpenAPI document states them.

import { Type, type Static, type TSchema } from "typebox";
import {
  formatMinor,
  AMOUNT_MINOR_MAX,
  NAME_LENGTH_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  type TransactionType,
} from "../../core/index.js";

/** `schema`, or null: OpenAPI 3.0's `nullable`, which fast-json-stringify also honours. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

/** An account name as sent in a body or returned. */
export const Name = Type.String({
  minLength: 1,
  maxLength: NAME_LENGTH_MAX,
  description: `1 to ${NAME_LENGTH_MAX} characters, case-sensitive, no control characters`,
  examples: ["alice"],
});

/** Path parameters of the routes under `/accounts/{name}`. */
export const NameParams = Type.Object(
  { name: Type.String({ ...Name, description: "The account name, URL-encoded" }) },
  { additionalProperties: false },
);

// Long enough for any valid decimal ("1000000000000.00") and a sign; the core judges the rest.
const AMOUNT_TEXT_LENGTH_MAX = 32;

/**
 * An amount as a client sends it: a JSON number in major units (25.5) or a decimal string
 * ("25.50"). The schema only checks the type; the core refuses zero, negatives, more than two
 * decimals and amounts above the limit, with its own messages.
 */
export function AmountInput(description: string) {
  return Type.Union([Type.Number(), Type.String({ maxLength: AMOUNT_TEXT_LENGTH_MAX })], {
    description: `${description}: major units with at most 2 decimals, up to ${formatMinor(AMOUNT_MINOR_MAX)}, as a number (25.5) or a decimal string ("25.50")`,
    examples: [25.5],
  });
}

/** An amount or balance as the server returns it: a JSON number in major units, exact to the cent. */
export const Amount = Type.Number({ description: "Major units, exact to the cent", examples: [25.5] });

/** `?limit=`: page size, repeating the core's bounds. */
export const PageLimit = Type.Integer({
  minimum: 1,
  maximum: PAGE_SIZE_MAX,
  default: PAGE_SIZE_DEFAULT,
  description: `Items per page, 1 to ${PAGE_SIZE_MAX}`,
});

const TRANSACTION_TYPES: TransactionType[] = [
  "account_opened",
  "deposit",
  "withdrawal",
  "transfer_out",
  "transfer_in",
];

/** One transaction as one account sees it. */
export const TransactionBody = Type.Object({
  id: Type.Integer({ minimum: 1, description: "Unique and increasing; a transfer has one id for both sides" }),
  // An enum of strings rather than a union of literals: the serializer writes a string as it is,
  // where a union would cost a schema check per branch on every response.
  type: Type.Enum(TRANSACTION_TYPES, { type: "string" }),
  amount: Amount,
  balance_after: Amount,
  counterparty: Nullable(Type.String({ description: "The other account of a transfer" })),
  timestamp: Type.String({ format: "date-time", description: "ISO-8601, UTC" }),
  description: Type.String({ examples: ["Deposited: 25.50"] }),
});
export type TransactionBody = Static<typeof TransactionBody>;

/** An account and its balance. */
export const AccountBody = Type.Object({ name: Name, balance: Amount });
export type AccountBody = Static<typeof AccountBody>;

/** The one error body (RFC 9457 problem details), served as application/problem+json. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: "A relative URI naming the problem, documented in docs/API.md" }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: "What went wrong, for a person" }),
    code: Type.String({ description: "Stable, for programs to branch on" }),
    index: Type.Optional(
      Type.Integer({ description: "BATCH_REFUSED only: the 0-based position of the refused transfer" }),
    ),
    refusal: Type.Optional(
      Type.Object(
        { code: Type.String(), detail: Type.String() },
        { description: "BATCH_REFUSED only: why that transfer was refused" },
      ),
    ),
  },
  { description: "RFC 9457 problem details" },
);
export type Problem = Static<typeof Problem>;

/** The media type of every error response. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

// What each error status means on these routes, for the OpenAPI document.
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid input or refused operation (problem details)",
  401: "No credential, or one that is malformed, unknown or revoked; see WWW-Authenticate (problem details)",
  403: "The credential does not allow this: a scope it lacks, or an account that is not the token's (problem details)",
  404: "Unknown account (problem details)",
  409: "An account with this name exists, or the idempotency key's first request is still in progress (problem details)",
  413: "Body over the size limit (problem details)",
  415: "Body is not JSON (problem details)",
  422: "The idempotency key was used with a different request (problem details)",
  429: "Too many requests, or too many failed authentications from this address; see Retry-After (problem details)",
};

interface ProblemResponse {
  description: string;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof Problem } };
}

/** Response schemas for the error statuses a route can give, e.g. `problemResponses(400, 404)`. */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const responses: Record<number, ProblemResponse> = {};
  for (const status of statuses) {
    responses[status] = {
      description: PROBLEM_DESCRIPTIONS[status] as string,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
    };
  }
  return responses;
}
