// The one decision: may this request run? Before the body is read, the credential is found (401
// if none), an address that failed too often is turned away (429), and the route's rule is
// checked (403) wherever it can be without the body. A holder token's right to a transfer, a new
// hold or a batch depends on the body's senders, so that last check runs once the body is parsed,
// before it is validated: a holder learns nothing from the answer about accounts that are not its
// own. Its right to a hold's steps depends on the hold's sender: a hold that is not its account's
// and a hold that does not exist are refused alike.

import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from "fastify";
import { httpProblem, sendProblem } from "../errors.js";
import { ScannedBatch } from "../batch-reader/index.js";
import type { AccessRule } from "./access-table.js";
import type { AuthenticationFailure, Credential, Credentials, HolderCredential } from "./credentials.js";
import type { FailureLimit } from "./failures.js";
import { grants } from "./scopes.js";

declare module "fastify" {
  interface FastifyRequest {
    /** Who sent the request, once access control has found out (absent while access control is off). */
    credential?: Credential | null;
  }
}

const REALM = 'Bearer realm="banking-system"';

const UNAUTHORIZED: Readonly<Record<AuthenticationFailure, { challenge: string; detail: string }>> = {
  none: { challenge: REALM, detail: "This route needs a credential: 'Authorization: Bearer <API key or account token>'" },
  "not-bearer": { challenge: REALM, detail: "The Authorization header must be 'Bearer <API key or account token>'" },
  malformed: { challenge: `${REALM}, error="invalid_token"`, detail: "The bearer token is malformed" },
  // Unknown and revoked alike: the answer never says whether a secret was ever valid.
  unknown: { challenge: `${REALM}, error="invalid_token"`, detail: "The bearer token is not valid" },
};

const HOLDER_DETAIL =
  "An account token may only read its own account, its history and the holds it sends, and move money out of it: " +
  "withdrawals, transfers and holds it sends, the post or void of those holds, and batches whose every item is one of these";

/** The sender of the hold with this id (a path's string or a body's number), or null when there is none. */
export type HoldSender = (id: unknown) => string | null;

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * The hooks that decide, made for each protected route with its rule, so that no request looks
 * its rule up; `failures` counts failed authentications by address.
 */
export function guardHooks(credentials: Credentials, failures: FailureLimit, holdSender: HoldSender) {
  return {
    /** Before the body is read: who is it (401), may this address try (429), and may it call this route (403). */
    onRequest(rule: AccessRule): Hook {
      return (request, reply, done) => {
        const retryAfter = failures.retryAfterSeconds(request.ip);
        if (retryAfter > 0) {
          reply.header("retry-after", retryAfter);
          const detail = `Too many failed authentications from this address; retry in ${retryAfter} s`;
          sendProblem(reply, httpProblem("RATE_LIMITED", detail));
          return;
        }
        const credential = credentials.authenticate(request.headers.authorization);
        if (typeof credential === "string") {
          if (credential === "malformed" || credential === "unknown") failures.record(request.ip);
          const { challenge, detail } = UNAUTHORIZED[credential];
          reply.header("www-authenticate", challenge);
          sendProblem(reply, httpProblem("UNAUTHORIZED", detail));
          return;
        }
        request.credential = credential;
        if (credential.kind === "key") {
          if (rule.scope === null || grants(credential.scopes, rule.scope)) return done();
          const detail = `The API key '${credential.name}' lacks the scope '${rule.scope}' that this route needs`;
          return forbid(reply, detail, `, scope="${rule.scope}"`);
        }
        if (rule.holder === "never" || !owns(rule, request, credential)) {
          return forbid(reply, HOLDER_DETAIL, "");
        }
        done();
      };
    },

    /** A holder's transfer or batch, with its body parsed and not yet validated: its senders. */
    preValidation(rule: AccessRule): Hook {
      const sends = rule.holder === "senders" ? sendsBatch : sendsTransfer;
      return (request, reply, done) => {
        const credential = request.credential;
        if (credential?.kind === "holder" && !sends(request.body, credential.account, holdSender)) return forbid(reply, HOLDER_DETAIL, "");
        done();
      };
    },
  };

  /** What a holder may do before the body is read: the checks of the path and the query. */
  function owns(rule: AccessRule, request: FastifyRequest, credential: HolderCredential): boolean {
    switch (rule.holder) {
      case "path":
        return (request.params as { name?: unknown }).name === credential.account;
      case "query": {
        // Without an account, a holder's stream is its own account's (the route reads it so).
        const { account } = request.query as { account?: unknown };
        return account === undefined || account === credential.account;
      }
      case "hold":
        return holdSender((request.params as { id?: unknown }).id) === credential.account;
      default:
        // "always"; and the senders, which are read once the body is parsed (preValidation).
        return true;
    }
  }
}

function forbid(reply: FastifyReply, detail: string, scope: string): void {
  reply.header("www-authenticate", `${REALM}, error="insufficient_scope"${scope}`);
  sendProblem(reply, httpProblem("FORBIDDEN", detail));
}

// The body is as the client sent it: anything at all, not yet checked against the schema.
function sendsTransfer(body: unknown, account: string): boolean {
  return typeof body === "object" && body !== null && (body as { sender?: unknown }).sender === account;
}

/** An item of a batch: a hold's post or void is the holder's when the hold is; any other item when it sends it. */
function sendsItem(item: unknown, account: string, holdSender: HoldSender): boolean {
  if (typeof item !== "object" || item === null) return false;
  const { type, hold_id } = item as { type?: unknown; hold_id?: unknown };
  if (type === "post" || type === "void") return holdSender(hold_id) === account;
  return sendsTransfer(item, account);
}

function sendsBatch(body: unknown, account: string, holdSender: HoldSender): boolean {
  if (body instanceof ScannedBatch) return body.sentOnlyBy(account);
  const items = typeof body === "object" && body !== null ? (body as { transfers?: unknown }).transfers : undefined;
  return Array.isArray(items) && items.every((item) => sendsItem(item, account, holdSender));
}
