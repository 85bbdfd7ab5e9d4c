// Cross-origin requests from browsers: refused (no CORS header at all) unless origins are given
// with --cors-origin. Then those origins may call the API with a bearer credential (never with
// cookies: the server sets none) and read the headers a client needs.

import type { FastifyCorsOptions } from "@fastify/cors";
import { IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER } from "./idempotency.js";

/** How long a browser may keep a preflight's answer, in seconds. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * Reads origins given as one or more values, each a comma-separated list: `*` (any origin) or
 * `scheme://host[:port]` exactly as a browser sends it in `Origin`. Throws a clear error otherwise.
 */
export function parseCorsOrigins(values: readonly string[]): string[] {
  const origins = values.flatMap((value) => value.split(",")).map((origin) => origin.trim()).filter((origin) => origin !== "");
  for (const origin of origins) {
    if (origin !== "*" && !isOrigin(origin)) {
      throw new Error(`A CORS origin must be * or scheme://host[:port] with no path (e.g. https://app.example), not '${origin}'`);
    }
  }
  return [...new Set(origins)];
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === "http:" || url.protocol === "https:") && url.origin === text;
  } catch {
    return false;
  }
}

/** @fastify/cors's options for these origins. */
export function corsOptions(origins: readonly string[]): FastifyCorsOptions {
  return {
    origin: origins.includes("*") ? "*" : [...origins],
    methods: ["GET", "HEAD", "POST"],
    allowedHeaders: ["authorization", "content-type", IDEMPOTENCY_KEY_HEADER],
    exposedHeaders: [
      "location", "www-authenticate", "retry-after", REPLAYED_HEADER,
      "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset", "ratelimit-policy",
    ],
    maxAge: CORS_MAX_AGE_SECONDS,
  };
}
