// The keys file and ADMIN_API_KEY: what is accepted, and every way to get it wrong, each refused
// with one message that names the file and the entry.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { adminKey, combineKeys, parseApiKeys, readApiKeysFile } from "../../../src/http/auth/keys-file.js";
import { digestOf } from "../../../src/http/auth/secrets.js";
import { temporaryDirectory } from "../helpers.js";

const SECRET = "0123456789abcdef0123";
const DIGEST = digestOf(SECRET);

function parse(entries: unknown): ReturnType<typeof parseApiKeys> {
  return parseApiKeys(typeof entries === "string" ? entries : JSON.stringify(entries), "keys.json");
}

describe("parseApiKeys", () => {
  it("reads keys given as secrets or as SHA-256 digests, and keeps digests only", () => {
    const keys = parse([
      { name: "ops", key: SECRET, scopes: ["accounts:read", "money:move", "accounts:read"] },
      { name: "audit.2", key_sha256: DIGEST.toUpperCase().replace(/^./, "f"), scopes: ["admin"] },
    ]);
    expect(keys).toEqual([
      { name: "ops", digest: DIGEST, scopes: ["accounts:read", "money:move"] },
      { name: "audit.2", digest: `f${DIGEST.slice(1)}`, scopes: ["admin"] },
    ]);
    expect(JSON.stringify(keys)).not.toContain(SECRET);
  });

  const ok = { name: "ops", key: SECRET, scopes: ["admin"] };
  it.each([
    ["not JSON", "[{", /^keys\.json is not valid JSON: /],
    ["not an array", { keys: [] }, 'keys.json must hold a non-empty JSON array of keys: [{"name": "ops", "key": "<secret>"'],
    ["an empty array", [], "keys.json must hold a non-empty JSON array of keys"],
    ["an entry that is not an object", [ok, "key"], 'keys.json, entry 2 must be an object: {"name": "ops"'],
    ["no name", [{ key: SECRET, scopes: ["admin"] }], `keys.json, entry 1 needs a "name" of 1 to 64 letters, digits, '.', '_' or '-'`],
    ["a name with a space", [{ ...ok, name: "o ps" }], 'keys.json, entry 1 needs a "name"'],
    ["an unknown field", [{ ...ok, note: "x" }], 'keys.json, entry 1 ("ops") has the unknown field "note"'],
    ["neither key nor digest", [{ name: "ops", scopes: ["admin"] }], 'keys.json, entry 1 ("ops") needs exactly one of "key" (the secret) and "key_sha256"'],
    ["both key and digest", [{ ...ok, key_sha256: DIGEST }], 'keys.json, entry 1 ("ops") needs exactly one of'],
    ["a short key", [{ ...ok, key: "short" }], 'keys.json, entry 1 ("ops"): "key" must be 16 to 512 characters long, not 5'],
    ["a key that is not a string", [{ ...ok, key: 1234567890123456 }], 'keys.json, entry 1 ("ops"): "key" must be a string'],
    ["a key with a space", [{ ...ok, key: "0123456789 abcdef" }], '"key" may hold only letters, digits and -._~+/ (and = at the end)'],
    ["a digest too short", [{ name: "ops", key_sha256: "abc", scopes: ["admin"] }], '"key_sha256" must be 64 hexadecimal digits'],
    ["no scopes", [{ name: "ops", key: SECRET }], 'keys.json, entry 1 ("ops") needs "scopes": a non-empty array of accounts:read, accounts:write, money:move, admin'],
    ["empty scopes", [{ ...ok, scopes: [] }], 'needs "scopes": a non-empty array'],
    ["an unknown scope", [{ ...ok, scopes: ["accounts:delete"] }],
      'keys.json, entry 1 ("ops"): unknown scope "accounts:delete"; the scopes are accounts:read, accounts:write, money:move, admin'],
    ["two keys with one name", [ok, { ...ok, key: `${SECRET}x` }], 'keys.json: entries 1 and 2 are both named "ops"'],
    ["one secret twice", [ok, { ...ok, name: "ops2", key: undefined, key_sha256: DIGEST }], "keys.json: entries 1 and 2 have the same secret"],
  ])("refuses %s", (_what, entries, message) => {
    expect(() => parse(entries)).toThrow(message);
  });
});

describe("readApiKeysFile", () => {
  it("reads a file, and names it when it cannot be read or is wrong", () => {
    const dir = temporaryDirectory("banking-keys-");
    const path = join(dir, "keys.json");
    writeFileSync(path, JSON.stringify([{ name: "ops", key: SECRET, scopes: ["admin"] }]));
    expect(readApiKeysFile(path)).toEqual([{ name: "ops", digest: DIGEST, scopes: ["admin"] }]);
    writeFileSync(path, "[]");
    expect(() => readApiKeysFile(path)).toThrow(`API keys file ${path} must hold a non-empty JSON array`);
    expect(() => readApiKeysFile(join(dir, "missing.json"))).toThrow(`Cannot read the API keys file ${join(dir, "missing.json")}: ENOENT`);
  });
});

describe("adminKey and combineKeys", () => {
  it("makes ADMIN_API_KEY a key named admin with every scope, and refuses one too short", () => {
    expect(adminKey(SECRET)).toEqual({ name: "admin", digest: DIGEST, scopes: ["admin"] });
    expect(() => adminKey("hunter2")).toThrow("ADMIN_API_KEY must be 16 to 512 characters long, not 7");
    expect(() => adminKey(`${SECRET}!`)).toThrow("ADMIN_API_KEY may hold only letters, digits and -._~+/ (and = at the end)");
  });

  it("puts ADMIN_API_KEY's key with the file's, and refuses a clash of names or secrets", () => {
    const file = parse([{ name: "ops", key: `${SECRET}-ops`, scopes: ["money:move"] }]);
    expect(combineKeys(undefined, file)).toEqual(file);
    expect(combineKeys(adminKey(SECRET), file).map((key) => key.name)).toEqual(["admin", "ops"]);
    const named = parse([{ name: "admin", key: `${SECRET}-x`, scopes: ["admin"] }]);
    expect(() => combineKeys(adminKey(SECRET), named)).toThrow(`The API keys file has a key named "admin", the name of ADMIN_API_KEY's key`);
    const same = parse([{ name: "ops", key: SECRET, scopes: ["admin"] }]);
    expect(() => combineKeys(adminKey(SECRET), same)).toThrow(`The API keys file's key "ops" has the same secret as ADMIN_API_KEY`);
  });
});
