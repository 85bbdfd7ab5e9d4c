// Secrets: the Authorization header as it is read, holder tokens as they are made, digests as
// they are compared.

import { describe, expect, it } from "vitest";
import {
  BEARER_SECRET_LENGTH_MAX,
  digestOf,
  isDigest,
  newHolderToken,
  readAuthorization,
} from "../../../src/http/auth/secrets.js";

describe("readAuthorization", () => {
  it.each([
    [undefined, { kind: "none" }],
    ["", { kind: "none" }],
    ["Bearer abc", { kind: "bearer", secret: "abc" }],
    ["bearer abc", { kind: "bearer", secret: "abc" }],
    ["BEARER   a-b.c_d~e+f/g==  ", { kind: "bearer", secret: "a-b.c_d~e+f/g==" }],
    ["Bearer", { kind: "not-bearer" }],
    ["Bearer ", { kind: "not-bearer" }],
    ["Basic YWxhZGRpbjpvcGVuc2VzYW1l", { kind: "not-bearer" }],
    ["Bearerabc", { kind: "not-bearer" }],
    ["Bearer a b", { kind: "malformed" }],
    ["Bearer a=b", { kind: "malformed" }],
    ["Bearer é", { kind: "malformed" }],
    [`Bearer ${"a".repeat(BEARER_SECRET_LENGTH_MAX + 1)}`, { kind: "malformed" }],
  ])("reads %j", (header, presented) => {
    expect(readAuthorization(header)).toEqual(presented);
  });
});

describe("holder tokens and digests", () => {
  it("makes tokens of the prefix and 256 random bits, never twice the same", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newHolderToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^bst_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from([...tokens][0]?.slice(4) ?? "", "base64url")).toHaveLength(32);
  });

  it("keeps SHA-256 digests in hex", () => {
    const digest = digestOf("abc");
    expect(digest).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(isDigest(digest)).toBe(true);
    expect(isDigest(digest.toUpperCase())).toBe(false);
    expect(isDigest(12)).toBe(false);
  });
});
