// Who a request is: the bearer secret it presents, found by its digest among the API keys and the
// account-holder tokens, or the reason it is no one (none presented, not a bearer, unknown).

import type { ApiKey } from "./keys-file.js";
import type { HolderTokens } from "./holder-tokens.js";
import type { Scope } from "./scopes.js";
import { digestOf, readAuthorization } from "./secrets.js";

/** An API key's holder: what its scopes grant. */
export interface KeyCredential {
  readonly kind: "key";
  /** Unique among credentials: scopes idempotency keys and keys the rate limit. */
  readonly id: string;
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
}

/** An account's holder: that account only. */
export interface HolderCredential {
  readonly kind: "holder";
  readonly id: string;
  readonly account: string;
}

export type Credential = KeyCredential | HolderCredential;

/** Why a request has no credential; each is a 401. */
export type AuthenticationFailure = "none" | "not-bearer" | "malformed" | "unknown";

/** Finds the credential behind an `Authorization` header, by the digest of its secret. */
export class Credentials {
  private readonly keys = new Map<string, KeyCredential>();

  constructor(keys: readonly ApiKey[], private readonly tokens: HolderTokens) {
    for (const { name, digest, scopes } of keys) {
      this.keys.set(digest, { kind: "key", id: `key:${name}`, name, scopes: new Set(scopes) });
    }
  }

  /** The credential a header presents, or why there is none. */
  authenticate(header: string | undefined): Credential | AuthenticationFailure {
    const presented = readAuthorization(header);
    if (presented.kind !== "bearer") return presented.kind;
    const digest = digestOf(presented.secret);
    const key = this.keys.get(digest);
    if (key !== undefined) return key;
    const account = this.tokens.accountByDigestOf(digest);
    if (account !== undefined) return { kind: "holder", id: `holder:${account}`, account };
    return "unknown";
  }
}
