// The request rate limit of --rate-limit: N requests a second or a minute, per credential (per
// address while access control is off), on every route but the public ones. @fastify/rate-limit
// counts and sets its headers; this file says how it is keyed and answers in our problem shape.

import rateLimitPlugin from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { HttpProblemError, httpProblem } from "../errors.js";
import { RATE_LIMIT_MAX } from "./limits.js";

/** A parsed `--rate-limit`: `max` requests per `windowMs`, and how it was written. */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
  readonly text: string;
}

/**
 * Most credentials (or addresses) counted at once; past it the least recently seen is forgotten.
 * About 100 bytes each.
 */
export const RATE_LIMIT_KEYS_MAX = 100_000;

const WINDOWS_MS: Readonly<Record<string, number>> = { s: 1000, min: 60_000 };

/** Reads `N/s` or `N/min` (N a positive integer); throws a clear error otherwise. */
export function parseRateLimit(text: string): RateLimit {
  const match = /^(\d{1,10})\/(s|min)$/.exec(text);
  const max = Number(match?.[1]);
  if (match === null || max < 1 || max > RATE_LIMIT_MAX) {
    throw new Error(`Rate limit must be N/s or N/min with N from 1 to ${RATE_LIMIT_MAX}, not '${text}'`);
  }
  return { max, windowMs: WINDOWS_MS[match[2] as string] as number, text };
}

/** The key a request is counted under: its credential, or its address when it has none. */
function keyOf(request: FastifyRequest): string {
  return request.credential?.id ?? `address:${rateLimitPlugin.normalizeIP(request.ip)}`;
}

/**
 * Limits every request to a route that is not public. Registered after access control's guard,
 * so a request is counted under the credential the guard found, and before the routes' own hooks,
 * so a refused request never reserves an idempotency key.
 */
export const rateLimit = fastifyPlugin(async (app: FastifyInstance, limit: RateLimit) => {
  const seconds = limit.windowMs / 1000;
  const policy = `${limit.max};w=${seconds}`;
  await app.register(rateLimitPlugin, {
    global: false,
    max: limit.max,
    timeWindow: limit.windowMs,
    cache: RATE_LIMIT_KEYS_MAX,
    keyGenerator: keyOf,
    // RateLimit-Limit, -Remaining and -Reset (the IETF draft's fields) rather than X-RateLimit-*.
    enableDraftSpec: true,
    errorResponseBuilder: (_request, context) =>
      new HttpProblemError(httpProblem("RATE_LIMITED", `Rate limit of ${limit.text} exceeded; retry in ${Math.ceil(context.ttl / 1000)} s`)),
  });
  const check = app.rateLimit();
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
    const rule = request.routeOptions.config.access;
    if (rule === undefined || rule.public) return;
    reply.header("ratelimit-policy", policy);
    await check.call(app, request, reply);
  });
}, { name: "bank-rate-limit" });
