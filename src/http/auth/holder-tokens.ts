// Account-holder tokens: one secret per account, kept as its SHA-256 digest only. The registry is
// the one place tokens live, so that durable mode can snapshot it (`entries`), load it back
// (`restore`) and journal each change (`onChange`) in the same step as the change itself.

import { digestOf, isDigest, newHolderToken } from "./secrets.js";

/** A token given or replaced: what a journal records (the digest, never the token). */
export interface HolderTokenChange {
  readonly kind: "issued" | "rotated";
  readonly account: string;
  /** The SHA-256 digest of the new token, 64 lowercase hexadecimal digits. */
  readonly hash: string;
}

/** Listens to every token issued or rotated, synchronously, before the token is answered. */
export type HolderTokenListener = (change: HolderTokenChange) => void;

/**
 * The holder tokens of one bank: account name to the digest of its token, and back.
 *
 * @example
 * const tokens = new HolderTokens();
 * const token = tokens.issue("alice");   // "bst_...", answered once, never kept
 * tokens.accountOf(token);               // "alice"
 * tokens.rotate("alice");                // a new token; the old one is unknown from now on
 */
export class HolderTokens {
  /** Called for every token issued or rotated; durable mode journals the change here. */
  onChange: HolderTokenListener | undefined;
  private readonly digestByAccount = new Map<string, string>();
  private readonly accountByDigest = new Map<string, string>();

  constructor(options: { onChange?: HolderTokenListener } = {}) {
    this.onChange = options.onChange;
  }

  /** How many accounts have a token. */
  get size(): number {
    return this.digestByAccount.size;
  }

  /** Gives a new account its token; returns the token, which is not kept. */
  issue(account: string): string {
    return this.replace(account, "issued");
  }

  /** Replaces an account's token (or gives it one); the previous token stops working at once. */
  rotate(account: string): string {
    return this.replace(account, "rotated");
  }

  /** The account whose token `token` is, or undefined for any other secret. */
  accountOf(token: string): string | undefined {
    return this.accountByDigestOf(digestOf(token));
  }

  /** The account whose token has this digest (64 lowercase hexadecimal digits), or undefined. */
  accountByDigestOf(digest: string): string | undefined {
    return this.accountByDigest.get(digest);
  }

  /** Every account with a token and the digest of that token, for a snapshot. */
  entries(): [account: string, hash: string][] {
    return [...this.digestByAccount];
  }

  /** Replaces every token with those of a snapshot; `onChange` is not called. */
  restore(entries: Iterable<readonly [account: string, hash: string]>): void {
    const restored = new Map<string, string>();
    const digests = new Set<string>();
    for (const [account, hash] of entries) {
      if (!isDigest(hash)) throw new Error(`The token digest of account '${account}' is not 64 lowercase hexadecimal digits`);
      if (digests.has(hash)) throw new Error(`The token digest of account '${account}' is another account's too`);
      digests.add(hash);
      restored.set(account, hash);
    }
    this.digestByAccount.clear();
    this.accountByDigest.clear();
    for (const [account, hash] of restored) this.set(account, hash);
  }

  /**
   * Puts back one change recorded before a restart (a token issued or rotated), on top of those
   * put back before it; `onChange` is not called.
   */
  replay(account: string, hash: string): void {
    if (!isDigest(hash)) throw new Error(`The token digest of account '${account}' is not 64 lowercase hexadecimal digits`);
    const owner = this.accountByDigest.get(hash);
    if (owner !== undefined && owner !== account) throw new Error(`The token digest of account '${account}' is another account's too`);
    const previous = this.digestByAccount.get(account);
    if (previous !== undefined) this.accountByDigest.delete(previous);
    this.set(account, hash);
  }

  private replace(account: string, kind: HolderTokenChange["kind"]): string {
    const token = newHolderToken();
    const hash = digestOf(token);
    const previous = this.digestByAccount.get(account);
    if (previous !== undefined) this.accountByDigest.delete(previous);
    this.set(account, hash);
    this.onChange?.({ kind, account, hash });
    return token;
  }

  private set(account: string, hash: string): void {
    this.digestByAccount.set(account, hash);
    this.accountByDigest.set(hash, account);
  }
}
