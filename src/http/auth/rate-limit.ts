// The request rate limit of --rate-limit: N requests a second or a minute, per credential (per
// address while access control is off), on every route but the public ones. @fastify/rate-limit
// counts; this file says how requests are keyed, sets the headers and answers in our problem shape.

import rateLimitPlugin from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { httpProblem, sendProblem } from "../errors.js";
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

type Limiter = ReturnType<FastifyInstance["createRateLimit"]>;

/**
 * The limiter of one app. Its `hook` goes on each protected route, after access control's guard
 * (so that a request is counted under the credential the guard found, and a refused one against
 * no one) and before the route's own hooks (so that a limited request never reserves an
 * idempotency key). The plugin's `createRateLimit` counts, in its store; the hook sets the
 * headers and answers a 429 in our problem shape, as access control's refusals are answered.
 * It counts once `plugin` has loaded, which is before any route is called.
 */
export class RateLimiter {
  private limiter: Limiter | undefined;
  private readonly policy: string;

  constructor(readonly limit: RateLimit) {
    this.policy = `${limit.max};w=${limit.windowMs / 1000}`;
  }

  /** A route's onRequest hook. */
  readonly hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    (this.limiter as Limiter)(request).then((result) => {
      // No allow list is configured, so every request is counted.
      const { max, remaining, ttlInSeconds, isExceeded } = result as Extract<typeof result, { isAllowed: false }>;
      // RateLimit-Limit, -Remaining and -Reset, the fields of the IETF draft the plugin follows.
      reply.header("ratelimit-policy", this.policy).header("ratelimit-limit", max)
        .header("ratelimit-remaining", remaining).header("ratelimit-reset", ttlInSeconds);
      if (!isExceeded) return done();
      reply.header("retry-after", ttlInSeconds);
      sendProblem(reply, httpProblem("RATE_LIMITED", `Rate limit of ${this.limit.text} exceeded; retry in ${ttlInSeconds} s`));
    }, done);
  };

  /** Registers @fastify/rate-limit on the app, which adds no hook of its own: ours calls it. */
  readonly plugin = fastifyPlugin(async (app: FastifyInstance) => {
    const { limit } = this;
    await app.register(rateLimitPlugin, { global: false, max: limit.max, timeWindow: limit.windowMs, cache: RATE_LIMIT_KEYS_MAX });
    this.limiter = app.createRateLimit({ keyGenerator: keyOf });
  }, { name: "bank-rate-limit" });
}
