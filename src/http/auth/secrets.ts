// Secrets: how they are made, read from a request and found. A secret is never kept: only its
// SHA-256 digest is. A presented secret is hashed and its digest looked up in a Map, so no secret
// is ever compared with another: how long a lookup takes depends on the digest alone, and which
// stored digests begin like the presented one tells nothing about any secret behind them (a
// preimage of SHA-256 cannot be found). This is why there is no timingSafeEqual here: there is
// no comparison for it to make.

import { createHash, randomBytes } from "node:crypto";

/** What every account-holder token starts with, so that a leaked one is recognisable. */
export const HOLDER_TOKEN_PREFIX = "bst_";

/** Random bytes in a holder token: 256 bits, written as 43 base64url characters. */
export const HOLDER_TOKEN_BYTES = 32;

/**
 * Longest bearer secret read from a request, in characters. An API key is at most
 * API_KEY_LENGTH_MAX characters and a holder token 47; anything longer is refused unread.
 */
export const BEARER_SECRET_LENGTH_MAX = 512;

/** Shortest and longest API key that may be configured, in characters. */
export const API_KEY_LENGTH_MIN = 16;
export const API_KEY_LENGTH_MAX = BEARER_SECRET_LENGTH_MAX;

// RFC 6750's b64token: what a bearer credential may be made of.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The SHA-256 digest of a secret, as 64 lowercase hexadecimal digits: how every secret is kept. */
export function digestOf(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** Whether `text` is a SHA-256 digest as this server writes them (64 hexadecimal digits). */
export function isDigest(text: unknown): text is string {
  return typeof text === "string" && /^[0-9a-f]{64}$/.test(text);
}

/** Whether `secret` may be sent as a bearer credential (RFC 6750's b64token). */
export function isBearerSecret(secret: string): boolean {
  return secret.length <= BEARER_SECRET_LENGTH_MAX && B64TOKEN.test(secret);
}

/** A new account-holder token: the prefix and 256 random bits from the system's CSPRNG. */
export function newHolderToken(): string {
  return HOLDER_TOKEN_PREFIX + randomBytes(HOLDER_TOKEN_BYTES).toString("base64url");
}

/** What an `Authorization` header holds, as far as bearer authentication is concerned. */
export type Presented =
  | { readonly kind: "none" }
  | { readonly kind: "not-bearer" }
  | { readonly kind: "malformed" }
  | { readonly kind: "bearer"; readonly secret: string };

const NONE: Presented = { kind: "none" };
const NOT_BEARER: Presented = { kind: "not-bearer" };
const MALFORMED: Presented = { kind: "malformed" };

/**
 * Reads an `Authorization` header: `Bearer <secret>` (the scheme in any case, RFC 9110), or none,
 * or another scheme (`Basic ...`, a bare `Bearer`), or a bearer secret that is not a b64token.
 */
export function readAuthorization(header: string | undefined): Presented {
  if (header === undefined || header === "") return NONE;
  const space = header.indexOf(" ");
  if (space === -1 || header.slice(0, space).toLowerCase() !== "bearer") return NOT_BEARER;
  const secret = header.slice(space + 1).trim();
  if (secret === "") return NOT_BEARER;
  return isBearerSecret(secret) ? { kind: "bearer", secret } : MALFORMED;
}
