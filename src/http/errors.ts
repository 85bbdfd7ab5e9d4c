// The one place errors become HTTP responses: every refusal of the core, every framework error and
// every unknown route is answered with RFC 9457 problem details. Nothing else maps codes to statuses.

import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { BankError, BatchRefusedError, type BankErrorCode } from "../core/index.js";
import { PATH_PARAM_LENGTH_MAX } from "./limits.js";
import { PROBLEM_CONTENT_TYPE, type Problem } from "./schemas/common.js";

interface ProblemType {
  readonly status: number;
  /** The last segment of the problem's `type` URI, `/problems/<slug>`. */
  readonly slug: string;
  readonly title: string;
}

/** How each refusal of the core is answered. A Record, so a new core code cannot be forgotten. */
export const BANK_PROBLEMS: Readonly<Record<BankErrorCode, ProblemType>> = {
  INSUFFICIENT_FUNDS: { status: 400, slug: "insufficient-funds", title: "Insufficient funds" },
  ACCOUNT_NOT_FOUND: { status: 404, slug: "account-not-found", title: "Account not found" },
  NEGATIVE_AMOUNT: { status: 400, slug: "negative-amount", title: "Amount not positive" },
  INVALID_AMOUNT: { status: 400, slug: "invalid-amount", title: "Invalid amount" },
  NEGATIVE_INITIAL_BALANCE: { status: 400, slug: "negative-initial-balance", title: "Negative initial balance" },
  BALANCE_LIMIT_EXCEEDED: { status: 400, slug: "balance-limit-exceeded", title: "Balance limit exceeded" },
  ACCOUNT_EXISTS: { status: 409, slug: "account-exists", title: "Account exists" },
  SAME_ACCOUNT: { status: 400, slug: "same-account", title: "Same account" },
  INVALID_NAME: { status: 400, slug: "invalid-name", title: "Invalid account name" },
  INVALID_ARGUMENT: { status: 400, slug: "invalid-argument", title: "Invalid argument" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, slug: "idempotency-key-reused", title: "Idempotency key reused" },
  BATCH_REFUSED: { status: 400, slug: "batch-refused", title: "Batch refused" },
};

/** Problems the HTTP layer itself raises, before or around the core. */
export const HTTP_PROBLEMS = {
  INVALID_REQUEST: { status: 400, slug: "invalid-request", title: "Invalid request" },
  MALFORMED_JSON: { status: 400, slug: "malformed-json", title: "Malformed JSON" },
  BAD_REQUEST: { status: 400, slug: "bad-request", title: "Bad request" },
  UNAUTHORIZED: { status: 401, slug: "unauthorized", title: "Unauthorized" },
  FORBIDDEN: { status: 403, slug: "forbidden", title: "Forbidden" },
  ROUTE_NOT_FOUND: { status: 404, slug: "route-not-found", title: "Route not found" },
  BODY_TOO_LARGE: { status: 413, slug: "body-too-large", title: "Body too large" },
  URI_TOO_LONG: { status: 414, slug: "uri-too-long", title: "URI too long" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, slug: "unsupported-media-type", title: "Unsupported media type" },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    slug: "idempotency-key-in-progress",
    title: "Idempotency key in progress",
  },
  RATE_LIMITED: { status: 429, slug: "rate-limited", title: "Too many requests" },
  INTERNAL_ERROR: { status: 500, slug: "internal-error", title: "Internal server error" },
} as const satisfies Record<string, ProblemType>;

type HttpProblemCode = keyof typeof HTTP_PROBLEMS;

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

// The only detail a 5xx gives: the cause is in the server's log, never in the response.
const INTERNAL_DETAIL = "The server failed to handle this request; the error has been logged";

/** The problem for an HTTP-level refusal, by its code. */
export function httpProblem(code: HttpProblemCode, detail: string): Problem {
  return problem(code, HTTP_PROBLEMS[code], detail);
}

function problem(code: string, type: ProblemType, detail: string): Problem {
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

/** Installs the error handler and the not-found handler on `app`. */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const body = problemFor(error);
    if (body.status >= 500) request.log.error({ err: error }, "request failed");
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) => {
    const detail = `Route ${request.method} ${request.url} not found`;
    return sendProblem(reply, problem("ROUTE_NOT_FOUND", HTTP_PROBLEMS.ROUTE_NOT_FOUND, detail));
  });
}
