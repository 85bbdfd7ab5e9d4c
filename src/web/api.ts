// Every request the dashboard makes: to the server it came from, with the tab's credential, JSON
// in and out. A refusal becomes a Problem carrying the RFC 9457 body's `code` and `detail`; a
// 401 also tells the page, which asks the person to sign in.

import { authorizationHeaders } from "./session.js";
import type { ProblemBody } from "./types.js";

/** A refusal from the server. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly body: ProblemBody,
  ) {
    super(detail);
    this.name = "Problem";
  }
}

/** No answer at all: the request may or may not have been applied, so a retry must reuse its key. */
export class NoAnswer extends Error {
  constructor(cause: unknown) {
    super("No answer from the server", { cause });
    this.name = "NoAnswer";
  }
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
  /** The server replayed the first answer to this Idempotency-Key: nothing was done again. */
  readonly replayed: boolean;
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

const unauthorizedListeners = new Set<(problem: Problem) => void>();

/** Calls `listener` whenever a request is answered 401. */
export function onUnauthorized(listener: (problem: Problem) => void): void {
  unauthorizedListeners.add(listener);
}

/** Tells the page that the server wants a credential. */
export function reportUnauthorized(problem: Problem): void {
  for (const listener of unauthorizedListeners) listener(problem);
}

/** `/accounts/{name}` with the name encoded as a path segment. */
export function accountPath(name: string, rest = ""): string {
  return `/accounts/${encodeURIComponent(name)}${rest}`;
}

/**
 * Sends one request; resolves with the answer, or rejects with a Problem (the server refused) or
 * NoAnswer (the network failed).
 */
export async function request<T>(method: "GET" | "POST", path: string, options: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: "application/json", ...authorizationHeaders() };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      ...(options.signal !== undefined && { signal: options.signal }),
      cache: "no-store",
    });
  } catch (error) {
    if (options.signal?.aborted === true) throw error;
    throw new NoAnswer(error);
  }
  const replayed = response.headers.get("idempotency-replayed") === "true";
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    if (response.ok) throw new NoAnswer(error);
    body = {};
  }
  if (response.ok) return { status: response.status, body: body as T, replayed };
  const problem = body as ProblemBody;
  const refusal = new Problem(
    response.status,
    problem.code ?? `HTTP_${response.status}`,
    problem.detail ?? problem.title ?? response.statusText,
    problem,
  );
  if (response.status === 401) reportUnauthorized(refusal);
  throw refusal;
}

/** `GET path`, the body only. */
export async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
  return (await request<T>("GET", path, signal === undefined ? {} : { signal })).body;
}
