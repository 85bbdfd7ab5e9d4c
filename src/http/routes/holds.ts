// Holds (two-phase transfers): POST /holds reserves money, POST /holds/{id}/post moves all or part
// of it, POST /holds/{id}/void releases it, GET /holds/{id} reads it. The core does every check;
// a hold no longer pending is its HOLD_NOT_PENDING, answered 409.

import type { preParsingHookHandler } from "fastify";
import type { Bank } from "../../core/index.js";
import { ledgerOf } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import type { HoldSender } from "../auth/index.js";
import { holdBody } from "../representations.js";
import { createHoldSchema, getHoldSchema, postHoldSchema, voidHoldSchema } from "../schemas/holds.js";

/**
 * Reads a request that has no body at all as one whose body is `{}`: the steps of a hold need
 * none, and the two are then the same request, to the schema and to an idempotency key. Run
 * before the body is parsed; a request with no body is not parsed, so the object stays.
 */
const noBodyAsEmpty: preParsingHookHandler = (request, _reply, payload, done) => {
  const { headers } = request;
  const empty = headers["content-type"] === undefined && headers["transfer-encoding"] === undefined &&
    (headers["content-length"] === undefined || headers["content-length"] === "0");
  if (empty) request.body = {};
  done(null, payload);
};

// A hold's id as a path spells it: digits, no leading zero, at most a safe integer's 16.
const HOLD_ID_TEXT = /^[1-9][0-9]{0,15}$/;

/**
 * Whose a hold of `bank` is, for access control: the sender of the hold with the id a path
 * (`"12"`) or a batch item (`12`) gives, or null when the id is malformed or names no hold.
 */
export function holdSenderIn(bank: Bank): HoldSender {
  const holds = ledgerOf(bank).holds;
  return (id) => {
    const number = typeof id === "string" && HOLD_ID_TEXT.test(id) ? Number(id) : id;
    if (typeof number !== "number" || !Number.isSafeInteger(number) || !holds.has(number)) return null;
    return bank.getHold(number).sender;
  };
}

/** Registers the hold routes of `bank`. */
export function registerHoldRoutes(app: BankApp, bank: Bank): void {
  app.post("/holds", { schema: createHoldSchema }, (request, reply) => {
    const { sender, recipient, amount, timeout_seconds, reference } = request.body;
    const hold = bank.hold(sender, recipient, amount, {
      ...(timeout_seconds !== undefined && { timeoutSeconds: timeout_seconds }),
      ...(reference !== undefined && { reference }),
    });
    reply.code(201).header("location", `/holds/${hold.id}`);
    return holdBody(hold);
  });

  app.post("/holds/:id/post", { schema: postHoldSchema, preParsing: noBodyAsEmpty }, (request) =>
    holdBody(bank.postHold(request.params.id, request.body.amount)),
  );

  app.post("/holds/:id/void", { schema: voidHoldSchema, preParsing: noBodyAsEmpty }, (request) =>
    holdBody(bank.voidHold(request.params.id)),
  );

  app.get("/holds/:id", { schema: getHoldSchema }, (request) => holdBody(bank.getHold(request.params.id)));
}
