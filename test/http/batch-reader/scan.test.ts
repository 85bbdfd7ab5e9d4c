// The batch route's fast reader on its own: it takes a body only when JSON.parse and the route's
// schema would take it too, and then reads it exactly as they do; on every other body it gives up
// (returns null) so that the ordinary reader answers. Each result keeps columns of its own.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BATCH_SIZE_MAX, Bank, AMOUNT_MINOR_MAX, parseAmount } from "../../../src/core/index.js";
import { ledgerOf } from "../../../src/core/internal.js";
import { BatchScanner, type ScannedBatch } from "../../../src/http/batch-reader/scan.js";
import { NameBytesIndex } from "../../../src/http/batch-reader/name-index.js";
import { BatchRequest } from "../../../src/http/schemas/batch.js";
import { createValidatorCompiler } from "../../../src/http/validation.js";

// ---------------------------------------------------------------------------------------------
// The bank the bodies name, and the reader under test.

/** Account names JSON writes as they are: ASCII, Latin, CJK, astral, the longest, odd spaces. */
const SPECIAL_NAMES = [
  "a", "b", "alice", "bob", "zoë", "Zoë", "日本", "山田 太郎", "🙂".repeat(64), "x".repeat(64),
  "line\u2028sep", "nb\u00a0sp", " lead", "a/b", "\uFFFD",
];
/** Enough more accounts that the name index grows while the properties run. */
const NUMBERED_NAMES = Array.from({ length: 600 }, (_, index) => `acct-${index}`);
const PLAIN_NAMES = [...SPECIAL_NAMES, ...NUMBERED_NAMES];
/** Accounts whose names JSON must escape: the fast reader never reads these. */
const ESCAPED_NAMES = ['say "hi"', "back\\slash"];
/** Names of no account, some one byte or one mark away from an account's. */
const UNKNOWN_NAMES = [
  "ghost", "A", "ALICE", "Alice", "alice ", " alice", "zoe\u0308", "", "x".repeat(65), "日", "acct-600", "acct-0 ",
];

function bankWithAccounts(): Bank {
  const bank = new Bank({ clock: () => 0 });
  for (const name of [...PLAIN_NAMES, ...ESCAPED_NAMES]) bank.createAccount(name, 100);
  return bank;
}

const bank = bankWithAccounts();
const scanner = new BatchScanner(ledgerOf(bank), new NameBytesIndex((name) => ledgerOf(bank).find(name)));

function scan(body: string | Buffer): ScannedBatch | null {
  return scanner.scan(typeof body === "string" ? Buffer.from(body, "utf8") : body);
}

// ---------------------------------------------------------------------------------------------
// The ordinary reader, as the oracle: JSON.parse, then the route's own schema validator.

interface ParsedBatch {
  transfers: { sender: string; recipient: string; amount: number }[];
  atomic?: boolean;
}

const validateBatchRequest = createValidatorCompiler()({
  schema: BatchRequest,
  method: "POST",
  url: "/transfers/batch",
  httpPart: "body",
}) as (data: unknown) => boolean;

/**
 * Asserts that the ordinary reader takes `bytes` too, and that the scanned batch says exactly what
 * it reads: the same JSON, and columns resolved as the core resolves the parsed transfers.
 */
function expectReadLikeTheOrdinaryReader(bytes: Buffer, scanned: ScannedBatch): void {
  const text = bytes.toString("utf8");
  const parsed = JSON.parse(text) as ParsedBatch;
  // The validator fills in defaults, so it gets a copy.
  expect(validateBatchRequest(structuredClone(parsed)), text).toBe(true);
  expect(scanned.toJSON()).toStrictEqual({ ...parsed, atomic: parsed.atomic ?? true });
  expect(scanned.count).toBe(parsed.transfers.length);
  expect(scanned.count).toBeGreaterThanOrEqual(1);
  expect(scanned.count).toBeLessThanOrEqual(BATCH_SIZE_MAX);
  expect(Array.from(scanned.senders)).toEqual(parsed.transfers.map((transfer) => ledgerOf(bank).find(transfer.sender)));
  expect(Array.from(scanned.recipients)).toEqual(parsed.transfers.map((transfer) => ledgerOf(bank).find(transfer.recipient)));
  expect(Array.from(scanned.amountsMinor)).toEqual(parsed.transfers.map((transfer) => parseAmount(transfer.amount)));
  expect(scanned.atomicSent).toBe(parsed.atomic);
}

// ---------------------------------------------------------------------------------------------
// A small JSON tree, so that bodies can be bent in ways JSON.stringify never writes.

interface Raw {
  kind: "raw";
  bytes: Buffer;
}
interface JsonObject {
  kind: "object";
  members: Member[];
  trailingComma?: boolean;
  missingComma?: boolean;
}
interface JsonArray {
  kind: "array";
  items: Json[];
  trailingComma?: boolean;
}
type Json = Raw | JsonObject | JsonArray;
interface Member {
  key: Raw;
  value: Json;
}

const raw = (text: string | Buffer): Raw => ({ kind: "raw", bytes: typeof text === "string" ? Buffer.from(text, "utf8") : text });
const string = (text: string): Raw => raw(JSON.stringify(text));
const array = (items: Json[]): JsonArray => ({ kind: "array", items });

/** The tree as bytes, with the given whitespace strings used in turn between all tokens. */
function render(root: Json, spaces: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  let next = 0;
  const space = (): string => spaces[next++ % spaces.length] as string;
  const put = (text: string): void => {
    parts.push(Buffer.from(text, "utf8"));
  };
  const walk = (node: Json): void => {
    if (node.kind === "raw") {
      parts.push(node.bytes);
      return;
    }
    const isObject = node.kind === "object";
    const entries = isObject
      ? node.members.map((member) => () => {
        walk(member.key);
        put(`${space()}:${space()}`);
        walk(member.value);
      })
      : node.items.map((item) => () => walk(item));
    put((isObject ? "{" : "[") + space());
    entries.forEach((entry, index) => {
      if (index > 0) put(`${isObject && node.missingComma === true && index === 1 ? "" : ","}${space()}`);
      entry();
      put(space());
    });
    if (node.trailingComma === true) put(`,${space()}`);
    put(isObject ? "}" : "]");
  };
  put(space());
  walk(root);
  put(space());
  return Buffer.concat(parts);
}

function choose<T>(options: readonly T[], n: number): T {
  return options[n % options.length] as T;
}

function insertAt<T>(items: T[], item: T, n: number): void {
  items.splice(n % (items.length + 1), 0, item);
}

function memberOf(object: JsonObject, key: string): Member | undefined {
  const keyBytes = Buffer.from(JSON.stringify(key), "utf8");
  return object.members.find((member) => member.key.bytes.equals(keyBytes));
}

function keyOf(member: Member): string {
  return JSON.parse(member.key.bytes.toString("utf8")) as string;
}

/** `text` as a JSON string whose `n`-th code point (modulo the length) is written as \u escapes. */
function withEscape(text: string, n: number): string {
  const points = Array.from(text);
  const at = n % points.length;
  const escape = (point: string): string =>
    Array.from({ length: point.length }, (_, unit) => {
      const hex = point.charCodeAt(unit).toString(16).padStart(4, "0");
      return `\\u${n % 2 === 0 ? hex : hex.toUpperCase()}`;
    }).join("");
  return `"${points.map((point, index) => (index === at ? escape(point) : JSON.stringify(point).slice(1, -1))).join("")}"`;
}

/** An amount as a JSON number with `decimals` digits after the point where the cents allow. */
function amountText(minor: number, decimals: number): string {
  const whole = Math.floor(minor / 100);
  const cents = minor % 100;
  if (cents === 0) return choose([`${whole}`, `${whole}.0`, `${whole}.00`], decimals);
  if (cents % 10 === 0) return decimals < 2 ? `${whole}.${cents / 10}` : `${whole}.${cents / 10}0`;
  return `${whole}.${String(cents).padStart(2, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// The grammar: valid batches, in any whitespace and key order, with or without `atomic`.

const TRANSFER_KEYS = ["sender", "recipient", "amount"] as const;

interface TransferPlan {
  sender: string;
  recipient: string;
  minor: number;
  decimals: number;
  order: (typeof TRANSFER_KEYS)[number][];
}

interface BatchPlan {
  transfers: TransferPlan[];
  atomic: boolean | undefined;
  atomicFirst: boolean;
  spaces: string[];
}

const nameArbitrary = fc.oneof(fc.constantFrom(...SPECIAL_NAMES), fc.constantFrom(...NUMBERED_NAMES));
const minorArbitrary = fc.oneof(
  fc.integer({ min: 1, max: 10_000 }),
  fc.integer({ min: 1, max: AMOUNT_MINOR_MAX }),
  fc.constantFrom(1, 10, 100, AMOUNT_MINOR_MAX - 1, AMOUNT_MINOR_MAX),
);
const spaceArbitrary = fc.oneof(
  { arbitrary: fc.constant(""), weight: 3 },
  { arbitrary: fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r"), minLength: 1, maxLength: 3 }), weight: 1 },
);
const planArbitrary: fc.Arbitrary<BatchPlan> = fc.record({
  transfers: fc.array(
    fc.record({
      sender: nameArbitrary,
      recipient: nameArbitrary,
      minor: minorArbitrary,
      decimals: fc.integer({ min: 0, max: 2 }),
      order: fc.shuffledSubarray([...TRANSFER_KEYS], { minLength: 3, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 10 },
  ),
  atomic: fc.constantFrom(undefined, true, false),
  atomicFirst: fc.boolean(),
  spaces: fc.array(spaceArbitrary, { minLength: 1, maxLength: 8 }),
});

function treeOf(plan: BatchPlan): JsonObject {
  const transfers = plan.transfers.map((transfer): JsonObject => ({
    kind: "object",
    members: transfer.order.map((key) => ({
      key: string(key),
      value: key === "amount" ? raw(amountText(transfer.minor, transfer.decimals)) : string(transfer[key]),
    })),
  }));
  const members: Member[] = [{ key: string("transfers"), value: array(transfers) }];
  if (plan.atomic !== undefined) {
    const atomic = { key: string("atomic"), value: raw(String(plan.atomic)) };
    if (plan.atomicFirst) members.unshift(atomic);
    else members.push(atomic);
  }
  return { kind: "object", members };
}

// ---------------------------------------------------------------------------------------------
// Mutations: each makes the fast reader give up, whatever the body it is applied to.

interface Target {
  body: JsonObject;
  transfer: JsonObject;
  /** Free choices: which member, which variant, where. */
  n: readonly [number, number, number];
}

interface Mutation {
  name: string;
  tree?: (target: Target) => void;
  bytes?: (bytes: Buffer, n: readonly [number, number, number]) => Buffer;
}

function transfersOf(body: JsonObject): JsonArray {
  return memberOf(body, "transfers")?.value as JsonArray;
}

function nameMember(transfer: JsonObject, n: number): Member {
  return memberOf(transfer, n % 2 === 0 ? "sender" : "recipient") as Member;
}

/** The amount literal of a transfer, and changes it to what `variants` makes of it. */
function changeAmount(transfer: JsonObject, n: number, variants: (literal: string, whole: string, cents: string) => string[]): void {
  const member = memberOf(transfer, "amount") as Member;
  const literal = (member.value as Raw).bytes.toString("latin1");
  const minor = parseAmount(Number(literal));
  const whole = String(Math.floor(minor / 100));
  const cents = String(minor % 100).padStart(2, "0");
  member.value = raw(choose(variants(literal, whole, cents), n));
}

const INVALID_UTF8 = [
  [0xff], [0x80], [0x61, 0xc3], [0xc1, 0xa1], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80],
  [0x7a, 0x6f, 0xc3], [0xe6, 0x97], [0xf8, 0x88, 0x80, 0x80, 0x80],
];
const UNKNOWN_KEYS = [
  "memo", "", "senders", "sende", "sendeR", "sxnder", "recipients", "recipien", "recipienT", "rransfers",
  "transfer", "transferS", "atomix", "amounT", "amounts", "__proto__",
];
const JUNK = ["1", '"x"', "null", "true", "[]", "{}", '{"a":[1,{"b":null}]}', "[[[]]]"];
const NON_BOOLEANS = ['"true"', "1", "0", "null", "[]", "{}", '"false"', "tru", "True", "truex", "false0"];
const NOT_JSON_WHITESPACE = ["\f", "\v", "\u00a0", "\u2028", "\ufeff", "\u0000", "\u0085", "\u3000"];

const MUTATIONS: readonly Mutation[] = [
  {
    name: "an escaped character in a key",
    tree: ({ body, transfer, n }) => {
      const member = choose((n[0] % 2 === 0 ? transfer : body).members, n[1]);
      member.key = raw(withEscape(keyOf(member), n[2]));
    },
  },
  {
    name: "an escaped character in a name",
    tree: ({ transfer, n }) => {
      const member = nameMember(transfer, n[0]);
      member.value = raw(withEscape(JSON.parse((member.value as Raw).bytes.toString("utf8")) as string, n[1]));
    },
  },
  {
    name: "a known name that JSON must escape",
    tree: ({ transfer, n }) => {
      nameMember(transfer, n[0]).value = string(choose(ESCAPED_NAMES, n[1]));
    },
  },
  {
    name: "a name that is no account",
    tree: ({ transfer, n }) => {
      nameMember(transfer, n[0]).value = string(choose(UNKNOWN_NAMES, n[1]));
    },
  },
  {
    name: "invalid UTF-8 in a name",
    tree: ({ transfer, n }) => {
      nameMember(transfer, n[0]).value = raw(Buffer.from([0x22, ...choose(INVALID_UTF8, n[1]), 0x22]));
    },
  },
  {
    name: "a raw control character in a name",
    tree: ({ transfer, n }) => {
      nameMember(transfer, n[0]).value = raw(`"a${choose(["\t", "\n", "\r", "\u0001", "\u001f", "\u0000"], n[1])}b"`);
    },
  },
  {
    name: "a name that is not a string",
    tree: ({ transfer, n }) => {
      nameMember(transfer, n[0]).value = raw(choose(["1", "null", "true", '["a"]', '{"a":1}'], n[1]));
    },
  },
  { name: "a string amount", tree: ({ transfer, n }) => changeAmount(transfer, n[0], (literal) => [JSON.stringify(literal)]) },
  {
    name: "an amount with an exponent",
    tree: ({ transfer, n }) =>
      changeAmount(transfer, n[0], (literal, whole, cents) => [
        `${literal}e0`, `${literal}E0`, `${literal}e+0`, `${literal}e-0`, `${whole}${cents}e-2`, `${whole}${cents}E-2`,
      ]),
  },
  {
    name: "an amount with three decimals",
    tree: ({ transfer, n }) => changeAmount(transfer, n[0], (_, whole, cents) => [`${whole}.${cents}0`, `${whole}.${cents}1`, `${whole}.005`]),
  },
  { name: "an amount with a leading zero", tree: ({ transfer, n }) => changeAmount(transfer, n[0], (literal) => [`0${literal}`, `00${literal}`]) },
  { name: "a negative amount", tree: ({ transfer, n }) => changeAmount(transfer, n[0], (literal) => [`-${literal}`, `- ${literal}`]) },
  { name: "a zero amount", tree: ({ transfer, n }) => changeAmount(transfer, n[0], () => ["0", "0.0", "0.00", "-0", "-0.00"]) },
  {
    name: "an amount over the limit",
    tree: ({ transfer, n }) =>
      changeAmount(transfer, n[0], () => ["1000000000000.01", "1000000000000.1", "1000000000001", "9999999999999.99", "9999999999999"]),
  },
  {
    name: "an amount of more than 13 digits before the point",
    tree: ({ transfer, n }) =>
      changeAmount(transfer, n[0], () => ["10000000000000", "12345678901234.5", "100000000000000000000", "99999999999999.99"]),
  },
  {
    name: "an amount that is not a number",
    tree: ({ transfer, n }) =>
      changeAmount(transfer, n[0], () => ["null", "true", "[1]", "{}", '""', "NaN", "Infinity", ".5", "1.", "+1", "0x10", "1.5.5"]),
  },
  {
    name: "a duplicate key in a transfer",
    tree: ({ transfer, n }) => {
      const member = choose(transfer.members, n[0]);
      insertAt(transfer.members, { key: member.key, value: member.value }, n[1]);
    },
  },
  {
    name: "a duplicate key in the body",
    tree: ({ body, n }) => {
      if (n[2] % 3 === 0) {
        insertAt(body.members, { key: string("atomic"), value: raw("true") }, n[1]);
        insertAt(body.members, { key: string("atomic"), value: raw("false") }, n[0]);
        return;
      }
      const member = choose(body.members, n[0]);
      insertAt(body.members, { key: member.key, value: member.value }, n[1]);
    },
  },
  {
    name: "an unknown key in a transfer",
    tree: ({ transfer, n }) => insertAt(transfer.members, { key: string(choose(UNKNOWN_KEYS, n[0])), value: raw(choose(JUNK, n[1])) }, n[2]),
  },
  {
    name: "an unknown key in the body",
    tree: ({ body, n }) => insertAt(body.members, { key: string(choose(UNKNOWN_KEYS, n[0])), value: raw(choose(JUNK, n[1])) }, n[2]),
  },
  {
    name: "a key at the wrong level",
    tree: ({ body, transfer, n }) => {
      if (n[0] % 2 === 0) {
        const [key, value] = choose([["atomic", "true"], ["transfers", "[]"]], n[1]);
        insertAt(transfer.members, { key: string(key), value: raw(value) }, n[2]);
      } else {
        const [key, value] = choose([["sender", '"a"'], ["recipient", '"b"'], ["amount", "1"]], n[1]);
        insertAt(body.members, { key: string(key), value: raw(value) }, n[2]);
      }
    },
  },
  {
    name: "a key in another case",
    tree: ({ body, transfer, n }) => {
      const member = choose((n[0] % 2 === 0 ? transfer : body).members, n[1]);
      const key = keyOf(member);
      member.key = string(choose([key.toUpperCase(), key.charAt(0).toUpperCase() + key.slice(1), key.slice(0, -1) + key.slice(-1).toUpperCase()], n[2]));
    },
  },
  {
    name: "a transfer without one of its keys",
    tree: ({ transfer, n }) => {
      transfer.members.splice(n[0] % transfer.members.length, 1);
    },
  },
  {
    name: "no transfers",
    tree: ({ body }) => {
      body.members.splice(body.members.indexOf(memberOf(body, "transfers") as Member), 1);
    },
  },
  {
    name: "atomic that is not a boolean",
    tree: ({ body, n }) => {
      const value = raw(choose(NON_BOOLEANS, n[0]));
      const member = memberOf(body, "atomic");
      if (member === undefined) insertAt(body.members, { key: string("atomic"), value }, n[1]);
      else member.value = value;
    },
  },
  {
    name: "an empty transfers array",
    tree: ({ body }) => {
      (memberOf(body, "transfers") as Member).value = array([]);
    },
  },
  {
    name: "transfers that are not an array",
    tree: ({ body, transfer, n }) => {
      (memberOf(body, "transfers") as Member).value = choose([raw("{}"), raw("null"), raw('"x"'), raw("1"), transfer], n[0]);
    },
  },
  {
    name: "a transfer that is not an object",
    tree: ({ body, transfer, n }) => {
      const items = transfersOf(body).items;
      items[n[1] % items.length] = choose([raw("1"), raw("null"), raw('"a"'), raw("[]"), array([transfer])], n[0]);
    },
  },
  {
    name: "nested junk around the transfers",
    tree: ({ body, n }) => {
      const member = memberOf(body, "transfers") as Member;
      const transfers = member.value;
      member.value = choose<Json>([
        array([transfers]),
        { kind: "object", members: [{ key: string("transfers"), value: transfers }] },
        array([...(transfers as JsonArray).items, { kind: "object", members: [] }]),
      ], n[0]);
    },
  },
  {
    name: "a trailing comma",
    tree: ({ body, transfer, n }) => {
      choose<JsonObject | JsonArray>([body, transfer, transfersOf(body)], n[0]).trailingComma = true;
    },
  },
  {
    name: "a missing comma",
    tree: ({ transfer }) => {
      transfer.missingComma = true;
    },
  },
  { name: "a byte order mark", bytes: (bytes) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) },
  { name: "a truncated body", bytes: (bytes, n) => bytes.subarray(0, n[0] % bytes.lastIndexOf("}")) },
  {
    name: "trailing garbage",
    bytes: (bytes, n) => Buffer.concat([bytes, Buffer.from(choose(["x", ",", "}", "]", "{}", "0", "\u0000", "//", "\u00a0", "\ufeff", '""'], n[0]))]),
  },
  {
    name: "leading garbage",
    bytes: (bytes, n) => Buffer.concat([Buffer.from(choose(["x", ",", "[", "\u00a0", "\u0000", '""', "//"], n[0])), bytes]),
  },
  {
    name: "whitespace JSON does not allow",
    bytes: (bytes, n) => {
      // The names of the grammar hold none of these bytes, so each is a token of the body.
      const positions = [...bytes.entries()].filter(([, byte]) => "{[:,".includes(String.fromCharCode(byte))).map(([at]) => at + 1);
      const at = choose(positions, n[0]);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(choose(NOT_JSON_WHITESPACE, n[1])), bytes.subarray(at)]);
    },
  },
  {
    name: "a body that is not an object",
    bytes: (bytes, n) => {
      const texts = ["", "null", '"x"', "1", "[]", "true", " "];
      return n[0] % 2 === 0 ? Buffer.concat([Buffer.from("["), bytes, Buffer.from("]")]) : Buffer.from(choose(texts, n[1]));
    },
  },
];

/** A mutation as drawn: which one, which transfer it bends (if it bends one), and its free choices. */
interface DrawnMutation {
  mutation: Mutation;
  transfer: number;
  n: [number, number, number];
}

/** The plan's body as bytes, bent by `drawn` when there is one. */
function bodyOf(plan: BatchPlan, drawn: DrawnMutation | null): Buffer {
  const body = treeOf(plan);
  if (drawn?.mutation.tree !== undefined) {
    const transfers = transfersOf(body).items;
    drawn.mutation.tree({ body, transfer: transfers[drawn.transfer % transfers.length] as JsonObject, n: drawn.n });
  }
  const bytes = render(body, plan.spaces);
  return drawn?.mutation.bytes?.(bytes, drawn.n) ?? bytes;
}

const mutationArbitrary: fc.Arbitrary<DrawnMutation> = fc.record({
  mutation: fc.constantFrom(...MUTATIONS),
  transfer: fc.nat(),
  n: fc.tuple(fc.nat(), fc.nat(), fc.nat()),
});

// ---------------------------------------------------------------------------------------------

describe("batch scanner, against the ordinary reader", () => {
  it("property: when it takes a body, JSON.parse and the schema take it too and read the same batch", () => {
    fc.assert(
      fc.property(planArbitrary, fc.option(mutationArbitrary, { freq: 4 }), (plan, mutation) => {
        const bytes = bodyOf(plan, mutation);
        const scanned = scanner.scan(bytes);
        if (scanned !== null) expectReadLikeTheOrdinaryReader(bytes, scanned);
        // Every valid body of the grammar goes the fast way; every mutated one the ordinary way.
        expect(scanned !== null, `${mutation?.mutation.name ?? "no mutation"}: ${bytes.toString("utf8")}`).toBe(mutation === null);
      }),
      { numRuns: 1000 },
    );
  });

  it("property: when a body is valid, in any whitespace, key order and names, the fast reader takes it", () => {
    fc.assert(
      fc.property(planArbitrary, (plan) => {
        const bytes = bodyOf(plan, null);
        const scanned = scanner.scan(bytes);
        expect(scanned, bytes.toString("utf8")).not.toBeNull();
        expectReadLikeTheOrdinaryReader(bytes, scanned as ScannedBatch);
      }),
      { numRuns: 300 },
    );
  });

  it("when a body gets any one of the mutations, every variant of it makes the fast reader give up", () => {
    // The property draws mutations at random; here each one is tried on a fixed body, many ways.
    const plan: BatchPlan = {
      transfers: [
        { sender: "alice", recipient: "zoë", minor: 150, decimals: 2, order: ["sender", "recipient", "amount"] },
        { sender: "日本", recipient: "acct-7", minor: 1, decimals: 0, order: ["amount", "recipient", "sender"] },
      ],
      atomic: true,
      atomicFirst: false,
      spaces: ["", " ", "\n\t"],
    };
    for (const mutation of MUTATIONS) {
      for (let n = 0; n < 24; n++) {
        const bytes = bodyOf(plan, { mutation, transfer: n >> 3, n: [n, n >> 1, n >> 2] });
        expect(scanner.scan(bytes), `${mutation.name}: ${bytes.toString("utf8")}`).toBeNull();
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------

const VALID = '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}]}';

/** A one-transfer batch whose transfer members are `members`, as written. */
const withTransfer = (members: string): string => `{"transfers":[{${members}}]}`;
/** The valid one-transfer batch with its amount written as `amount`. */
const withAmount = (amount: string): string => withTransfer(`"sender":"alice","recipient":"zoë","amount":${amount}`);

describe("batch scanner, bodies it takes", () => {
  it.each([
    ["the usual compact body", VALID],
    ["atomic true last", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"atomic":true}'],
    ["atomic false first", '{"atomic":false,"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}]}'],
    ["JSON whitespace (space, tab, line feed, return) between every token", ' \t{ "transfers" :\r\n[ {\t"sender"\n:\r"alice" , "recipient" : "zoë" ,"amount" : 1.5 }\n] ,\t"atomic"\r: false }\r\n '],
    ["keys in another order", withTransfer('"amount":1.5,"recipient":"zoë","sender":"alice"')],
    ["a trailing zero decimal (1.50)", withAmount("1.50")],
    ["a zero decimal (1.0)", withAmount("1.0")],
    ["two zero decimals (7.00)", withAmount("7.00")],
    ["an amount below one (0.07)", withAmount("0.07")],
    ["the smallest amount (0.01)", withAmount("0.01")],
    ["the largest amount (1000000000000)", withAmount("1000000000000")],
    ["the largest amount with decimals (1000000000000.00)", withAmount("1000000000000.00")],
    ["names that are not ASCII (日本, 山田 太郎)", withTransfer('"sender":"日本","recipient":"山田 太郎","amount":3')],
    ["a name of 64 astral characters", withTransfer(`"sender":"${"🙂".repeat(64)}","recipient":"a","amount":3`)],
    ["a name with U+2028 and a no-break space", withTransfer('"sender":"line\u2028sep","recipient":"nb\u00a0sp","amount":3')],
    ["a name that is U+FFFD itself", withTransfer('"sender":"\uFFFD","recipient":"a","amount":3')],
    ["the same account as sender and recipient (for the core to refuse)", withTransfer('"sender":"a","recipient":"a","amount":3')],
  ])("when the body has %s, reads it as JSON.parse does", (_, text) => {
    const bytes = Buffer.from(text, "utf8");
    const scanned = scanner.scan(bytes);
    expect(scanned).not.toBeNull();
    expectReadLikeTheOrdinaryReader(bytes, scanned as ScannedBatch);
  });

  it("when amounts are at the edges, reads them in minor units exactly", () => {
    const amounts = ["0.01", "1000000000000", "1000000000000.00", "999999999999.99", "0.1", "1.50", "1.0", "10.05"];
    const scanned = scan(`{"transfers":[${amounts.map((amount) => `{"sender":"a","recipient":"b","amount":${amount}}`).join(",")}]}`);
    expect(Array.from(scanned?.amountsMinor ?? [])).toEqual([1, AMOUNT_MINOR_MAX, AMOUNT_MINOR_MAX, AMOUNT_MINOR_MAX - 1, 10, 150, 100, 1005]);
  });

  it("when atomic is left out, says so with undefined, and runs and reads as the default, true", () => {
    const scanned = scan(VALID) as ScannedBatch;
    expect(scanned.atomicSent).toBeUndefined();
    expect(scanned.atomic).toBe(true);
    expect(scanned.toJSON().atomic).toBe(true);
  });
});

describe("batch scanner, bodies it gives up on", () => {
  it.each<[string, string | Buffer]>([
    ["an escaped letter in a transfer key (\\u0073ender)", withTransfer('"\\u0073ender":"alice","recipient":"zoë","amount":1.5')],
    ["an escaped letter in a body key (tr\\u0061nsfers)", '{"tr\\u0061nsfers":[{"sender":"alice","recipient":"zoë","amount":1.5}]}'],
    ["an escaped letter in atomic (\\u0061tomic)", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"\\u0061tomic":true}'],
    ["an escaped ASCII name (\\u0061lice)", withTransfer('"sender":"\\u0061lice","recipient":"zoë","amount":1.5')],
    ["an escaped non-ASCII name (zo\\u00eb)", withTransfer('"sender":"alice","recipient":"zo\\u00eb","amount":1.5')],
    ["an escaped slash in a name (a\\/b)", withTransfer('"sender":"a\\/b","recipient":"zoë","amount":1.5')],
    ["a known name with an escaped quote", withTransfer(`"sender":${JSON.stringify('say "hi"')},"recipient":"zoë","amount":1.5`)],
    ["a known name with an escaped backslash", withTransfer(`"sender":${JSON.stringify("back\\slash")},"recipient":"zoë","amount":1.5`)],
    ["a string amount", withAmount('"1.50"')],
    ["an exponent (1e2)", withAmount("1e2")],
    ["an exponent with decimals (1.5E0)", withAmount("1.5E0")],
    ["a negative exponent (150e-2)", withAmount("150e-2")],
    ["three decimals (1.500)", withAmount("1.500")],
    ["three decimals (1.005)", withAmount("1.005")],
    ["a leading zero (01.5)", withAmount("01.5")],
    ["two zeros (00)", withAmount("00")],
    ["a negative amount (-1.5)", withAmount("-1.5")],
    ["a zero amount (0)", withAmount("0")],
    ["a zero amount (0.00)", withAmount("0.00")],
    ["a negative zero (-0)", withAmount("-0")],
    ["an amount over the limit (1000000000000.01)", withAmount("1000000000000.01")],
    ["an amount over the limit (1000000000001)", withAmount("1000000000001")],
    ["a 14-digit major part (10000000000000)", withAmount("10000000000000")],
    ["a 20-digit major part", withAmount("12345678901234567890")],
    ["a point with no decimals (1.)", withAmount("1.")],
    ["no digit before the point (.5)", withAmount(".5")],
    ["an amount that is null", withAmount("null")],
    ["an unknown sender", withTransfer('"sender":"ghost","recipient":"zoë","amount":1.5')],
    ["an unknown recipient one case away (Alice)", withTransfer('"sender":"zoë","recipient":"Alice","amount":1.5')],
    ["a decomposed name (zoe + U+0308) where the account is composed", withTransfer('"sender":"alice","recipient":"zoe\u0308","amount":1.5')],
    ["an empty name", withTransfer('"sender":"","recipient":"zoë","amount":1.5')],
    ["a name of 65 characters", withTransfer(`"sender":"${"x".repeat(65)}","recipient":"zoë","amount":1.5`)],
    ["invalid UTF-8 in a name (a lone 0xFF)", Buffer.concat([Buffer.from('{"transfers":[{"sender":"'), Buffer.from([0xff]), Buffer.from('","recipient":"a","amount":1}]}')])],
    ["invalid UTF-8 in a name (ë cut short)", Buffer.concat([Buffer.from('{"transfers":[{"sender":"zo'), Buffer.from([0xc3]), Buffer.from('","recipient":"a","amount":1}]}')])],
    ["invalid UTF-8 in a name (an overlong a)", Buffer.concat([Buffer.from('{"transfers":[{"sender":"'), Buffer.from([0xc1, 0xa1]), Buffer.from('","recipient":"b","amount":1}]}')])],
    ["invalid UTF-8 in a name (an encoded surrogate)", Buffer.concat([Buffer.from('{"transfers":[{"sender":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","recipient":"b","amount":1}]}')])],
    ["a raw tab in a name", withTransfer('"sender":"a\tb","recipient":"zoë","amount":1.5')],
    ["a name that is a number", withTransfer('"sender":1,"recipient":"zoë","amount":1.5')],
    ["a duplicate sender", withTransfer('"sender":"alice","sender":"alice","recipient":"zoë","amount":1.5')],
    ["a duplicate amount", withTransfer('"sender":"alice","recipient":"zoë","amount":1.5,"amount":2')],
    ["a duplicate atomic", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"atomic":true,"atomic":false}'],
    ["a duplicate transfers", `{"transfers":[{"sender":"a","recipient":"b","amount":1}],"transfers":${VALID.slice(13, -1)}}`],
    ["an unknown key in a transfer", withTransfer('"sender":"alice","recipient":"zoë","amount":1.5,"memo":"x"')],
    ["an unknown key in the body", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"note":{"a":[1,{"b":null}]}}'],
    ["__proto__ in a transfer", withTransfer('"sender":"alice","recipient":"zoë","amount":1.5,"__proto__":{"x":1}')],
    ["a key in another case (Sender)", withTransfer('"Sender":"alice","recipient":"zoë","amount":1.5')],
    ["a key of the same length and first letter (sxnder)", withTransfer('"sxnder":"alice","recipient":"zoë","amount":1.5')],
    ["a key of the body inside a transfer (atomic)", withTransfer('"sender":"alice","recipient":"zoë","amount":1.5,"atomic":true')],
    ["a key of a transfer in the body (sender)", '{"sender":"a","transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}]}'],
    ["a transfer without an amount", withTransfer('"sender":"alice","recipient":"zoë"')],
    ["no transfers", '{"atomic":true}'],
    ["an empty object", "{}"],
    ["atomic as a string", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"atomic":"true"}'],
    ["atomic as a number", '{"atomic":1,"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}]}'],
    ["atomic as null", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"atomic":null}'],
    ["atomic followed by letters (truex)", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5}],"atomic":truex}'],
    ["an empty transfers array", '{"transfers":[]}'],
    ["transfers as an object", '{"transfers":{"sender":"alice","recipient":"zoë","amount":1.5}}'],
    ["a transfer inside an array", '{"transfers":[[{"sender":"alice","recipient":"zoë","amount":1.5}]]}'],
    ["an empty transfer after a good one", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5},{}]}'],
    ["a trailing comma in the array", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5},]}'],
    ["a trailing comma in a transfer", withTransfer('"sender":"alice","recipient":"zoë","amount":1.5,')],
    ["a missing comma", withTransfer('"sender":"alice" "recipient":"zoë","amount":1.5')],
    ["a missing comma between transfers", '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1.5} {"sender":"alice","recipient":"zoë","amount":1.5}]}'],
    ["a byte order mark", `\ufeff${VALID}`],
    ["a body cut before its last brace", VALID.slice(0, -1)],
    ["a body cut inside a name", VALID.slice(0, 30)],
    ["a body cut inside an amount's decimals", VALID.slice(0, VALID.indexOf("1.5") + 2)],
    ["trailing garbage", `${VALID}x`],
    ["a second body after the first", `${VALID}${VALID}`],
    ["a form feed between tokens", `{\f${VALID.slice(1)}`],
    ["a no-break space between tokens", `{\u00a0${VALID.slice(1)}`],
    ["a body that is an array", `[${VALID}]`],
    ["an empty body", ""],
    ["a body of whitespace only", " \n"],
  ])("when the body has %s, returns null", (_, body) => {
    expect(scan(body)).toBeNull();
  });
});

describe("batch scanner, at the batch size limit", () => {
  const transfersText = (count: number): string =>
    Array.from({ length: count }, (_, index) => `{"sender":"acct-${index % 600}","recipient":"bob","amount":0.01}`).join(",");

  it(`when a body holds exactly ${BATCH_SIZE_MAX} transfers, takes all of them`, () => {
    const bytes = Buffer.from(`{"transfers":[${transfersText(BATCH_SIZE_MAX)}],"atomic":false}`);
    const scanned = scanner.scan(bytes) as ScannedBatch;
    expect(scanned).not.toBeNull();
    expect(scanned.count).toBe(BATCH_SIZE_MAX);
    expect(scanned.senders).toHaveLength(BATCH_SIZE_MAX);
    expect(scanned.senders[BATCH_SIZE_MAX - 1]).toBe(ledgerOf(bank).find(`acct-${(BATCH_SIZE_MAX - 1) % 600}`));
    expectReadLikeTheOrdinaryReader(bytes, scanned);
  });

  it(`when a body holds ${BATCH_SIZE_MAX + 1} transfers, returns null`, () => {
    expect(scan(`{"transfers":[${transfersText(BATCH_SIZE_MAX + 1)}]}`)).toBeNull();
  });
});

describe("batch scanner, from body to body", () => {
  const batchText = (count: number, offset: number): string =>
    JSON.stringify({
      transfers: Array.from({ length: count }, (_, index) => ({
        sender: `acct-${(index + offset) % 600}`,
        recipient: choose(SPECIAL_NAMES, index + offset),
        amount: (index + offset + 1) / 100,
      })),
    });

  it("when one scanner reads a long body, then a short one, then a long one, each result keeps its own columns", () => {
    const texts = [batchText(300, 0), batchText(2, 7), batchText(120, 40)];
    const results = texts.map((text) => scan(text) as ScannedBatch);
    // A body given up on after many transfers writes into the scanner's buffers too.
    expect(scan(batchText(500, 3).replace(/}$/, ',"atomic":null}'))).toBeNull();
    results.forEach((scanned, index) => {
      const text = texts[index] as string;
      expect(scanned.count).toBe((JSON.parse(text) as ParsedBatch).transfers.length);
      expectReadLikeTheOrdinaryReader(Buffer.from(text), scanned);
    });
    expect(results[0]?.senders.buffer).not.toBe(results[2]?.senders.buffer);
  });

  it("when the caller reuses the body's buffer afterwards, the result does not change", () => {
    const text = batchText(40, 11);
    const bytes = Buffer.from(text);
    const scanned = scanner.scan(bytes) as ScannedBatch;
    bytes.fill(0x20);
    expectReadLikeTheOrdinaryReader(Buffer.from(text), scanned);
  });
});
