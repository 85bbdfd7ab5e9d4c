// The authorisation table: what each route needs, in one place. A route is public, or needs an
// API key with a scope; an account-holder token may use it only where the table says which
// account the request acts on, and only when that is the token's account. A route missing from
// the table stops the app from starting, so no route can be left open by mistake.

import { DASHBOARD_PREFIX } from "../dashboard.js";
import { DOCS_PATH } from "../openapi.js";
import type { Scope } from "./scopes.js";

/**
 * Where a holder token may be used, by the account the request acts on:
 * - `never`: not at all (listing accounts, opening one, deposits, rotating tokens);
 * - `path`: the account named in the path (`/accounts/{name}/...`) is the token's;
 * - `sender`: the body's `sender` is the token's account;
 * - `senders`: every item of the batch is the token's account's: a transfer or a new hold it
 *   sends, or the post or void of a hold it sends;
 * - `hold`: the hold of the path (`/holds/{id}...`) is one the token's account sends;
 * - `query`: the `account` of the query string is the token's, or none (the event stream of the
 *   token's account);
 * - `always`: any holder (the route acts on no account: it tells a credential who it is).
 */
export type HolderRule = "never" | "path" | "sender" | "senders" | "hold" | "query" | "always";

/** What a protected route needs: an API key with `scope` (null: any key), or a holder as `holder` says. */
export interface AccessRule {
  readonly public: false;
  readonly scope: Scope | null;
  readonly holder: HolderRule;
}

/** A route anyone may call. */
export interface PublicRule {
  readonly public: true;
}

export type Rule = AccessRule | PublicRule;

const PUBLIC: PublicRule = { public: true };

function needs(scope: Scope | null, holder: HolderRule): AccessRule {
  return { public: false, scope, holder };
}

/** Whether some credential may be refused the route (403): not where any key and any holder may call it. */
export function forbidsSome(rule: AccessRule): boolean {
  return rule.scope !== null || rule.holder !== "always";
}

/** Every route of the API by "METHOD /path" (Fastify's `:name` for parameters). */
export const ACCESS_TABLE: Readonly<Record<string, Rule>> = {
  // The page and the dashboard's files (src/http/dashboard.ts) hold no data: what they show comes
  // from the routes below, with the credential the person signs in with.
  "GET /": PUBLIC,
  [`GET ${DASHBOARD_PREFIX}*`]: PUBLIC,
  "GET /health": PUBLIC,
  "GET /openapi.json": PUBLIC,
  "GET /problems/:slug": PUBLIC,
  "GET /credential": needs(null, "always"),
  "GET /summary": needs("accounts:read", "never"),
  "GET /events": needs("accounts:read", "query"),
  "GET /accounts": needs("accounts:read", "never"),
  "POST /accounts": needs("accounts:write", "never"),
  "GET /accounts/:name": needs("accounts:read", "path"),
  "GET /accounts/:name/history": needs("accounts:read", "path"),
  "GET /accounts/:name/balance": needs("accounts:read", "path"),
  "GET /accounts/:name/statement": needs("accounts:read", "path"),
  "POST /accounts/:name/deposits": needs("money:move", "never"),
  "POST /accounts/:name/withdrawals": needs("money:move", "path"),
  "POST /accounts/:name/token": needs("admin", "never"),
  "POST /transfers": needs("money:move", "sender"),
  "POST /transfers/batch": needs("money:move", "senders"),
  "POST /holds": needs("money:move", "sender"),
  "GET /holds/:id": needs("accounts:read", "hold"),
  "POST /holds/:id/post": needs("money:move", "hold"),
  "POST /holds/:id/void": needs("money:move", "hold"),
};

/**
 * The rule of a route as Fastify registers it. The docs (the Swagger UI and its assets) and CORS
 * preflights are public; HEAD follows GET; `/accounts/` is `/accounts`. Throws for a route that
 * the table does not list.
 */
export function ruleOf(method: string, url: string): Rule {
  if (method === "OPTIONS" || url === DOCS_PATH || url.startsWith(`${DOCS_PATH}/`)) return PUBLIC;
  const path = url.length > 1 && url.endsWith("/") ? url.slice(0, -1) : url;
  const rule = ACCESS_TABLE[`${method === "HEAD" ? "GET" : method} ${path}`];
  if (rule === undefined) {
    throw new Error(`No access rule for ${method} ${url}: add one to src/http/auth/access-table.ts`);
  }
  return rule;
}
