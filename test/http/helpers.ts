// Shared test helpers for the HTTP layer: a bank with a pinned clock, JSON requests through
// `app.inject()`, the problem-shape check, and a snapshot of all state to prove nothing changed.

import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, onTestFinished } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type AppOptions, type BankApp } from "../../src/http/app.js";

/** Every route of the API as "METHOD /path", sorted: what the OpenAPI document and /docs must list. */
export const API_ROUTES = [
  "GET /",
  "GET /accounts",
  "GET /accounts/{name}",
  "GET /accounts/{name}/balance",
  "GET /accounts/{name}/history",
  "GET /accounts/{name}/statement",
  "GET /events",
  "GET /health",
  "GET /holds/{id}",
  "GET /problems/{slug}",
  "GET /summary",
  "POST /accounts",
  "POST /accounts/{name}/deposits",
  "POST /accounts/{name}/withdrawals",
  "POST /holds",
  "POST /holds/{id}/post",
  "POST /holds/{id}/void",
  "POST /transfers",
  "POST /transfers/batch",
];

/** The instant every transaction of a test bank is stamped with. */
export const FIXED_TIME_MS = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
export const FIXED_TIMESTAMP = "2025-01-02T03:04:05.678Z";

/** A bank with a pinned clock and the given accounts, and an app serving it (with `options`). */
export function appWith(
  balances: Record<string, number> = {},
  options: Omit<AppOptions, "bank"> = {},
): { app: BankApp; bank: Bank } {
  const bank = new Bank({ clock: () => FIXED_TIME_MS });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return { app: buildApp({ ...options, bank }), bank };
}

/** A clock that stands still until moved: `clock.nowMs += 1000`. */
export interface ManualClock {
  nowMs: number;
}

/** As `appWith`, with a clock the test moves; the accounts are opened at `startMs`. */
export function appWithClock(
  balances: Record<string, number> = {},
  startMs = FIXED_TIME_MS,
): { app: BankApp; bank: Bank; clock: ManualClock } {
  const clock: ManualClock = { nowMs: startMs };
  const bank = new Bank({ clock: () => clock.nowMs });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return { app: buildApp({ bank }), bank, clock };
}

export interface JsonResponse {
  status: number;
  headers: Record<string, unknown>;
  body: unknown;
  /** The body as sent, to check bytes and content. */
  text: string;
}

/** Sends `payload` as JSON (a string or a Buffer is sent as it is, for malformed bodies). */
export async function request(
  app: BankApp,
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | "HEAD" | "OPTIONS",
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const hasBody = payload !== undefined;
  const response = await app.inject({
    method,
    url,
    ...(hasBody && { payload: typeof payload === "string" || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) }),
    headers: { ...(hasBody && { "content-type": "application/json" }), ...headers },
  });
  const text = response.body;
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (the Swagger UI's HTML): keep the text.
  }
  return { status: response.statusCode, headers: response.headers, body, text };
}

/** Asserts an RFC 9457 problem with this status and code, and returns its detail. */
export function expectProblem(response: JsonResponse, status: number, code: string): string {
  expect(response.status, response.text).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = response.body as Record<string, unknown>;
  // Only a refused batch adds members: which transfer, and its own refusal.
  const extensions = code === "BATCH_REFUSED" ? ["index", "refusal"] : [];
  expect(Object.keys(body).sort()).toEqual(["code", "detail", ...extensions, "status", "title", "type"].sort());
  expect(body.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.type).toMatch(/^\/problems\/[a-z0-9-]+$/);
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  return body.detail as string;
}

/** The header that marks a response replayed for an idempotency key. */
export const REPLAYED = "idempotency-replayed";

/** Expects `retry` to be `first` again, byte for byte, marked as a replay (and `first` not). */
export function expectReplay(retry: JsonResponse, first: JsonResponse): void {
  expect(first.headers[REPLAYED]).toBeUndefined();
  expect(retry.headers[REPLAYED]).toBe("true");
  expect(retry.status).toBe(first.status);
  expect(retry.headers["content-type"]).toBe(first.headers["content-type"]);
  expect(retry.text).toBe(first.text);
}

/** Every account with its balance and full history, and the journal length: all the state. */
export function snapshot(bank: Bank): unknown {
  return {
    transactionCount: bank.transactionCount,
    accounts: bank.listAccounts().map((account) => ({
      name: account.name,
      balanceMinor: account.balanceMinor,
      history: account.getTransactionHistory().map((transaction) => transaction.toJSON()),
    })),
  };
}

/**
 * Sends raw bytes to a server listening on 127.0.0.1:`port` and resolves with the responses
 * received once the server has closed the connection; the socket is destroyed then.
 */
export function rawExchange(port: number, data: string | Buffer): Promise<JsonResponse[]> {
  const socket = connect(port, "127.0.0.1");
  const chunks: Buffer[] = [];
  return new Promise<JsonResponse[]>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(parseRawResponses(Buffer.concat(chunks).toString("utf8"))));
    socket.on("error", reject);
    socket.write(data);
  }).finally(() => socket.destroy());
}

/** Splits what a connection received into responses (a body without Content-Length runs to the end). */
export function parseRawResponses(text: string): JsonResponse[] {
  const responses: JsonResponse[] = [];
  let rest = text;
  while (rest.length > 0) {
    const headEnd = rest.indexOf("\r\n\r\n");
    const [statusLine = "", ...lines] = rest.slice(0, headEnd).split("\r\n");
    const headers: Record<string, string> = {};
    for (const line of lines) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
    const length = headers["content-length"] === undefined ? rest.length : Number(headers["content-length"]);
    const bodyText = rest.slice(headEnd + 4, headEnd + 4 + length);
    rest = rest.slice(headEnd + 4 + bodyText.length);
    let body: unknown = bodyText;
    try {
      body = JSON.parse(bodyText);
    } catch {
      // Not JSON: keep the text.
    }
    responses.push({ status: Number(statusLine.split(" ")[1]), headers, body, text: bodyText });
  }
  return responses;
}

/** A fresh directory under the system's temporary one, removed when the test ends. */
export function temporaryDirectory(prefix: string): string {
  const directory = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
