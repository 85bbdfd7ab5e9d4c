// Idempotency keys: remember the outcome of the first request made with a key, so that a retry
// gets the same outcome and has no second effect. Used by the bank for its own operations and by
// the HTTP layer for whole responses; it knows nothing of either.

import { InvalidArgumentError } from "./errors.js";
import type { DurableScope } from "./store.js";
import {
  IDEMPOTENCY_KEY_LENGTH_MAX,
  IDEMPOTENCY_KEY_TTL_MS,
  IDEMPOTENCY_KEYS_MAX,
} from "./limits.js";

// Visible ASCII (RFC 5234 VCHAR): no spaces, no control characters.
const KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_LENGTH_MAX}}$`);

/** Checks a key: 1 to IDEMPOTENCY_KEY_LENGTH_MAX visible ASCII characters. */
export function validateIdempotencyKey(key: unknown): string {
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
    throw new InvalidArgumentError(
      `Idempotency key must be 1 to ${IDEMPOTENCY_KEY_LENGTH_MAX} visible ASCII characters`,
    );
  }
  return key;
}

/** What a key lookup found. `done` answers a lookup made before the request's fingerprint was known. */
export type IdempotencyLookup<T> =
  | { readonly kind: "new" }
  | { readonly kind: "pending" }
  | { readonly kind: "done" }
  | { readonly kind: "replay"; readonly outcome: T }
  | { readonly kind: "mismatch" };

/** An outcome kept for a key: what durable mode records, snapshots and restores. */
export interface KeptOutcome<T> {
  readonly key: string;
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  readonly outcome: T;
}

interface Entry<T> {
  fingerprint: string | undefined;
  readonly expiresAtMs: number;
  outcome: T | undefined;
  done: boolean;
  bytes: number;
}

export interface IdempotencyStoreOptions<T> {
  clock?: () => number;
  ttlMs?: number;
  keysMax?: number;
  /** Bounds the memory held by outcomes: `sizeOf` weighs one, `bytesMax` bounds their sum. */
  sizeOf?: (outcome: T) => number;
  bytesMax?: number;
}

/**
 * Outcomes by key, each with the fingerprint of the request that produced it. Keys expire after
 * `ttlMs`; when more than `keysMax` keys, or more than `bytesMax` bytes of outcomes, are held, the
 * oldest go first.
 *
 * A key is first reserved (`begin` answers `new`, the key is then pending), then completed with
 * its outcome, or abandoned if the request ended without one. The fingerprint may be given at
 * `begin` or, when the request is reserved before its body has arrived, later with `settle`.
 */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly clock: () => number;
  private readonly ttlMs: number;
  private readonly keysMax: number;
  private readonly sizeOf: ((outcome: T) => number) | undefined;
  private readonly bytesMax: number;
  private bytes = 0;
  /** Told of each outcome as it is kept, after the store holds it (durable mode records it). */
  onKept: ((kept: KeptOutcome<T>) => void) | null = null;

  constructor(options: IdempotencyStoreOptions<T> = {}) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS;
    this.keysMax = options.keysMax ?? IDEMPOTENCY_KEYS_MAX;
    this.sizeOf = options.sizeOf;
    this.bytesMax = options.bytesMax ?? Number.POSITIVE_INFINITY;
    // A zero, negative or NaN bound would silently turn idempotency off: refuse it instead.
    if (!Number.isSafeInteger(this.keysMax) || this.keysMax < 1) {
      throw new InvalidArgumentError("Idempotency keys max must be a positive integer");
    }
    if (!Number.isFinite(this.ttlMs) || this.ttlMs <= 0) {
      throw new InvalidArgumentError("Idempotency key time to live must be a positive number of milliseconds");
    }
    if (!(this.bytesMax > 0)) {
      throw new InvalidArgumentError("Idempotency outcome bytes max must be positive");
    }
  }

  /** Number of keys held (pending and done). */
  get size(): number {
    return this.entries.size;
  }

  /** Bytes of outcomes held, as weighed by `sizeOf` (0 without it). */
  get outcomeBytes(): number {
    return this.bytes;
  }

  /**
   * Looks a key up. An unknown key is reserved as pending (answer `new`). A pending key answers
   * `pending` whatever the fingerprint. A completed key answers `replay` or `mismatch` by
   * fingerprint, or `done` when no fingerprint is given.
   */
  begin(key: string, fingerprint?: string): IdempotencyLookup<T> {
    this.expire();
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.entries.set(key, {
        fingerprint,
        expiresAtMs: this.clock() + this.ttlMs,
        outcome: undefined,
        done: false,
        bytes: 0,
      });
      this.evictOverflow();
      return { kind: "new" };
    }
    if (!entry.done) return { kind: "pending" };
    if (fingerprint === undefined) return { kind: "done" };
    if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
    return { kind: "replay", outcome: entry.outcome as T };
  }

  /** Gives a pending key reserved without a fingerprint the fingerprint of its request. */
  settle(key: string, fingerprint: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && !entry.done) entry.fingerprint = fingerprint;
  }

  /**
   * Records the outcome of the request that reserved the key. A key whose fingerprint was never
   * settled cannot be matched by a retry, so it is released instead of kept.
   */
  complete(key: string, outcome: T): void {
    const entry = this.entries.get(key);
    // The key may have been evicted while pending; the outcome is then simply not kept.
    if (entry === undefined || entry.done) return;
    if (entry.fingerprint === undefined) {
      this.entries.delete(key);
      return;
    }
    entry.outcome = outcome;
    entry.done = true;
    entry.bytes = this.sizeOf?.(outcome) ?? 0;
    this.bytes += entry.bytes;
    this.onKept?.({ key, fingerprint: entry.fingerprint, expiresAtMs: entry.expiresAtMs, outcome });
    this.evictOverflow();
  }

  /** The outcomes kept now, oldest first (pending keys are not outcomes). */
  *kept(): IterableIterator<KeptOutcome<T>> {
    for (const [key, entry] of this.entries) {
      if (entry.done) {
        yield { key, fingerprint: entry.fingerprint as string, expiresAtMs: entry.expiresAtMs, outcome: entry.outcome as T };
      }
    }
  }

  /**
   * Puts back an outcome kept before a restart, as the newest key, unless it has expired since. A
   * restored key replaces one of the same name (a later record of it wins).
   */
  restore(kept: KeptOutcome<T>): void {
    if (kept.expiresAtMs <= this.clock()) return;
    const existing = this.entries.get(kept.key);
    if (existing !== undefined) this.remove(kept.key, existing);
    const bytes = this.sizeOf?.(kept.outcome) ?? 0;
    this.entries.set(kept.key, { ...kept, done: true, bytes });
    this.bytes += bytes;
    this.evictOverflow();
  }

  /** Releases a pending key whose request ended without an outcome, so it can be tried again. */
  abandon(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined && !entry.done) this.entries.delete(key);
  }

  // Every key lives the same ttlMs, so insertion order is expiry order: expired keys are in front.
  private expire(): void {
    const nowMs = this.clock();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAtMs > nowMs) return;
      this.remove(key, entry);
    }
  }

  private evictOverflow(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.keysMax && this.bytes <= this.bytesMax) return;
      this.remove(key, entry);
    }
  }

  private remove(key: string, entry: Entry<T>): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}

/**
 * A compact identity for a request made of `parts`: each part with its type (so 25.5 and "25.5"
 * differ), and, past a few hundred characters, two independent 53-bit hashes in place of the text,
 * so that a key remembered for a large batch costs bytes, not kilobytes.
 */
export function fingerprintOf(parts: readonly unknown[]): string {
  const text = parts.map((part) => `${typeof part}:${String(part)}`).join("\u0000");
  if (text.length <= FINGERPRINT_TEXT_MAX) return text;
  return `#${text.length}:${hash53(text, 0x9e3779b9).toString(36)}:${hash53(text, 0x85ebca6b).toString(36)}`;
}

const FINGERPRINT_TEXT_MAX = 512;

// cyrb53: a fast, well-mixed 53-bit string hash (public domain). Not cryptographic: the caller of
// the library owns both requests, so only accidental collisions matter, and two seeds make those
// about 2^-106 likely.
function hash53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 2654435761);
    h2 = Math.imul(h2 ^ unit, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** How a store's outcomes become JSON and back, for durable mode. */
export interface OutcomeCodec<T> {
  encode(outcome: T): unknown;
  decode(json: unknown): T;
}

/**
 * An idempotency store as a durable scope: each kept outcome is recorded as one JSON entry (key,
 * fingerprint, expiry and the encoded outcome), and restored the same way after a restart.
 */
export function idempotencyScope<T>(name: string, store: IdempotencyStore<T>, codec: OutcomeCodec<T>): DurableScope {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const encode = (kept: KeptOutcome<T>): Uint8Array =>
    encoder.encode(JSON.stringify({ ...kept, outcome: codec.encode(kept.outcome) }));
  return {
    name,
    *entries() {
      for (const kept of store.kept()) yield encode(kept);
    },
    restore(entry) {
      const kept = JSON.parse(decoder.decode(entry)) as KeptOutcome<unknown>;
      store.restore({ ...kept, outcome: codec.decode(kept.outcome) });
    },
    attach(record) {
      store.onKept = (kept) => record(encode(kept));
    },
  };
}
