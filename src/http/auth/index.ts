// Access control at the edge of the HTTP layer, off unless configured. With API keys, every route
// but the public ones needs a credential, checked before any handler runs; with a rate limit,
// every such route is limited. Either way each route is tagged with its rule from the table and
// the OpenAPI document says what it needs. With neither, nothing here is registered at all.

import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { BEARER_SCHEME } from "../openapi.js";
import { problemResponses } from "../schemas/common.js";
import { ruleOf, type Rule } from "./access-table.js";
import { Credentials } from "./credentials.js";
import { FailureLimit, type FailureLimitOptions } from "./failures.js";
import { guardHooks } from "./guard.js";
import { HolderTokens } from "./holder-tokens.js";
import type { ApiKey } from "./keys-file.js";
import { rateLimit, type RateLimit } from "./rate-limit.js";

export { HolderTokens, type HolderTokenChange, type HolderTokenListener } from "./holder-tokens.js";
export { adminKey, combineKeys, parseApiKeys, readApiKeysFile, type ApiKey } from "./keys-file.js";
export { parseRateLimit, type RateLimit } from "./rate-limit.js";
export { SCOPES, type Scope } from "./scopes.js";

/** Access control's configuration: on when there is at least one key. */
export interface AccessOptions {
  readonly keys: readonly ApiKey[];
  /** The registry of holder tokens; a new, empty one unless given (durable mode passes its own). */
  readonly tokens?: HolderTokens;
  /** Bounds of the failed-authentication limit; the named limits unless a test shortens them. */
  readonly failures?: FailureLimitOptions;
}

/** What the edge does, as `buildApp` resolves it from the app's options. */
export interface EdgeOptions {
  /** The keys and the token registry when access control is on, else undefined. */
  readonly access: (AccessOptions & { readonly tokens: HolderTokens }) | undefined;
  readonly rateLimit: RateLimit | undefined;
}

/** Access control's options with a token registry, or undefined when no key turns it on. */
export function accessControlOf(options: AccessOptions | undefined): EdgeOptions["access"] {
  if (options === undefined || options.keys.length === 0) return undefined;
  return { ...options, tokens: options.tokens ?? new HolderTokens() };
}

/** Idempotency keys of one credential are apart from every other's: the store's key is prefixed. */
export function idempotencyScopeOf(request: FastifyRequest): string {
  return request.credential?.id ?? "";
}

/**
 * Registers the edge's hooks on `app`: the guard, then the rate limit, in that order (a refused
 * request is never counted against a credential, nor does it reserve anything). Register it
 * before the routes, and add `tagRoutes` as an `onRoute` hook of the app itself.
 */
export const edge = fastifyPlugin(async (app: FastifyInstance, options: EdgeOptions) => {
  const { access } = options;
  if (access !== undefined) {
    app.decorateRequest("credential", null);
    const hooks = guardHooks(new Credentials(access.keys, access.tokens), new FailureLimit(access.failures));
    app.addHook("onRequest", hooks.onRequest);
    app.addHook("preValidation", hooks.preValidation);
  }
  if (options.rateLimit !== undefined) await app.register(rateLimit, options.rateLimit);
}, { name: "bank-edge" });

/**
 * An `onRoute` hook that tags every route with its rule from the table and states in its schema
 * who may call it and what it may answer. Added to the app at once, before any route, so that no
 * route escapes it; it throws for a route that the table does not list.
 */
export function tagRoutes(options: EdgeOptions): (route: RouteOptions) => void {
  const secured = options.access !== undefined;
  return (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rules = new Set(methods.map((method) => ruleOf(method, route.url)));
    if (rules.size > 1) throw new Error(`The methods of ${route.url} have different access rules; register them apart`);
    const rule = rules.values().next().value as Rule;
    route.config = { ...route.config, access: rule };
    // A copy: route schemas are module constants, shared by apps that may be configured otherwise.
    const schema = { ...route.schema } as { security?: unknown; response?: object };
    if (secured) schema.security = rule.public ? [] : [{ [BEARER_SCHEME]: [] }];
    if (!rule.public) {
      // Any protected route may answer 429: the rate limit, or the failed-authentication limit.
      const statuses = [...(secured ? [401, 403] : []), 429];
      schema.response = { ...schema.response, ...problemResponses(...statuses) };
    }
    route.schema = schema as RouteOptions["schema"];
  };
}
