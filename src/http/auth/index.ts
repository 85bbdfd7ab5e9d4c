// Access control at the edge of the HTTP layer, off unless configured. With API keys, every route
// but the public ones needs a credential, checked before any handler runs; with a rate limit,
// every such route is limited. The table is read once per route, as it is added: the route gets
// its hooks and its OpenAPI schema says what it needs. With neither, nothing here is registered.

import type { FastifyInstance, FastifyRequest, RouteOptions } from "fastify";
import { BEARER_SCHEME } from "../openapi.js";
import { problemResponses } from "../schemas/common.js";
import { forbidsSome, ruleOf, type Rule } from "./access-table.js";
import { Credentials } from "./credentials.js";
import { FailureLimit, type FailureLimitOptions } from "./failures.js";
import { guardHooks, type HoldSender } from "./guard.js";
import { HolderTokens } from "./holder-tokens.js";
import type { ApiKey } from "./keys-file.js";
import { RateLimiter, type RateLimit } from "./rate-limit.js";

export type { HoldSender } from "./guard.js";
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

type Hook = NonNullable<RouteOptions["onRequest"]>;

function hooksOf(hook: Hook | undefined): Hook[] {
  if (hook === undefined) return [];
  return (Array.isArray(hook) ? hook : [hook]) as Hook[];
}

/** The edge of one app: access control when a key is configured, the rate limit when one is. */
export class Edge {
  /** The holder tokens, when access control is on. */
  readonly tokens: HolderTokens | undefined;
  private readonly guard: ReturnType<typeof guardHooks> | undefined;
  private readonly limiter: RateLimiter | undefined;

  /** `holdSender` tells whose a hold is, for a holder token's right to its steps. */
  constructor(access: AccessOptions | undefined, rateLimit: RateLimit | undefined, holdSender: HoldSender) {
    if (access !== undefined && access.keys.length > 0) {
      this.tokens = access.tokens ?? new HolderTokens();
      this.guard = guardHooks(new Credentials(access.keys, this.tokens), new FailureLimit(access.failures), holdSender);
    }
    if (rateLimit !== undefined) this.limiter = new RateLimiter(rateLimit);
  }

  /** Whether access control is on. */
  get secured(): boolean {
    return this.guard !== undefined;
  }

  /**
   * Registers the edge on `app`. Call it after the other `onRoute` hooks that add route hooks
   * (idempotency's) and before any route: each route's guard and limit come before its own hooks.
   */
  register(app: FastifyInstance): void {
    if (this.secured) app.decorateRequest("credential", null);
    if (this.limiter !== undefined) app.register(this.limiter.plugin);
    app.addHook("onRoute", (route) => this.tagRoute(route));
  }

  /**
   * Gives a route its rule from the table: its hooks, and in its schema who may call it and what
   * it may answer. Throws for a route that the table does not list.
   */
  private tagRoute(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rules = new Set(methods.map((method) => ruleOf(method, route.url)));
    if (rules.size > 1) throw new Error(`The methods of ${route.url} have different access rules; register them apart`);
    const rule = rules.values().next().value as Rule;
    // A copy: route schemas are module constants, shared by apps that may be configured otherwise.
    const schema = { ...route.schema } as { security?: unknown; response?: object };
    if (this.secured) schema.security = rule.public ? [] : [{ [BEARER_SCHEME]: [] }];
    route.schema = schema as RouteOptions["schema"];
    if (rule.public) return;
    // Any protected route may answer 429: the rate limit, or the failed-authentication limit; a
    // 403 only where some credential lacks the right.
    const refusals = !this.secured ? [] : forbidsSome(rule) ? [401, 403] : [401];
    schema.response = { ...schema.response, ...problemResponses(...refusals, 429) };
    const first: Hook[] = [];
    if (this.guard !== undefined) {
      first.push(this.guard.onRequest(rule) as Hook);
      if (rule.holder === "sender" || rule.holder === "senders") {
        route.preValidation = [this.guard.preValidation(rule), ...hooksOf(route.preValidation as Hook)] as RouteOptions["preValidation"];
      }
    }
    if (this.limiter !== undefined) first.push(this.limiter.hook as Hook);
    route.onRequest = [...first, ...hooksOf(route.onRequest)] as RouteOptions["onRequest"];
  }
}

/** The edge for an app's options, or undefined when neither access control nor a rate limit is on. */
export function edgeOf(options: { access?: AccessOptions; rateLimit?: RateLimit }, holdSender: HoldSender): Edge | undefined {
  const edge = new Edge(options.access, options.rateLimit, holdSender);
  return edge.secured || options.rateLimit !== undefined ? edge : undefined;
}

/** Idempotency keys of one credential are apart from every other's: the store's key is prefixed. */
export function idempotencyScopeOf(request: FastifyRequest): string {
  return request.credential?.id ?? "";
}
