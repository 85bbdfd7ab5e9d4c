// Idempotency keys over HTTP: the first POST with an `Idempotency-Key` runs and its response is
// kept; a retry with the same key, route and body gets that response again, byte for byte, and has
// no second effect. Only POST routes carry the hooks, so reads pay nothing for it. With access
// control on, keys are scoped to the credential that sent them: the same key from two clients is
// two keys. A field a route marks as secret (a holder token) is never kept, nor replayed.

import { createHash } from "node:crypto";
import type {
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onSendHookHandler,
  RouteOptions,
} from "fastify";
import { Type } from "typebox";
import { IDEMPOTENCY_KEY_LENGTH_MAX, IdempotencyKeyReusedError } from "../core/index.js";
import {
  IdempotencyStore,
  idempotencyScope,
  validateIdempotencyKey,
  type IdempotencyStoreOptions,
  type Store,
} from "../core/internal.js";
import { httpProblem, sendProblem } from "./errors.js";
import { IDEMPOTENCY_RESPONSE_BYTES_MAX } from "./limits.js";
import { problemResponses } from "./schemas/common.js";

/** The request header that carries the key, and the response header that marks a replay. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "idempotency-replayed";

/** The name of the kept responses in a durable bank's journal. */
const DURABLE_SCOPE = "http.idempotency";

/** A response as kept for replay: what the first request was answered, exactly. */
interface StoredResponse {
  readonly statusCode: number;
  readonly contentType: string;
  /** The `Location` of a 201, so that a replayed creation still points at what it created. */
  readonly location: string | undefined;
  readonly body: string;
}

// What a kept response costs beyond its body: the entry, the key, the fingerprint (measured in
// docs/BENCHMARKS.md); used to weigh responses against IDEMPOTENCY_RESPONSE_BYTES_MAX.
const STORED_RESPONSE_OVERHEAD_BYTES = 512;

/** Bounds of the key store; the defaults are the named limits (tests shorten them). */
export type IdempotencyOptions = Pick<IdempotencyStoreOptions<StoredResponse>, "clock" | "ttlMs" | "keysMax" | "bytesMax">;

/**
 * A request's key, and whether this request holds the key's reservation: it is the one that runs
 * (the owner) and has not been answered yet.
 */
interface KeyState {
  /** The key as the client sent it, for messages. */
  readonly key: string;
  /** The key in the store: the client's, within its credential's scope. */
  readonly storeKey: string;
  owner: boolean;
}

/** The scope of a request's keys: "" (one scope) unless access control tells credentials apart. */
export type IdempotencyScope = (request: FastifyRequest) => string;

declare module "fastify" {
  interface FastifyContextConfig {
    /** Top-level fields of a 2xx body that are secrets: left out of the response kept for replay. */
    secretFields?: readonly string[];
  }
}

const states = new WeakMap<FastifyRequest, KeyState>();

const KeyHeaders = Type.Object({
  [IDEMPOTENCY_KEY_HEADER]: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: IDEMPOTENCY_KEY_LENGTH_MAX,
      pattern: "^[\\x21-\\x7e]+$",
      description:
        `Makes the request safe to retry: 1 to ${IDEMPOTENCY_KEY_LENGTH_MAX} visible ASCII characters, ` +
        "kept 24 hours. A retry with the same key, route and body gets the first response again",
    }),
  ),
});

/**
 * Returns an `onRoute` hook that gives every POST route the idempotency hooks, the header in its
 * schema and the 409 and 422 answers in its documented responses.
 */
export function idempotentPosts(
  options: IdempotencyOptions = {},
  scopeOf?: IdempotencyScope,
  durable: Store | null = null,
): (route: RouteOptions) => void {
  const store = new IdempotencyStore<StoredResponse>({
    bytesMax: IDEMPOTENCY_RESPONSE_BYTES_MAX,
    ...options,
    sizeOf: (response) => Buffer.byteLength(response.body) + STORED_RESPONSE_OVERHEAD_BYTES,
  });
  // With a durable bank, the kept responses are kept on disk too: a retry after a crash is a replay.
  durable?.addScope(idempotencyScope(DURABLE_SCOPE, store, { encode: (response) => response, decode: (json) => json as StoredResponse }));
  const hooks = keyHooks(store, scopeOf);
  return (route) => {
    if (route.method !== "POST") return;
    route.onRequest = [hooks.onRequest, ...asArray(route.onRequest)];
    route.preValidation = [hooks.preValidation, ...asArray(route.preValidation)];
    route.onSend = [hooks.onSend, ...asArray(route.onSend)];
    route.onRequestAbort = [hooks.onAbort, ...asArray(route.onRequestAbort)];
    route.onResponse = [hooks.onEnd, ...asArray(route.onResponse)];
    const schema = (route.schema ??= {});
    schema.headers = KeyHeaders;
    schema.response = { ...problemResponses(409, 422), ...(schema.response as object) };
  };
}

function asArray<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

function keyHooks(store: IdempotencyStore<StoredResponse>, scopeOf: IdempotencyScope | undefined) {
  return {
    /** Reserves the key before the body arrives, so that a concurrent retry gets a 409. */
    onRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const header = request.headers[IDEMPOTENCY_KEY_HEADER];
      if (header === undefined) return done();
      let key: string;
      try {
        key = validateIdempotencyKey(header);
      } catch (error) {
        return done(error as Error);
      }
      // A newline is in no key and no scope, so no two scopes' keys can meet.
      const storeKey = scopeOf === undefined ? key : `${scopeOf(request)}\n${key}`;
      const lookup = store.begin(storeKey);
      if (lookup.kind === "pending") {
        sendProblem(reply, httpProblem("IDEMPOTENCY_KEY_IN_PROGRESS", inProgressDetail(key)));
        return;
      }
      states.set(request, { key, storeKey, owner: lookup.kind === "new" });
      done();
    },

    /** With the body parsed: the owner records its fingerprint; a retry is replayed or refused. */
    preValidation(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
      const state = states.get(request);
      if (state === undefined) return done();
      const fingerprint = fingerprintOf(request);
      if (state.owner) {
        store.settle(state.storeKey, fingerprint);
        return done();
      }
      const lookup = store.begin(state.storeKey, fingerprint);
      switch (lookup.kind) {
        case "replay":
          replay(reply, lookup.outcome);
          return;
        case "mismatch":
          return done(new IdempotencyKeyReusedError(state.key));
        case "pending":
          sendProblem(reply, httpProblem("IDEMPOTENCY_KEY_IN_PROGRESS", inProgressDetail(state.key)));
          return;
        default:
          // The first response expired between the two lookups: this request runs after all.
          state.owner = true;
          return done();
      }
    },

    /** Keeps the owner's response, refusals included; a 5xx is not kept, so a retry runs again. */
    onSend: ((request, reply, payload, done) => {
      const state = states.get(request);
      if (state?.owner === true) {
        if (reply.statusCode < 500 && typeof payload === "string") {
          const contentType = String(reply.getHeader("content-type"));
          const location = reply.getHeader("location");
          const secrets = request.routeOptions.config.secretFields;
          store.complete(state.storeKey, {
            statusCode: reply.statusCode,
            contentType,
            location: typeof location === "string" ? location : undefined,
            body: secrets === undefined || reply.statusCode >= 300 ? payload : withoutFields(payload, secrets),
          });
        } else {
          store.abandon(state.storeKey);
        }
        // From here on the key is not this request's: a retry may reserve it before this response
        // has finished, and this request's end must not release that retry's reservation.
        state.owner = false;
      }
      done(null, payload);
    }) as onSendHookHandler,

    /** Releases a key whose request ended without passing through onSend (a hijacked reply). */
    onEnd(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void {
      release(store, request);
      done();
    },

    /** The client went away before an answer: the key is free for its retry. */
    onAbort(request: FastifyRequest, done: HookHandlerDoneFunction): void {
      release(store, request);
      done();
    },
  };
}

function release(store: IdempotencyStore<StoredResponse>, request: FastifyRequest): void {
  const state = states.get(request);
  if (state?.owner === true) store.abandon(state.storeKey);
}

/** A JSON object's text without some of its top-level fields, the others as they were. */
function withoutFields(payload: string, fields: readonly string[]): string {
  const body = JSON.parse(payload) as Record<string, unknown>;
  for (const field of fields) delete body[field];
  return JSON.stringify(body);
}

function replay(reply: FastifyReply, response: StoredResponse): void {
  reply.code(response.statusCode).header("content-type", response.contentType).header(REPLAYED_HEADER, "true");
  if (response.location !== undefined) reply.header("location", response.location);
  reply.send(response.body);
}

function inProgressDetail(key: string): string {
  return `A request with idempotency key '${key}' is still in progress; retry once it has been answered`;
}

/**
 * Same route and body as the route will run it, whatever the whitespace, the order of keys, or the
 * defaults a client left out: a digest of the method, URL and body with the schema's defaults
 * applied. The route's own validator applies them (it runs again, in full, after this hook); a body
 * the batch route's fast reader took is digested as the ordinary path would give it.
 */
function fingerprintOf(request: FastifyRequest): string {
  const body: unknown = request.body ?? null;
  if (typeof body === "object" && body !== null) request.getValidationFunction("body")?.(body);
  const text = JSON.stringify(body, keysInOrder);
  return createHash("sha256").update(`${request.method} ${request.url}\n`).update(text).digest("base64");
}

/** A JSON.stringify replacer that writes every object's keys sorted. */
function keysInOrder(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  // Without a prototype, so that a "__proto__" key from JSON.parse stays a key.
  const sorted: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
