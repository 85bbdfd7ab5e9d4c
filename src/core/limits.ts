// Every bound the bank enforces, in one place. The HTTP schemas repeat these as `maximum`s and the
// tests try each at its edge. A leaf: it imports nothing.

/**
 * The largest amount, and the largest balance, the bank holds: 1,000,000,000,000.00 in minor units.
 * It keeps every sum of two amounts far inside `Number.MAX_SAFE_INTEGER`, so integer arithmetic on
 * `number` stays exact everywhere in the core.
 */
export const AMOUNT_MINOR_MAX = 100_000_000_000_000;

/** Longest account name, in Unicode code points. */
export const NAME_LENGTH_MAX = 64;

/** Largest page of history or accounts one call returns, and the size when none is asked. */
export const PAGE_SIZE_MAX = 1000;
export const PAGE_SIZE_DEFAULT = 100;

/** Most transfers in one batch (TigerBeetle's batch size). */
export const BATCH_SIZE_MAX = 8190;

/** Idempotency keys: 1 to 255 visible ASCII characters, kept 24 hours, at most this many at once. */
export const IDEMPOTENCY_KEY_LENGTH_MAX = 255;
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEYS_MAX = 100_000;
