// Holder tokens in durable mode: the registry is a scope of the bank's store, so a token issued or
// rotated is journaled with the change that made it (before its answer leaves, as every change)
// and comes back after a restart. Only digests are written: the journal never holds a token.

import type { Store } from "../../core/internal.js";
import type { HolderTokens } from "./holder-tokens.js";

/** The scope's name in the journal and in snapshots. */
export const HOLDER_TOKENS_SCOPE = "http.holder-tokens";

interface Entry {
  readonly account: string;
  readonly hash: string;
}

/** Makes `tokens` durable in `store`: puts back the saved tokens, then records every change. */
export function keepHolderTokens(tokens: HolderTokens, store: Store): void {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const encode = (account: string, hash: string): Uint8Array => encoder.encode(JSON.stringify({ account, hash }));
  store.addScope({
    name: HOLDER_TOKENS_SCOPE,
    *entries() {
      for (const [account, hash] of tokens.entries()) yield encode(account, hash);
    },
    restore(entry) {
      const { account, hash } = JSON.parse(decoder.decode(entry)) as Entry;
      tokens.replay(account, hash);
    },
    attach(record) {
      tokens.onChange = (change) => record(encode(change.account, change.hash));
    },
  });
}
