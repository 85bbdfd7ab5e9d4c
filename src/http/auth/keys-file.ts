// API keys as configured: ADMIN_API_KEY, and the keys file of --api-keys-file, a JSON array of
// `{ "name", "key" or "key_sha256", "scopes" }`. Every problem is refused with a message naming
// the file and the entry, before the server starts. Only the digests are kept.

import { readFileSync } from "node:fs";
import { API_KEY_LENGTH_MAX, API_KEY_LENGTH_MIN, digestOf, isBearerSecret } from "./secrets.js";
import { isScope, SCOPES, type Scope } from "./scopes.js";

/** A configured API key: its name, the SHA-256 digest of its secret, and its scopes. */
export interface ApiKey {
  readonly name: string;
  /** 64 lowercase hexadecimal digits. */
  readonly digest: string;
  readonly scopes: readonly Scope[];
}

/** The name ADMIN_API_KEY's key goes by (in logs and idempotency scopes). */
export const ADMIN_KEY_NAME = "admin";

// Names appear in logs and in idempotency scopes: short, printable, no spaces.
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
const FIELDS = new Set(["name", "key", "key_sha256", "scopes"]);
const FORMAT = '[{"name": "ops", "key": "<secret>" or "key_sha256": "<hex>", "scopes": ["accounts:read", ...]}]';

/** Why a key cannot be used, or null: 16 to 512 characters, letters, digits and `-._~+/` (then `=`). */
function secretProblem(secret: string): string | null {
  if (secret.length < API_KEY_LENGTH_MIN || secret.length > API_KEY_LENGTH_MAX) {
    return `must be ${API_KEY_LENGTH_MIN} to ${API_KEY_LENGTH_MAX} characters long, not ${secret.length}`;
  }
  if (!isBearerSecret(secret)) return "may hold only letters, digits and -._~+/ (and = at the end)";
  return null;
}

/** The key of ADMIN_API_KEY: every scope. Throws a clear error for a key too short or unsendable. */
export function adminKey(secret: string): ApiKey {
  const problem = secretProblem(secret);
  if (problem !== null) throw new Error(`ADMIN_API_KEY ${problem}`);
  return { name: ADMIN_KEY_NAME, digest: digestOf(secret), scopes: ["admin"] };
}

/** Reads and checks a keys file; throws a clear error naming the file (and the entry) otherwise. */
export function readApiKeysFile(path: string): ApiKey[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`Cannot read the API keys file ${path}: ${(error as Error).message}`);
  }
  return parseApiKeys(text, `API keys file ${path}`);
}

/** Checks the text of a keys file; `source` names it in every error. */
export function parseApiKeys(text: string, source: string): ApiKey[] {
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new Error(`${source} must hold a non-empty JSON array of keys: ${FORMAT}`);
  }
  const keys = entries.map((entry, index) => parseEntry(entry, `${source}, entry ${index + 1}`));
  return unique(keys, source);
}

function parseEntry(entry: unknown, where: string): ApiKey {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new Error(`${where} must be an object: ${FORMAT.slice(1, -1)}`);
  }
  const fields = entry as Record<string, unknown>;
  const { name, key, key_sha256: keySha256, scopes } = fields;
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new Error(`${where} needs a "name" of 1 to 64 letters, digits, '.', '_' or '-'`);
  }
  const named = `${where} ("${name}")`;
  const unknown = Object.keys(fields).find((field) => !FIELDS.has(field));
  if (unknown !== undefined) throw new Error(`${named} has the unknown field "${unknown}"`);
  return { name, digest: digestIn(key, keySha256, named), scopes: scopesIn(scopes, named) };
}

function digestIn(key: unknown, keySha256: unknown, named: string): string {
  if ((key === undefined) === (keySha256 === undefined)) {
    throw new Error(`${named} needs exactly one of "key" (the secret) and "key_sha256" (its SHA-256 in hex)`);
  }
  if (key !== undefined) {
    const problem = typeof key === "string" ? secretProblem(key) : "must be a string";
    if (problem !== null) throw new Error(`${named}: "key" ${problem}`);
    return digestOf(key as string);
  }
  if (typeof keySha256 !== "string" || !/^[0-9a-fA-F]{64}$/.test(keySha256)) {
    throw new Error(`${named}: "key_sha256" must be 64 hexadecimal digits (e.g. from: printf %s "$KEY" | sha256sum)`);
  }
  return keySha256.toLowerCase();
}

function scopesIn(scopes: unknown, named: string): Scope[] {
  const known = SCOPES.join(", ");
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new Error(`${named} needs "scopes": a non-empty array of ${known}`);
  }
  const unknown = scopes.find((scope) => !isScope(scope));
  if (unknown !== undefined) throw new Error(`${named}: unknown scope ${JSON.stringify(unknown)}; the scopes are ${known}`);
  return [...new Set(scopes as Scope[])];
}

/** Refuses two keys with one name, or one secret under two names. */
function unique(keys: ApiKey[], source: string): ApiKey[] {
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  for (const [index, key] of keys.entries()) {
    const sameName = names.get(key.name);
    if (sameName !== undefined) throw new Error(`${source}: entries ${sameName + 1} and ${index + 1} are both named "${key.name}"`);
    const sameSecret = digests.get(key.digest);
    if (sameSecret !== undefined) throw new Error(`${source}: entries ${sameSecret + 1} and ${index + 1} have the same secret`);
    names.set(key.name, index);
    digests.set(key.digest, index);
  }
  return keys;
}

/** ADMIN_API_KEY's key (if any) and the file's keys together; throws if they clash. */
export function combineKeys(admin: ApiKey | undefined, fileKeys: readonly ApiKey[]): ApiKey[] {
  if (admin === undefined) return [...fileKeys];
  const clash = fileKeys.find((key) => key.name === admin.name || key.digest === admin.digest);
  if (clash !== undefined) {
    throw new Error(clash.name === admin.name
      ? `The API keys file has a key named "${admin.name}", the name of ADMIN_API_KEY's key`
      : `The API keys file's key "${clash.name}" has the same secret as ADMIN_API_KEY`);
  }
  return [admin, ...fileKeys];
}
