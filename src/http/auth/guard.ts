// The one decision: may this request run? Before the body is read, the credential is found (401
// if none), an address that failed too often is turned away (429), and the route's rule is
// checked (403) wherever it can be without the body. A holder token's right to a transfer or a
// batch depends on the body's senders, so that last check runs once the body is parsed, before
// it is validated: a holder learns nothing from the answer about accounts that are not its own.

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
  "An account token may only read its own account and its history, and move money out of it: " +
  "withdrawals, transfers it sends, and batches whose every transfer it sends";

type Hook = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * The hooks that decide, made for each protected route with its rule, so that no request looks
 * its rule up; `failures` counts failed authentications by address.
 */
export function guardHooks(credentials: Credentials, failures: FailureLimit) {
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
          if (grants(credential.scopes, rule.scope)) return done();
          const detail = `The API key '${credential.name}' lacks the scope '${rule.scope}' that this route needs`;
          return forbid(reply, detail, `, scope="${rule.scope}"`);
        }
        const owns = rule.holder === "path" ? ownsPath(request, credential) : rule.holder === "query" ? ownsQuery(request, credential) : true;
        if (rule.holder === "never" || !owns) {
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
        if (credential?.kind === "holder" && !sends(request.body, credential.account)) return forbid(reply, HOLDER_DETAIL, "");
        done();
      };
    },
  };
}

function forbid(reply: FastifyReply, detail: string, scope: string): void {
  reply.header("www-authenticate", `${REALM}, error="insufficient_scope"${scope}`);
  sendProblem(reply, httpProblem("FORBIDDEN", detail));
}

function ownsPath(request: FastifyRequest, credential: HolderCredential): boolean {
  return (request.params as { name?: unknown }).name === credential.account;
}

function ownsQuery(request: FastifyRequest, credential: HolderCredential): boolean {
  return (request.query as { account?: unknown }).account === credential.account;
}

// The body is as the client sent it: anything at all, not yet checked against the schema.
function sendsTransfer(body: unknown, account: string): boolean {
  return typeof body === "object" && body !== null && (body as { sender?: unknown }).sender === account;
}

function sendsBatch(body: unknown, account: string): boolean {
  if (body instanceof ScannedBatch) return body.sentOnlyBy(account);
  const transfers = typeof body === "object" && body !== null ? (body as { transfers?: unknown }).transfers : undefined;
  return Array.isArray(transfers) && transfers.every((transfer) => sendsTransfer(transfer, account));
}
