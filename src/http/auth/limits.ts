// Bounds of access control (beside src/http/limits.ts, the HTTP layer's others).

/**
 * Failed authentications an address may make per window before it is refused with a 429 until
 * the window ends, whatever it presents: 20 a minute lets a person mistype a key, not a program
 * guess one (a holder token has 256 random bits; an API key at least 16 characters).
 */
export const AUTH_FAILURES_MAX = 20;

/** The window of AUTH_FAILURES_MAX: one minute from an address's first failure. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;

/**
 * Most addresses whose failures are counted at once; past it the oldest is forgotten first, so a
 * flood from many addresses costs bounded memory (about 100 bytes an address).
 */
export const AUTH_FAILURE_ADDRESSES_MAX = 100_000;

/** Highest rate `--rate-limit` takes: requests per window. */
export const RATE_LIMIT_MAX = 1_000_000_000;
