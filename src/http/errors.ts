// The one place errors become HTTP responses: every refusal of the core and of the HTTP layer, every
// framework error, every error of Node's HTTP parser and every unknown route is answered with RFC
// 9457 problem details. Nothing else maps codes to statuses.

import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  AMOUNT_MINOR_MAX,
  BankError,
  BatchRefusedError,
  formatMinor,
  NAME_LENGTH_MAX,
  type BankErrorCode,
} from "../core/index.js";
import {
  BATCH_BODY_LIMIT_BYTES,
  BODY_LIMIT_BYTES,
  HEADER_COUNT_MAX,
  HEADERS_BYTES_MAX,
  JSON_DEPTH_MAX,
  PATH_PARAM_LENGTH_MAX,
} from "./limits.js";
import { PROBLEM_CONTENT_TYPE, type Problem } from "./schemas/common.js";
import type { RouteTable } from "./route-table.js";

/** One problem type: what `type`, `title` and `status` a problem of its code carries. */
export interface ProblemType {
  readonly status: number;
  /** The last segment of the problem's `type` URI, `/problems/<slug>`, where it is described. */
  readonly slug: string;
  readonly title: string;
  /** One sentence for a person: what it means and what to do. Served at the type's URI. */
  readonly description: string;
}

const AMOUNT_MAX = formatMinor(AMOUNT_MINOR_MAX);

/** How each refusal of the core is answered. A Record, so a new core code cannot be forgotten. */
export const BANK_PROBLEMS: Readonly<Record<BankErrorCode, ProblemType>> = {
  INSUFFICIENT_FUNDS: {
    status: 400, slug: "insufficient-funds", title: "Insufficient funds",
    description: "The account holds less than the withdrawal or transfer asks for; nothing moved, so ask for less or deposit first.",
  },
  ACCOUNT_NOT_FOUND: {
    status: 404, slug: "account-not-found", title: "Account not found",
    description: "No account has the name given in the path, or as a transfer's sender or recipient; " +
      "check the spelling (names are case-sensitive) or open the account first.",
  },
  NEGATIVE_AMOUNT: {
    status: 400, slug: "negative-amount", title: "Amount not positive",
    description: "A deposit, withdrawal or transfer must move more than zero; send a positive amount.",
  },
  INVALID_AMOUNT: {
    status: 400, slug: "invalid-amount", title: "Invalid amount",
    description: "The amount is not exact money; send a finite number or a decimal string with at most 2 decimals, " +
      `up to ${AMOUNT_MAX}.`,
  },
  NEGATIVE_INITIAL_BALANCE: {
    status: 400, slug: "negative-initial-balance", title: "Negative initial balance",
    description: "An account cannot open below zero; send an initial_balance of 0 or more.",
  },
  BALANCE_LIMIT_EXCEEDED: {
    status: 400, slug: "balance-limit-exceeded", title: "Balance limit exceeded",
    description: `The credit would take the account's balance past ${AMOUNT_MAX}, the most the bank holds in one account; send less.`,
  },
  ACCOUNT_EXISTS: {
    status: 409, slug: "account-exists", title: "Account exists",
    description: "An account with this name exists already and names are unique; choose another name, or use that account.",
  },
  SAME_ACCOUNT: {
    status: 400, slug: "same-account", title: "Same account",
    description: "A transfer must name two different accounts; change its sender or its recipient.",
  },
  INVALID_NAME: {
    status: 400, slug: "invalid-name", title: "Invalid account name",
    description: "An account name must be well-formed Unicode without control characters such as tabs or newlines; remove them.",
  },
  INVALID_ARGUMENT: {
    status: 400, slug: "invalid-argument", title: "Invalid argument",
    description: "An argument is outside its domain, such as a history cursor of another account or a malformed Idempotency-Key; " +
      "the detail says which, so correct it.",
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422, slug: "idempotency-key-reused", title: "Idempotency key reused",
    description: "This Idempotency-Key was used before with another route or body; send a new request with a new key, " +
      "and reuse a key only to retry the same request.",
  },
  BATCH_REFUSED: {
    status: 400, slug: "batch-refused", title: "Batch refused",
    description: "A transfer of an atomic batch was refused, so none was applied; index and refusal say which and why, " +
      "so correct that transfer and send the batch again.",
  },
};

/** Problems the HTTP layer itself raises, before or around the core. */
export const HTTP_PROBLEMS = {
  INVALID_REQUEST: {
    status: 400, slug: "invalid-request", title: "Invalid request",
    description: "The body, path or query does not match the route's schema (a missing, mistyped or unknown field, " +
      "a value out of range); the detail names the field, and /openapi.json has every schema.",
  },
  MALFORMED_JSON: {
    status: 400, slug: "malformed-json", title: "Malformed JSON",
    description: "The body is empty, is not JSON, or has a key that is refused (__proto__); send one well-formed JSON document.",
  },
  INVALID_UTF8: {
    status: 400, slug: "invalid-utf8", title: "Body not UTF-8",
    description: "The body's bytes are not well-formed UTF-8; encode the text as UTF-8.",
  },
  JSON_TOO_DEEP: {
    status: 400, slug: "json-too-deep", title: "JSON nested too deep",
    description: `The body nests arrays and objects more than ${JSON_DEPTH_MAX} deep, far more than any request here needs; flatten it.`,
  },
  DUPLICATE_KEY: {
    status: 400, slug: "duplicate-key", title: "Duplicate key",
    description: "An object of the body names a key twice, which JSON readers resolve differently; send each key once.",
  },
  // The title is the status's own, as for the framework's other 4xx answered as BAD_REQUEST.
  BAD_REQUEST: {
    status: 400, slug: "bad-request", title: "Bad Request",
    description: "The request cannot be read: a path or query that is not percent-encoded UTF-8, no Host header, " +
      "or bytes that are not valid HTTP/1.1; correct the client's request.",
  },
  UNAUTHORIZED: {
    status: 401, slug: "unauthorized", title: "Unauthorized",
    description: "No credential, or one that is malformed, unknown or revoked; send Authorization: Bearer <key or holder token>.",
  },
  FORBIDDEN: {
    status: 403, slug: "forbidden", title: "Forbidden",
    description: "The credential does not allow this: a scope the key lacks, or an account that is not the holder token's.",
  },
  ROUTE_NOT_FOUND: {
    status: 404, slug: "route-not-found", title: "Route not found",
    description: "Nothing is at this path (no route, or no problem type of this name); /docs lists every route.",
  },
  METHOD_NOT_ALLOWED: {
    status: 405, slug: "method-not-allowed", title: "Method not allowed",
    description: "The path exists but has no route for this method; the Allow header lists the methods it has.",
  },
  REQUEST_TIMEOUT: {
    status: 408, slug: "request-timeout", title: "Request timeout",
    description: "The request line and headers did not all arrive within 60 seconds; send the request again, whole.",
  },
  BODY_TOO_LARGE: {
    status: 413, slug: "body-too-large", title: "Body too large",
    description: `The body is over the route's limit (${BODY_LIMIT_BYTES / 1024} KiB, ` +
      `${BATCH_BODY_LIMIT_BYTES / 1024 / 1024} MiB for POST /transfers/batch); send less, or split a batch.`,
  },
  URI_TOO_LONG: {
    status: 414, slug: "uri-too-long", title: "URI too long",
    description: `A path parameter is over ${PATH_PARAM_LENGTH_MAX} characters, longer than any name of at most ` +
      `${NAME_LENGTH_MAX} characters can be, percent-encoded; use a valid name.`,
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415, slug: "unsupported-media-type", title: "Unsupported media type",
    description: "The body is not sent as JSON; set Content-Type: application/json and send a JSON document.",
  },
  TOO_MANY_HEADERS: {
    status: 431, slug: "too-many-headers", title: "Too many headers",
    description: `The request has more than ${HEADER_COUNT_MAX} header fields; send fewer.`,
  },
  HEADERS_TOO_LARGE: {
    status: 431, slug: "headers-too-large", title: "Headers too large",
    description: `The request line and headers are over ${HEADERS_BYTES_MAX / 1024} KiB together; send shorter ones.`,
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409, slug: "idempotency-key-in-progress", title: "Idempotency key in progress",
    description: "The first request with this Idempotency-Key has not been answered yet; retry once it has.",
  },
  RATE_LIMITED: {
    status: 429, slug: "rate-limited", title: "Too many requests",
    description: "Over the rate limit for this credential, or too many failed authentications from this address; wait as Retry-After says.",
  },
  INTERNAL_ERROR: {
    status: 500, slug: "internal-error", title: "Internal server error",
    description: "The server failed because of a bug; the cause is in the server's log, and the response says nothing more.",
  },
} as const satisfies Record<string, ProblemType>;

export type HttpProblemCode = keyof typeof HTTP_PROBLEMS;

/**
 * A refusal of the HTTP layer itself (a body that is not UTF-8, a key named twice, too many
 * headers): the error handler answers it as the problem of its code, with its message as detail.
 */
export class HttpRefusal extends Error {
  /** The status, for Fastify, which reads it before the error handler runs. */
  readonly statusCode: number;

  constructor(readonly code: HttpProblemCode, detail: string) {
    super(detail);
    this.statusCode = HTTP_PROBLEMS[code].status;
  }
}

// Fastify's own error codes that have a problem of their own; other 4xx become BAD_REQUEST.
const FRAMEWORK_PROBLEMS: Readonly<Record<string, HttpProblemCode>> = {
  FST_ERR_VALIDATION: "INVALID_REQUEST",
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_MAX_PARAM_LENGTH: "URI_TOO_LONG",
};

// Fastify's messages for these quote the whole path, which may be kilobytes long.
const FRAMEWORK_DETAILS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: "The URL is not valid percent-encoded UTF-8",
  FST_ERR_MAX_PARAM_LENGTH: `A path parameter is longer than ${PATH_PARAM_LENGTH_MAX} characters`,
};

// Errors of Node's HTTP parser (llhttp's codes) and of Node's server, raised before there is a
// request to answer: each is answered as BAD_REQUEST with its detail, unless it has a code here.
const CLIENT_ERROR_PROBLEMS: Readonly<Record<string, HttpProblemCode>> = {
  HPE_HEADER_OVERFLOW: "HEADERS_TOO_LARGE",
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "BODY_TOO_LARGE",
  ERR_HTTP_REQUEST_TIMEOUT: "REQUEST_TIMEOUT",
};

const CLIENT_ERROR_DETAILS: Readonly<Record<string, string>> = {
  HPE_HEADER_OVERFLOW: `The request line and headers are over ${HEADERS_BYTES_MAX} bytes`,
  HPE_CHUNK_EXTENSIONS_OVERFLOW: "The chunk extensions of the body are too large",
  ERR_HTTP_REQUEST_TIMEOUT: "The request did not arrive in time",
  HPE_INVALID_METHOD: "The method is not an HTTP method (methods are upper case)",
  HPE_INVALID_URL: "The request target is not a valid URL (bytes outside printable ASCII must be percent-encoded)",
  HPE_INVALID_VERSION: "The HTTP version is not 1.0 or 1.1",
  HPE_INVALID_CONTENT_LENGTH: "Content-Length is not a length in decimal digits",
  HPE_UNEXPECTED_CONTENT_LENGTH: "Content-Length is sent more than once",
  HPE_INVALID_HEADER_TOKEN: "A header field is malformed",
  HPE_INVALID_TRANSFER_ENCODING: "Transfer-Encoding is invalid, or sent with Content-Length",
  HPE_INVALID_CHUNK_SIZE: "The chunked body is malformed",
};

const CLIENT_ERROR_DETAIL = "The request is not valid HTTP/1.1";

// The only detail a 5xx gives: the cause is in the server's log, never in the response.
const INTERNAL_DETAIL = "The server failed to handle this request; the error has been logged";

/** The problem for an HTTP-level refusal, by its code. */
export function httpProblem(code: HttpProblemCode, detail: string): Problem {
  return problem(code, HTTP_PROBLEMS[code], detail);
}

function problem(code: string, type: Omit<ProblemType, "description">, detail: string): Problem {
  return { type: `/problems/${type.slug}`, title: type.title, status: type.status, detail, code };
}

/**
 * The problem details for any error a request can raise. Refusals keep the core's message as
 * `detail`; framework errors keep Fastify's (which names no internals); anything else is a 500.
 */
export function problemFor(error: unknown): Problem {
  if (error instanceof BatchRefusedError) {
    // Which transfer, and its own refusal, as extension members beside the usual five.
    const { index, refusal } = error;
    return { ...problem(error.code, BANK_PROBLEMS.BATCH_REFUSED, error.message), index, refusal: { code: refusal.code, detail: refusal.message } };
  }
  if (error instanceof BankError) return problem(error.code, BANK_PROBLEMS[error.code], error.message);
  if (error instanceof HttpRefusal) return httpProblem(error.code, error.message);
  const { code = "", statusCode = 500, message = "" } = error as Partial<FastifyError>;
  const detail = FRAMEWORK_DETAILS[code] ?? message;
  const known = FRAMEWORK_PROBLEMS[code];
  if (known !== undefined) return problem(known, HTTP_PROBLEMS[known], detail);
  if (statusCode >= 400 && statusCode < 500) {
    const type = { ...HTTP_PROBLEMS.BAD_REQUEST, status: statusCode, title: STATUS_CODES[statusCode] ?? "Client error" };
    return problem("BAD_REQUEST", type, detail);
  }
  return problem("INTERNAL_ERROR", HTTP_PROBLEMS.INTERNAL_ERROR, INTERNAL_DETAIL);
}

/**
 * The problem for an error Node's HTTP server raises on a connection before any request exists
 * (the server's `clientError`): a parse error of its HTTP parser or a request too slow to arrive.
 */
export function clientErrorProblem(error: { code?: string }): Problem {
  const code = error.code ?? "";
  return httpProblem(CLIENT_ERROR_PROBLEMS[code] ?? "BAD_REQUEST", CLIENT_ERROR_DETAILS[code] ?? CLIENT_ERROR_DETAIL);
}

/** Sends `body` with its status as application/problem+json. */
export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/**
 * Answers an error raised outside any route (a URL that cannot be decoded, a parameter over
 * the length limit); given to Fastify as its `frameworkErrors` option.
 */
export function handleFrameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(reply, problemFor(error));
}

/**
 * Installs the error handler and the not-found handler on `app`. A request no route answers is a
 * 405 with `Allow` when `routes` has its path with other methods, else a 404; OPTIONS on a known
 * path answers 204 with `Allow` (RFC 9110, section 9.3.7), unless CORS answered it as a preflight.
 */
export function registerErrorHandlers(app: FastifyInstance, routes: RouteTable): void {
  app.setErrorHandler((error, request, reply) => {
    const body = problemFor(error);
    if (body.status >= 500) request.log.error({ err: error }, "request failed");
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?", 1)[0] as string;
    const allowed = routes.methodsOf(path);
    if (allowed.length > 0 && request.method === "OPTIONS") return reply.code(204).header("allow", allowed.join(", ")).send();
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      const detail = `Method ${request.method} is not allowed on ${path}; it allows ${allowed.join(", ")}`;
      return sendProblem(reply.header("allow", allowed.join(", ")), httpProblem("METHOD_NOT_ALLOWED", detail));
    }
    return sendProblem(reply, httpProblem("ROUTE_NOT_FOUND", `Route ${request.method} ${request.url} not found`));
  });
}
