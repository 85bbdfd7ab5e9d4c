// The name index of the batch reader: it learns each account name from the lookup once, from the
// name's UTF-8 bytes, keeps only names of accounts, and keeps finding them all as it grows.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bank } from "../../../src/core/index.js";
import { FNV_OFFSET_BASIS, NameBytesIndex, fnvStep } from "../../../src/http/batch-reader/name-index.js";
import { ledgerOf } from "../../../src/core/internal.js";

/** The hash `find` takes: FNV-1a folded over `bytes[start..end)`, as the batch reader makes it. */
function hashOf(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let hash = FNV_OFFSET_BASIS;
  for (let at = start; at < end; at++) hash = fnvStep(hash, bytes[at] as number);
  return hash;
}

/** An index over `names` (account i is names[i]), with every name its lookup was asked. */
function countingIndex(names: readonly string[]): { index: NameBytesIndex; asked: string[] } {
  const accountByName = new Map(names.map((name, account) => [name, account]));
  const asked: string[] = [];
  const index = new NameBytesIndex((name) => {
    asked.push(name);
    return accountByName.get(name);
  });
  return { index, asked };
}

/** Finds `name` from fresh bytes of its own, with its own hash unless one is forced. */
function find(index: NameBytesIndex, name: string, hash?: number): number {
  const bytes = Buffer.from(name, "utf8");
  return index.find(bytes, 0, bytes.length, hash ?? hashOf(bytes));
}

describe("name bytes index, learning", () => {
  it("when a name is seen the first time, asks the lookup once and then answers from what it keeps", () => {
    const { index, asked } = countingIndex(["alice", "bob"]);
    expect(find(index, "bob")).toBe(1);
    expect(find(index, "bob")).toBe(1);
    expect(find(index, "alice")).toBe(0);
    expect(find(index, "bob")).toBe(1);
    expect(find(index, "alice")).toBe(0);
    expect(asked).toEqual(["bob", "alice"]);
    expect(index.size).toBe(2);
  });

  it("when a name sits inside a larger buffer, reads only its own bytes and finds it from any other buffer", () => {
    const { index, asked } = countingIndex(["zed", "alice"]);
    const body = Buffer.from('{"sender":"alice","recipient":"zed"}');
    const start = body.indexOf("alice");
    expect(index.find(body, start, start + 5, hashOf(body, start, start + 5))).toBe(1);
    // The same bytes elsewhere, and then the body's buffer reused for something else.
    body.fill(0x78);
    expect(find(index, "alice")).toBe(1);
    const other = Buffer.from("xxalicexx");
    expect(index.find(other, 2, 7, hashOf(other, 2, 7))).toBe(1);
    expect(asked).toEqual(["alice"]);
  });

  it("when a name is no account, returns -1, keeps nothing and asks again the next time", () => {
    const { index, asked } = countingIndex(["alice"]);
    expect(find(index, "ghost")).toBe(-1);
    expect(find(index, "ghost")).toBe(-1);
    expect(find(index, "Alice")).toBe(-1);
    expect(find(index, "alice ")).toBe(-1);
    expect(find(index, "")).toBe(-1);
    expect(index.size).toBe(0);
    expect(asked).toEqual(["ghost", "ghost", "Alice", "alice ", ""]);
  });

  it("when a name becomes an account after it was looked for, finds it then", () => {
    const bank = new Bank({ clock: () => 0 });
    bank.createAccount("alice");
    const index = new NameBytesIndex((name) => ledgerOf(bank).find(name));
    expect(find(index, "carol")).toBe(-1);
    bank.createAccount("carol");
    expect(find(index, "carol")).toBe(ledgerOf(bank).find("carol"));
    expect(find(index, "alice")).toBe(ledgerOf(bank).find("alice"));
    expect(index.size).toBe(2);
  });

  it("when the bytes are not valid UTF-8, returns -1 without asking, even where their lossy decoding names an account", () => {
    // U+FFFD is what a lossy decoder makes of every invalid sequence below.
    const { index, asked } = countingIndex(["\uFFFD", "a", "zo\uFFFD", "\uFFFD\uFFFD"]);
    const invalid = [
      [0xff], [0x80], [0xc3], [0x7a, 0x6f, 0xc3], [0xc1, 0xa1], [0xc0, 0xaf], [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80], [0xe6, 0x97], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xfe, 0xff],
    ];
    for (const sequence of invalid) {
      const bytes = Uint8Array.from(sequence);
      expect(index.find(bytes, 0, bytes.length, hashOf(bytes)), String(sequence)).toBe(-1);
    }
    expect(asked).toEqual([]);
    expect(index.size).toBe(0);
    // The valid encoding of U+FFFD itself is a name like any other.
    expect(find(index, "\uFFFD")).toBe(0);
  });

  it("when names are not ASCII, finds each by its exact UTF-8 bytes", () => {
    const names = ["zoë", "Zoë", "日本", "山田 太郎", "🙂", "🙂".repeat(64), "line\u2028sep", "nb\u00a0sp"];
    const { index, asked } = countingIndex(names);
    names.forEach((name, account) => expect(find(index, name)).toBe(account));
    names.forEach((name, account) => expect(find(index, name)).toBe(account));
    expect(asked).toEqual(names);
    // The same text decomposed (e + combining diaeresis) is other bytes, and no account.
    expect(find(index, "zoe\u0308")).toBe(-1);
    expect(index.size).toBe(names.length);
  });

  it("property: for any names, finds each account under its own index and asks the lookup once per account", () => {
    const name = fc.string({ unit: "binary", minLength: 1, maxLength: 20 });
    fc.assert(
      fc.property(fc.uniqueArray(name, { minLength: 1, maxLength: 60 }), fc.nat(), (names, split) => {
        const accounts = names.slice(0, split % (names.length + 1));
        const strangers = names.slice(accounts.length);
        const { index, asked } = countingIndex(accounts);
        for (let round = 0; round < 2; round++) {
          expect(accounts.map((account) => find(index, account))).toEqual(accounts.map((_, number) => number));
          expect(strangers.map((stranger) => find(index, stranger))).toEqual(strangers.map(() => -1));
        }
        expect(index.size).toBe(accounts.length);
        expect(asked.filter((asking) => accounts.includes(asking))).toEqual(accounts);
      }),
      { numRuns: 300 },
    );
  });
});

describe("name bytes index, growing", () => {
  // What the index starts with: 1024 slots (kept at most half full), 256 entries, 4096 arena bytes.
  const SLOTS_HALF = 512;
  const ENTRIES = 256;
  const ARENA_BYTES = 4096;

  /** 5,000 distinct names of 2 to 64 characters (a unique tag, a dash, a filler), some not ASCII. */
  const names = Array.from({ length: 5000 }, (_, number) => {
    const tag = number.toString(36);
    const fill = choose(["x", "é", "日", "🙂"], number);
    const length = Math.max(tag.length + 1, ((number * 37) % 64) + 1);
    return `${tag}-${fill.repeat(length - tag.length - 1)}`;
  });

  it("when 5,000 names of up to 64 characters are learnt, grows past every starting size and still finds each", () => {
    expect(new Set(names).size).toBe(names.length);
    expect(Math.max(...names.map((name) => Array.from(name).length))).toBe(64);
    const totalBytes = names.reduce((sum, name) => sum + Buffer.byteLength(name), 0);
    expect(names.length).toBeGreaterThan(Math.max(SLOTS_HALF, ENTRIES));
    expect(totalBytes).toBeGreaterThan(ARENA_BYTES * 8);

    const { index, asked } = countingIndex(names);
    names.forEach((name, account) => {
      expect(find(index, name)).toBe(account);
      // Now and then, every name learnt so far, across the growth just made.
      if (account % 499 === 0) names.slice(0, account + 1).forEach((earlier, number) => expect(find(index, earlier)).toBe(number));
    });
    for (let account = names.length - 1; account >= 0; account--) expect(find(index, names[account] as string)).toBe(account);
    expect(index.size).toBe(names.length);
    expect(asked).toEqual(names);
  });

  it("when one name is longer than the whole arena, keeps it whole next to short ones", () => {
    const long = "L".repeat(ARENA_BYTES * 3);
    const { index, asked } = countingIndex(["short", long, "after"]);
    expect(find(index, "short")).toBe(0);
    expect(find(index, long)).toBe(1);
    expect(find(index, "after")).toBe(2);
    expect(find(index, long)).toBe(1);
    expect(find(index, `${long.slice(1)}M`)).toBe(-1);
    expect(find(index, "short")).toBe(0);
    expect(asked).toEqual(["short", long, "after", `${long.slice(1)}M`]);
  });
});

describe("name bytes index, hash collisions", () => {
  it("when two different names share an FNV-1a hash, finds each as its own account", () => {
    // Known 32-bit FNV-1a collisions; the first pair also has one length.
    const pairs = [["declinate", "macallums"], ["costarring", "liquid"], ["altarage", "zinke"]] as const;
    for (const [first, second] of pairs) {
      expect(hashOf(Buffer.from(first))).toBe(hashOf(Buffer.from(second)));
      const { index, asked } = countingIndex([first, second]);
      expect(find(index, first)).toBe(0);
      expect(find(index, second)).toBe(1);
      expect(find(index, first)).toBe(0);
      expect(find(index, second)).toBe(1);
      expect(asked).toEqual([first, second]);
      expect(index.size).toBe(2);
    }
  });

  it("when one name of a colliding pair is no account, the other's entry does not answer for it", () => {
    const { index } = countingIndex(["declinate"]);
    expect(find(index, "declinate")).toBe(0);
    expect(find(index, "macallums")).toBe(-1);
    expect(index.size).toBe(1);
  });

  it("when 1,500 names are all given the same hash, finds each along one probe chain, across growth", () => {
    // Same length and all but the last bytes alike, so only a full comparison tells them apart.
    const names = Array.from({ length: 1500 }, (_, number) => `name-${String(number).padStart(4, "0")}`);
    const { index, asked } = countingIndex(names);
    names.forEach((name, account) => expect(find(index, name, 12345)).toBe(account));
    names.forEach((name, account) => expect(find(index, name, 12345)).toBe(account));
    expect(find(index, "name-9999", 12345)).toBe(-1);
    expect(index.size).toBe(names.length);
    expect(asked).toEqual([...names, "name-9999"]);
  });

  it("when a name is a prefix of another with the same hash, tells them apart by length", () => {
    const { index, asked } = countingIndex(["abc", "ab", "abcd"]);
    expect(find(index, "abc", 7)).toBe(0);
    expect(find(index, "ab", 7)).toBe(1);
    expect(find(index, "abcd", 7)).toBe(2);
    expect(["abc", "ab", "abcd", "a"].map((name) => find(index, name, 7))).toEqual([0, 1, 2, -1]);
    expect(asked).toEqual(["abc", "ab", "abcd", "a"]);
  });

  it("when names hash to the table's last slot, the probe wraps to the first and finds them", () => {
    const names = ["p", "q", "r", "s"];
    const { index, asked } = countingIndex(names);
    // -1 and 1023 both land in the last of the first 1024 slots; 0 in the first.
    const hashes = [-1, 1023, 0, -1];
    names.forEach((name, account) => expect(find(index, name, hashes[account] as number)).toBe(account));
    names.forEach((name, account) => expect(find(index, name, hashes[account] as number)).toBe(account));
    expect(asked).toEqual(names);
  });
});

function choose<T>(options: readonly T[], n: number): T {
  return options[n % options.length] as T;
}
