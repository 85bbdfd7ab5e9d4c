// One test per error code at the HTTP level: each core refusal and each problem the HTTP layer
// raises, with its status, problem type and detail; and 5xx answers that reveal nothing inside.

import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { PassThrough, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  AssertionError,
  Bank,
  ERROR_CODES,
  AMOUNT_MINOR_MAX,
  type BankErrorCode,
} from "../../src/index.js";
import { buildApp, type BankApp } from "../../src/http/app.js";
import { adminKey, HolderTokens } from "../../src/http/auth/index.js";
import { BANK_PROBLEMS, HTTP_PROBLEMS, problemFor } from "../../src/http/errors.js";
import { BODY_LIMIT_BYTES, HEADER_COUNT_MAX, HEADERS_BYTES_MAX, JSON_DEPTH_MAX } from "../../src/http/limits.js";
import { appWith, expectProblem, rawExchange, request, type JsonResponse } from "./helpers.js";

// `send` is given an open app over the bank; the access control cases build a secured one over it.
type Case = [code: string, status: number, send: (app: BankApp, bank: Bank) => Promise<JsonResponse>, detail: string | RegExp];

const ADMIN_SECRET = "admin-secret-0123456789";
function securedOver(bank: Bank, tokens = new HolderTokens()): BankApp {
  return buildApp({ bank, access: { keys: [adminKey(ADMIN_SECRET)], tokens } });
}

// An app whose extra route throws `error`: for refusals no route of this API raises yet.
function appThrowing(error: unknown, logs?: string[]): BankApp {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs?.push(chunk.toString());
      done();
    },
  });
  const app = buildApp({ logger: { level: "error", stream } });
  app.get("/throw", () => {
    throw error;
  });
  return app;
}

const maxBalance = AMOUNT_MINOR_MAX / 100;

/** `count` headers, to which inject adds Host and User-Agent: over HEADER_COUNT_MAX when `count` is it. */
function manyHeaders(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`x-${index}`, "1"]));
}

/** Listens on a free port, runs `exchange` there, closes, and returns its only response. */
async function overSocket(
  app: BankApp, exchange: (server: Server, port: number) => Promise<JsonResponse[]>,
): Promise<JsonResponse> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const responses = await exchange(app.server, (app.server.address() as AddressInfo).port);
    expect(responses).toHaveLength(1);
    return responses[0] as JsonResponse;
  } finally {
    await app.close();
  }
}

const bankCases: Case[] = [
  ["INSUFFICIENT_FUNDS", 400, (app) => request(app, "POST", "/accounts/rich/withdrawals", { amount: maxBalance }),
    "Cannot withdraw 1000000000000.00; balance is only 100.00"],
  ["ACCOUNT_NOT_FOUND", 404, (app) => request(app, "GET", "/accounts/x"), "Account 'x' not found"],
  ["NEGATIVE_AMOUNT", 400, (app) => request(app, "POST", "/accounts/rich/deposits", { amount: 0 }), "Amount must be positive"],
  ["INVALID_AMOUNT", 400, (app) => request(app, "POST", "/accounts/rich/deposits", { amount: 1.005 }),
    "Amount must have at most 2 decimal places"],
  ["NEGATIVE_INITIAL_BALANCE", 400, (app) => request(app, "POST", "/accounts", { name: "n", initial_balance: -10 }),
    "Initial balance cannot be negative"],
  ["BALANCE_LIMIT_EXCEEDED", 400, (app) => request(app, "POST", "/accounts/full/deposits", { amount: 0.01 }),
    "Balance of 'full' cannot exceed 1000000000000.00"],
  ["ACCOUNT_EXISTS", 409, (app) => request(app, "POST", "/accounts", { name: "rich", initial_balance: 1 }), "Account 'rich' already exists"],
  ["SAME_ACCOUNT", 400, (app) => request(app, "POST", "/transfers", { sender: "rich", recipient: "rich", amount: 1 }),
    "Cannot transfer to the same account"],
  ["INVALID_NAME", 400, (app) => request(app, "POST", "/accounts", { name: "tab\there", initial_balance: 1 }),
    "Account name cannot contain control characters"],
  ["INVALID_ARGUMENT", 400, (app) => request(app, "GET", "/accounts/rich/history?before=999"),
    "Cursor 999 is not a transaction of account 'rich'"],
  ["IDEMPOTENCY_KEY_REUSED", 422, async (app) => {
    const key = { "idempotency-key": "k-1" };
    await request(app, "POST", "/accounts/rich/deposits", { amount: 0 }, key);
    return request(app, "POST", "/accounts/rich/deposits", { amount: 0.5 }, key);
  }, "Idempotency key 'k-1' was already used for a different request"],
  ["BATCH_REFUSED", 400,
    (app) => request(app, "POST", "/transfers/batch", { transfers: [{ sender: "rich", recipient: "full", amount: 500 }] }),
    "Transfer 0 of the batch was refused, so none was applied: Cannot withdraw 500.00; balance is only 100.00"],
];

const httpCases: Case[] = [
  ["INVALID_REQUEST", 400, (app) => request(app, "POST", "/accounts", { name: "n" }),
    "body must have required property 'initial_balance'"],
  ["MALFORMED_JSON", 400, (app) => request(app, "POST", "/accounts", '{"name": "n",'),
    "Body is not valid JSON but content-type is set to 'application/json'"],
  ["INVALID_UTF8", 400, (app) => request(app, "POST", "/accounts", Buffer.from('{"name": "n\xff", "initial_balance": 1}', "latin1")),
    "Body is not well-formed UTF-8"],
  ["JSON_TOO_DEEP", 400, (app) => request(app, "POST", "/accounts/rich/deposits", `{"amount": ${"[".repeat(33)}${"]".repeat(33)}}`),
    `Body nests arrays and objects more than ${JSON_DEPTH_MAX} deep`],
  ["DUPLICATE_KEY", 400, (app) => request(app, "POST", "/accounts/rich/deposits", '{"amount": 1, "amount": 2}'),
    "Body has the key 'amount' twice in one object"],
  ["BAD_REQUEST", 400, (app) => request(app, "GET", "/accounts/%E0%A4%A"), "The URL is not valid percent-encoded UTF-8"],
  ["UNAUTHORIZED", 401, (_app, bank) => request(securedOver(bank), "GET", "/accounts/rich"),
    "This route needs a credential: 'Authorization: Bearer <API key or account token>'"],
  ["FORBIDDEN", 403, (_app, bank) => {
    const tokens = new HolderTokens();
    const app = securedOver(bank, tokens);
    return request(app, "GET", "/accounts/rich", undefined, { authorization: `Bearer ${tokens.issue("full")}` });
  }, /^An account token may only read its own account/],
  ["RATE_LIMITED", 429, async (_app, bank) => {
    const app = buildApp({ bank, access: { keys: [adminKey(ADMIN_SECRET)], failures: { max: 1 } } });
    await request(app, "GET", "/accounts", undefined, { authorization: "Bearer wrong-wrong-wrong" });
    return request(app, "GET", "/accounts", undefined, { authorization: "Bearer wrong-wrong-wrong" });
  }, "Too many failed authentications from this address; retry in 60 s"],
  ["ROUTE_NOT_FOUND", 404, (app) => request(app, "GET", "/nowhere"), "Route GET /nowhere not found"],
  ["METHOD_NOT_ALLOWED", 405, (app) => request(app, "DELETE", "/accounts/rich"),
    "Method DELETE is not allowed on /accounts/rich; it allows GET, HEAD"],
  ["BODY_TOO_LARGE", 413,
    (app) => request(app, "POST", "/accounts", { name: "n", initial_balance: 1, pad: "x".repeat(BODY_LIMIT_BYTES) }),
    "Request body is too large"],
  ["URI_TOO_LONG", 414, (app) => request(app, "GET", `/accounts/${"a".repeat(10_000)}`),
    /^A path parameter is longer than \d+ characters$/],
  ["UNSUPPORTED_MEDIA_TYPE", 415, (app) => request(app, "POST", "/accounts", "name=n", { "content-type": "text/plain" }),
    "Unsupported Media Type"],
  ["IDEMPOTENCY_KEY_IN_PROGRESS", 409, async (app) => {
    // The first request's body is still arriving, so its key is held when the second one comes.
    const body = new PassThrough();
    const headers = { "content-type": "application/json", "idempotency-key": "k-2" };
    const first = app.inject({ method: "POST", url: "/accounts/rich/deposits", payload: body, headers });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await request(app, "POST", "/accounts/rich/deposits", { amount: 0 }, { "idempotency-key": "k-2" });
    body.end('{"amount": 0}');
    expect((await first).statusCode).toBe(400);
    return second;
  }, "A request with idempotency key 'k-2' is still in progress; retry once it has been answered"],
  ["REQUEST_TIMEOUT", 408, (app) => overSocket(app, (server, port) => {
    const timeout = Object.assign(new Error("Request timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" });
    server.once("connection", (socket) => setImmediate(() => server.emit("clientError", timeout, socket)));
    return rawExchange(port, "GET /health HTTP/1.1\r\n");
  }), "The request did not arrive in time"],
  ["TOO_MANY_HEADERS", 431, (app) => request(app, "GET", "/health", undefined, manyHeaders(HEADER_COUNT_MAX)),
    `A request may have at most ${HEADER_COUNT_MAX} header fields`],
  ["HEADERS_TOO_LARGE", 431,
    (app) => overSocket(app, (_server, port) => rawExchange(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(HEADERS_BYTES_MAX)}\r\n\r\n`)),
    `The request line and headers are over ${HEADERS_BYTES_MAX} bytes`],
  ["INTERNAL_ERROR", 500, () => request(appThrowing(new Error("secret")), "GET", "/throw"),
    "The server failed to handle this request; the error has been logged"],
];

describe("every error code, over HTTP", () => {
  // An app of its own, to GET each problem's type URI from.
  const describer = buildApp();

  it("covers every code of the core and of the HTTP layer, with its declared status", () => {
    expect(bankCases.map(([code]) => code).sort()).toEqual([...ERROR_CODES].sort());
    expect(httpCases.map(([code]) => code).sort()).toEqual(Object.keys(HTTP_PROBLEMS).sort());
    for (const [code, status] of bankCases) expect(BANK_PROBLEMS[code as BankErrorCode].status).toBe(status);
  });

  it.each([...bankCases, ...httpCases])("%s is answered with %i and a problem naming it, whose type describes it", async (code, status, send, detail) => {
    const bank = new Bank();
    bank.createAccount("rich", 100);
    bank.createAccount("full", maxBalance);
    const app = buildApp({ bank });
    const response = await send(app, bank);
    expect(expectProblem(response, status, code)).toMatch(detail);
    const known = BANK_PROBLEMS[code as BankErrorCode] ?? HTTP_PROBLEMS[code as keyof typeof HTTP_PROBLEMS];
    const { type } = response.body as { type: string };
    expect(type).toBe(`/problems/${known.slug}`);
    // The problem's type URI resolves, to the type from the same catalogue.
    const described = await request(describer, "GET", type);
    expect(described.status).toBe(200);
    expect(described.body).toEqual({ type, title: known.title, status, code, description: known.description });
    expect(bank.getAccount("rich").balance).toBe(100);
    expect(bank.getAccount("full").balance).toBe(maxBalance);
    expect(bank.transactionCount).toBe(2);
  });
});

describe("the problem types in docs/API.md", () => {
  it("lists every code with its type and status", () => {
    const doc = readFileSync(new URL("../../docs/API.md", import.meta.url), "utf8");
    const types: [string, { slug: string; status: number }][] = [...Object.entries(BANK_PROBLEMS), ...Object.entries(HTTP_PROBLEMS)];
    const missing = types.filter(([code, type]) => !doc.includes(`| \`/problems/${type.slug}\` | \`${code}\` | ${type.status}`));
    expect(missing.map(([code]) => code)).toEqual([]);
  });
});

describe("server errors", () => {
  it("when a route fails with an unexpected error, answers 500 without its message and logs it", async () => {
    const logs: string[] = [];
    const response = await request(appThrowing(new Error("database password is hunter2"), logs), "GET", "/throw");
    expectProblem(response, 500, "INTERNAL_ERROR");
    expect(response.text).not.toContain("hunter2");
    expect(logs.join("")).toContain("hunter2");
  });

  it("when an invariant of the core breaks, answers 500 without the assertion's text", async () => {
    const response = await request(appThrowing(new AssertionError("Invariant broken: totals")), "GET", "/throw");
    expectProblem(response, 500, "INTERNAL_ERROR");
    expect(response.text).not.toContain("totals");
  });

  it("when something that is not an Error is thrown, still answers a 500 problem", async () => {
    expectProblem(await request(appThrowing("a string"), "GET", "/throw"), 500, "INTERNAL_ERROR");
  });
});

describe("problemFor", () => {
  it("when a framework error has a 4xx status of its own, keeps the status and names it", () => {
    expect(problemFor({ statusCode: 405, message: "Method not allowed here" })).toEqual({
      type: "/problems/bad-request",
      title: "Method Not Allowed",
      status: 405,
      detail: "Method not allowed here",
      code: "BAD_REQUEST",
    });
  });

  it("when the 4xx status has no standard name, uses a generic title", () => {
    expect(problemFor({ statusCode: 499, message: "closed" }).title).toBe("Client error");
  });
});

describe("application/problem+json everywhere", () => {
  it("when the Swagger UI asks for a missing asset, the 404 is a problem too", async () => {
    const { app } = appWith();
    expectProblem(await request(app, "GET", "/docs/static/missing.js"), 404, "ROUTE_NOT_FOUND");
  });
});
