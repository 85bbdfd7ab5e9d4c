// Idempotency keys: remember the outcome of the first request made with a key, so that a retry
// gets the same outcome and has no second effect. Used by the bank for its own operations and by
// the HTTP layer for whole responses; it knows nothing of either.

import { InvalidArgumentError } from "./errors.js";
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

/** What a key lookup found. */
export type IdempotencyLookup<T> =
  | { readonly kind: "new" }
  | { readonly kind: "pending" }
  | { readonly kind: "replay"; readonly outcome: T }
  | { readonly kind: "mismatch" };

interface Entry<T> {
  readonly fingerprint: string;
  readonly expiresAtMs: number;
  outcome: T | undefined;
  done: boolean;
}

export interface IdempotencyStoreOptions {
  clock?: () => number;
  ttlMs?: number;
  keysMax?: number;
}

/**
 * Outcomes by key, each with the fingerprint of the request that produced it. Keys expire after
 * `ttlMs`, and when more than `keysMax` are held the oldest go first.
 */
export class IdempotencyStore<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly clock: () => number;
  private readonly ttlMs: number;
  private readonly keysMax: number;

  constructor(options: IdempotencyStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.ttlMs = options.ttlMs ?? IDEMPOTENCY_KEY_TTL_MS;
    this.keysMax = options.keysMax ?? IDEMPOTENCY_KEYS_MAX;
  }

  /** Number of keys held (pending and done). */
  get size(): number {
    return this.entries.size;
  }

  /** Looks a key up; a `new` answer also reserves the key as pending for this fingerprint. */
  begin(key: string, fingerprint: string): IdempotencyLookup<T> {
    this.expire();
    const entry = this.entries.get(key);
    if (entry === undefined) {
      this.entries.set(key, {
        fingerprint,
        expiresAtMs: this.clock() + this.ttlMs,
        outcome: undefined,
        done: false,
      });
      this.evictOverflow();
      return { kind: "new" };
    }
    if (entry.fingerprint !== fingerprint) return { kind: "mismatch" };
    if (!entry.done) return { kind: "pending" };
    return { kind: "replay", outcome: entry.outcome as T };
  }

  /** Records the outcome of the request that reserved the key. */
  complete(key: string, outcome: T): void {
    const entry = this.entries.get(key);
    // The key may have been evicted while pending; the outcome is then simply not kept.
    if (entry === undefined || entry.done) return;
    entry.outcome = outcome;
    entry.done = true;
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
      this.entries.delete(key);
    }
  }

  private evictOverflow(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.keysMax) return;
      this.entries.delete(key);
    }
  }
}
