// The registry of holder tokens on its own: issue, rotate, find, and the hooks durable mode uses
// (entries for a snapshot, restore, and a listener told of every change).

import { describe, expect, it } from "vitest";
import { HolderTokens, type HolderTokenChange } from "../../../src/http/auth/holder-tokens.js";
import { digestOf } from "../../../src/http/auth/secrets.js";

describe("HolderTokens", () => {
  it("finds the account of a token, forgets a rotated one at once, and knows no other secret", () => {
    const changes: HolderTokenChange[] = [];
    const tokens = new HolderTokens({ onChange: (change) => changes.push(change) });
    const first = tokens.issue("alice");
    expect(tokens.accountOf(first)).toBe("alice");
    const second = tokens.rotate("alice");
    expect(tokens.accountOf(first)).toBeUndefined();
    expect(tokens.accountOf(second)).toBe("alice");
    expect(tokens.accountOf("bst_guess")).toBeUndefined();
    expect(tokens.size).toBe(1);
    expect(changes).toEqual([
      { kind: "issued", account: "alice", hash: digestOf(first) },
      { kind: "rotated", account: "alice", hash: digestOf(second) },
    ]);
  });

  it("when snapshotted and restored into another registry, the same tokens work there and only there", () => {
    const tokens = new HolderTokens();
    const alice = tokens.issue("alice");
    const bob = tokens.issue("bob");
    const entries = tokens.entries();
    expect(entries).toEqual([["alice", digestOf(alice)], ["bob", digestOf(bob)]]);
    const changes: HolderTokenChange[] = [];
    const restored = new HolderTokens({ onChange: (change) => changes.push(change) });
    restored.issue("carol");
    changes.length = 0;
    restored.restore(entries);
    expect(restored.accountOf(alice)).toBe("alice");
    expect(restored.accountOf(bob)).toBe("bob");
    expect(restored.size).toBe(2);
    expect(changes).toEqual([]);
  });

  it("when a snapshot holds a digest that is not one, or one twice, refuses it and keeps what it had", () => {
    const tokens = new HolderTokens();
    const alice = tokens.issue("alice");
    expect(() => tokens.restore([["bob", "not-hex"]])).toThrow("The token digest of account 'bob' is not 64 lowercase hexadecimal digits");
    const hash = digestOf("x");
    expect(() => tokens.restore([["bob", hash], ["carol", hash]])).toThrow("The token digest of account 'carol' is another account's too");
    expect(tokens.accountOf(alice)).toBe("alice");
  });
});
