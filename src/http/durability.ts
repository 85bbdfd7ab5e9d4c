// Durable mode at the HTTP edge: with a bank kept on disk, no response leaves before the fsync that
// covers every change made before it (its own, and any another request made that it may have read).
// The hook is added to every route last, after the idempotency hooks have kept their outcome, so the
// outcome is covered too. A 5xx acknowledges nothing and does not wait: so the error handler's
// answer to a failed sync goes out as the usual problem. An in-memory bank gets no hook at all.

import type { onSendHookHandler, RouteOptions } from "fastify";
import type { Bank } from "../core/index.js";
import { storeOf } from "../core/internal.js";

/** An `onRoute` hook that makes every route's response wait for the bank's sync, or null when in memory. */
export function durableResponses(bank: Bank): ((route: RouteOptions) => void) | null {
  if (storeOf(bank) === null) return null;
  const waitForSync: onSendHookHandler = (_request, reply, payload, done) => {
    if (reply.statusCode >= 500) return done(null, payload);
    bank.sync().then(
      () => done(null, payload),
      (error: unknown) => done(error as Error),
    );
  };
  return (route) => {
    const hooks = route.onSend === undefined ? [] : Array.isArray(route.onSend) ? route.onSend : [route.onSend];
    route.onSend = [...hooks, waitForSync];
  };
}
