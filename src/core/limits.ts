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

/** A caller's reference on a transaction (an invoice number, an order id): 1 to 64 visible ASCII characters. */
export const REFERENCE_LENGTH_MAX = 64;

/** How long a hold stays pending when no timeout is given (seven days, as card authorisations do), and at most. */
export const HOLD_TIMEOUT_SECONDS_DEFAULT = 7 * 24 * 60 * 60;
export const HOLD_TIMEOUT_SECONDS_MAX = 30 * 24 * 60 * 60;

/**
 * Most entries of an account's history one filtered page looks at. A filter that matches rarely
 * (a type seen once in a long history) gives a short page, or an empty one, with the cursor where
 * it stopped, so a page costs at most this much whatever the history's length.
 */
export const HISTORY_SCAN_MAX = 10_000;

/** Most transactions one statement lists; a longer period is refused, to be asked in parts. */
export const STATEMENT_TRANSACTIONS_MAX = 10_000;
