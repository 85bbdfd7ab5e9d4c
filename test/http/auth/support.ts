// A bank served with access control on, and one secret of every kind a table test needs: the
// admin key, keys holding one scope each, the holders' tokens of alice and bob, and a token of
// alice's that a rotation revoked.

import { adminKey, HolderTokens, parseApiKeys, type AccessOptions } from "../../../src/http/auth/index.js";
import type { AppOptions } from "../../../src/http/app.js";
import { appWith } from "../helpers.js";

/** Secrets, 16 characters or more as keys must be. */
export const ADMIN_SECRET = "admin-secret-0123456789";
export const READER_SECRET = "reader-secret-0123456789";
export const WRITER_SECRET = "writer-secret-0123456789";
export const MOVER_SECRET = "mover-secret-0123456789";

const KEYS_FILE = JSON.stringify([
  { name: "reader", key: READER_SECRET, scopes: ["accounts:read"] },
  { name: "writer", key: WRITER_SECRET, scopes: ["accounts:write"] },
  { name: "mover", key: MOVER_SECRET, scopes: ["money:move"] },
]);

/** The keys above: ADMIN_API_KEY's and a keys file's. */
export function testKeys(): AccessOptions["keys"] {
  return [adminKey(ADMIN_SECRET), ...parseApiKeys(KEYS_FILE, "test keys")];
}

export function bearer(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}

/** alice (100) and bob (50) with their tokens, and `revoked`, a token of alice's since rotated. */
export function securedApp(options: Omit<AppOptions, "bank" | "access"> & { access?: Partial<AccessOptions> } = {}) {
  const tokens = options.access?.tokens ?? new HolderTokens();
  const { app, bank } = appWith({ alice: 100, bob: 50 }, { ...options, access: { keys: testKeys(), ...options.access, tokens } });
  const revoked = tokens.issue("alice");
  const alice = tokens.rotate("alice");
  const bob = tokens.issue("bob");
  return { app, bank, tokens, alice, bob, revoked };
}
