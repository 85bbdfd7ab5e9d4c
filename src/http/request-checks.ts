// What every request must be before any route's own hooks see it: within HEADER_COUNT_MAX header
// fields (Node would drop the rest silently, an Idempotency-Key among them), with a Host header in
// HTTP/1.1, and with a query string of well-formed percent-encoded UTF-8, as the path must be.

import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { HttpRefusal } from "./errors.js";
import { HEADER_COUNT_MAX } from "./limits.js";

/**
 * The app's first `onRequest` hook. The server has Node keep every header (see app.ts), so a
 * request over HEADER_COUNT_MAX is seen here, and refused before any route's hooks.
 */
export function checkRequest(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const raw = request.raw;
  // rawHeaders lists each header's name and value in turn.
  if (raw.rawHeaders.length > HEADER_COUNT_MAX * 2) {
    return done(new HttpRefusal("TOO_MANY_HEADERS", `A request may have at most ${HEADER_COUNT_MAX} header fields`));
  }
  // Node's own check answers a bare 400 without a body; the server leaves it to this one.
  if (raw.headers.host === undefined && raw.httpVersion === "1.1") {
    return done(new HttpRefusal("BAD_REQUEST", "An HTTP/1.1 request must have a Host header"));
  }
  const url = request.url;
  const query = url.indexOf("?");
  if (query !== -1 && url.includes("%", query) && !isPercentEncodedUtf8(url.slice(query + 1))) {
    return done(new HttpRefusal("BAD_REQUEST", "The query string is not valid percent-encoded UTF-8"));
  }
  done();
}

/** Whether every "%" of `text` starts an escape and the escapes spell well-formed UTF-8. */
function isPercentEncodedUtf8(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}
