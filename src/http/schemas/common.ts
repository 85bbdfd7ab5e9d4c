// Schemas shared by several routes: names, amounts, transactions and the problem body every error
// uses. Bounds repeat the core's limits so the OpenAPI document states them; those the core checks
// with refusals of its own are stated for the document only (see documented.ts).

import { Type, type Static, type TSchema } from "typebox";
import {
  formatMinor,
  AMOUNT_MINOR_MAX,
  NAME_LENGTH_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  MINOR_PER_MAJOR,
  REFERENCE_LENGTH_MAX,
  type TransactionType,
} from "../../core/index.js";
import { JSON_DEPTH_MAX, PATH_PARAM_LENGTH_MAX } from "../limits.js";
import { documentedOnly } from "./documented.js";

/** `schema`, or null: OpenAPI 3.0's `nullable`, which fast-json-stringify also honours. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Unsafe<Static<T> | null>({ ...schema, nullable: true });
}

/**
 * What a name may hold, as the core's nameProblem says (src/core/name.ts): any code point but the
 * control characters (Cc: U+0000 to U+001F, U+007F to U+009F) and lone surrogates. Written for
 * regular expressions with and without the `u` flag: with it, a pair is one code point outside
 * the surrogate range; without it, the second branch takes the pair. A test checks the agreement.
 */
export const NAME_PATTERN = "^(?:[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*$";

/** An account name as sent in a body or returned. */
export const Name = Type.String({
  minLength: 1,
  maxLength: NAME_LENGTH_MAX,
  ...documentedOnly({ pattern: NAME_PATTERN }),
  description: `1 to ${NAME_LENGTH_MAX} characters (code points), case-sensitive, well-formed Unicode without control characters`,
  examples: ["alice"],
});

/** Path parameters of the routes under `/accounts/{name}`. */
export const NameParams = Type.Object(
  {
    name: Type.String({
      ...Name,
      description: `The account name, URL-encoded (encodeURIComponent): at most ${NAME_LENGTH_MAX} characters, so at most ` +
        `${PATH_PARAM_LENGTH_MAX} as sent`,
    }),
  },
  { additionalProperties: false },
);

// Long enough for any valid decimal ("1000000000000.00") and a sign; the core judges the rest.
const AMOUNT_TEXT_LENGTH_MAX = 32;

/** The largest amount, in major units: the `maximum` of a number. */
export const AMOUNT_MAX = AMOUNT_MINOR_MAX / MINOR_PER_MAJOR;

const AMOUNT_MAX_WHOLE = formatMinor(AMOUNT_MINOR_MAX).split(".")[0] as string;

/**
 * A decimal string of at most 2 decimals and at most AMOUNT_MAX: up to one digit fewer than the
 * largest amount's whole part, or that whole part exactly. Exact because the largest amount is a
 * power of ten (1000000000000); a test checks it at the edges.
 */
export const AMOUNT_TEXT_PATTERN =
  `^(?:[0-9]{1,${AMOUNT_MAX_WHOLE.length - 1}}(?:\\.[0-9]{1,2})?|${AMOUNT_MAX_WHOLE}(?:\\.00?)?)$`;

/**
 * An amount as a client sends it: a JSON number in major units (25.5) or a decimal string
 * ("25.50"), more than zero, or zero or more for an opening balance. The validator checks the
 * type only; the core refuses zero, negatives, more than two decimals and amounts above the limit,
 * with its own codes and messages. The document states those bounds (JSON Schema's `multipleOf`
 * is left out: on doubles, validators disagree about 0.01's multiples, so the description says it).
 */
export function AmountInput(description: string, least: "positive" | "zero") {
  const minimum = least === "positive" ? { minimum: 0, exclusiveMinimum: true } : { minimum: 0 };
  return Type.Union(
    [
      Type.Number(documentedOnly({ ...minimum, maximum: AMOUNT_MAX })),
      Type.String({ maxLength: AMOUNT_TEXT_LENGTH_MAX, ...documentedOnly({ pattern: AMOUNT_TEXT_PATTERN }) }),
    ],
    {
      description: `${description}: major units with at most 2 decimals (exact to the cent, never rounded), ` +
        `up to ${formatMinor(AMOUNT_MINOR_MAX)}, as a number (25.5) or a decimal string ("25.50")`,
      examples: [25.5],
    },
  );
}

/**
 * What a request body must be, for the document (OpenAPI has no keyword for a body's size): JSON of
 * at most `bytesMax` bytes, as read by json-body.ts.
 */
export function bodyDescription(bytesMax: number): string {
  const size = bytesMax >= 1024 * 1024 ? `${bytesMax / 1024 / 1024} MiB` : `${bytesMax / 1024} KiB`;
  return `JSON (Content-Type: application/json), at most ${size} (${bytesMax} bytes): well-formed UTF-8, ` +
    `arrays and objects nested at most ${JSON_DEPTH_MAX} deep, each key once per object, no field the schema does not name`;
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

/** Every type of transaction, as the API names them. */
export const TRANSACTION_TYPES: TransactionType[] = [
  "account_opened",
  "deposit",
  "withdrawal",
  "transfer_out",
  "transfer_in",
  "hold_created",
  "hold_posted",
  "hold_voided",
  "hold_expired",
];

/** What a reference may hold: visible ASCII (as idempotency keys), as the core checks it (src/core/references.ts). */
export const REFERENCE_PATTERN = `^[\\x21-\\x7e]{1,${REFERENCE_LENGTH_MAX}}$`;

/** A caller's reference on a transaction. */
export const Reference = Type.String({
  minLength: 1,
  maxLength: REFERENCE_LENGTH_MAX,
  pattern: REFERENCE_PATTERN,
  description: `The caller's reference (an invoice number, an order id): 1 to ${REFERENCE_LENGTH_MAX} visible ASCII characters, ` +
    "no spaces; returned with the transaction in history, events and statements",
  examples: ["invoice-2025-001"],
});

/** A hold's id, in a path, a body or an answer. */
export const HoldId = Type.Integer({
  minimum: 1,
  maximum: Number.MAX_SAFE_INTEGER,
  description: "A hold's id, as its creation answered (holds are numbered from 1)",
  examples: [1],
});

/** One transaction as one account sees it. */
export const TransactionBody = Type.Object({
  id: Type.Integer({ minimum: 1, description: "Unique and increasing; a transfer has one id for both sides" }),
  // An enum of strings rather than a union of literals: the serializer writes a string as it is,
  // where a union would cost a schema check per branch on every response.
  type: Type.Enum(TRANSACTION_TYPES, {
    type: "string",
    description: "A transfer is transfer_out for its sender and transfer_in for its recipient; each step of a hold " +
      "(hold_created, hold_posted, hold_voided, hold_expired) is in both its sender's and its recipient's history",
  }),
  amount: Amount,
  balance_after: Amount,
  counterparty: Nullable(Type.String({ description: "The other account of a transfer or of a hold" })),
  timestamp: Type.String({ format: "date-time", description: "ISO-8601, UTC" }),
  description: Type.String({ examples: ["Deposited: 25.50"] }),
  reference: Type.Optional(Type.String({ ...Reference, description: "The caller's reference, only when the transaction has one" })),
  hold_id: Type.Optional(Type.Integer({ ...HoldId, description: "The hold a hold's step belongs to, only for those steps" })),
  incoming: Type.Optional(Type.Boolean({
    description: "Only for a hold's steps: whether this account is the hold's recipient (money in when posted) or its sender",
  })),
});
export type TransactionBody = Static<typeof TransactionBody>;

/** An account and its balance. */
export const AccountBody = Type.Object({ name: Name, balance: Amount });

/** The query of a route that reads none: any parameter is refused, as an unknown body field is. */
export const NoQuery = Type.Object({}, { additionalProperties: false });
export type AccountBody = Static<typeof AccountBody>;

/** An account as it is read: its balance, and what pending holds leave of it to spend. */
export const AccountDetails = Type.Object({
  name: Name,
  balance: Amount,
  available: Type.Number({
    description: "What the account may spend: its balance less what its pending outgoing holds reserve",
    examples: [25.5],
  }),
  held: Type.Number({ description: "What its pending outgoing holds reserve of the balance", examples: [0] }),
  incoming_held: Type.Number({
    description: "What pending holds of other accounts reserve for this one: not in its balance (nor available) until posted",
    examples: [0],
  }),
});
export type AccountDetails = Static<typeof AccountDetails>;

/** The one error body (RFC 9457 problem details), served as application/problem+json. */
export const Problem = Type.Object(
  {
    type: Type.String({ description: "A relative URI naming the problem; GET it for a description of the problem type" }),
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
  400: "Invalid input or refused operation; also a URL, query, header or body the server cannot read (problem details)",
  401: "No credential, or one that is malformed, unknown or revoked; see WWW-Authenticate (problem details)",
  403: "The credential does not allow this: a scope it lacks, or an account that is not the token's (problem details)",
  404: "Unknown account or hold (problem details)",
  405: "The path has no route for the request's method; `Allow` lists the methods it has (problem details)",
  408: "The request did not arrive in time (problem details)",
  409: "An account with this name exists, a hold is no longer pending, or the idempotency key's first request is still " +
    "in progress (problem details)",
  413: "Body over the size limit (problem details)",
  414: "A path parameter over the length limit (problem details)",
  415: "Body is not JSON (problem details)",
  422: "The idempotency key was used with a different request (problem details)",
  429: "Too many requests, or too many failed authentications from this address; see Retry-After (problem details)",
  431: "More header fields than the limit, or headers over the size limit (problem details)",
  500: "A bug: logged by the server, the response says nothing more (problem details)",
};

/**
 * Statuses every route can answer, whatever it does: a request the server refuses before any
 * route reads it (400 for a URL, query or header it cannot read; 408; 431), a bug (500), and 405
 * for its path called with a method it does not have (every path lacks some; OpenAPI can only say
 * so on the operations the path has). Access control's 401 and 403 and the rate limit's 429 are
 * added to the routes they guard when they are on (src/http/auth/).
 */
export const EVERY_ROUTE_STATUSES: readonly number[] = [400, 405, 408, 431, 500];

interface ProblemResponse {
  description: string;
  headers?: Record<string, { type: "string"; description: string }>;
  content: { [PROBLEM_CONTENT_TYPE]: { schema: typeof Problem } };
}

// The header a 405 carries (RFC 9110, section 10.2.1).
const ALLOW_HEADER = {
  allow: { type: "string", description: "The methods the path has, e.g. `GET, HEAD`" },
} as const;

/**
 * Response schemas for the error statuses a route can give besides EVERY_ROUTE_STATUSES, e.g.
 * `problemResponses(404)`, and for those.
 */
export function problemResponses(...statuses: number[]): Record<number, ProblemResponse> {
  const responses: Record<number, ProblemResponse> = {};
  for (const status of [...EVERY_ROUTE_STATUSES, ...statuses].sort((a, b) => a - b)) {
    responses[status] = {
      description: PROBLEM_DESCRIPTIONS[status] as string,
      ...(status === 405 && { headers: ALLOW_HEADER }),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
    };
  }
  return responses;
}
