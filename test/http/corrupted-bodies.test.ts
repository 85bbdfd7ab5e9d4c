// A property of every JSON route: take a random valid request, corrupt its body (bytes that are not
// UTF-8, nesting past JSON_DEPTH_MAX, a key named twice, a cut), and the answer is the 4xx problem
// of that corruption, never a 5xx, and the bank is unchanged; with an Idempotency-Key the key is
// not kept, so the valid request then runs. Batches go through both readers.

import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { JSON_DEPTH_MAX } from "../../src/http/limits.js";
import { appWith, expectProblem, REPLAYED, snapshot, type JsonResponse } from "./helpers.js";

/** A JSON value as a tree, so that a corruption can reach into any object or leaf. */
type Value = { leaf: string } | { members: [string, Value][] } | { items: Value[] };

function write(value: Value): string {
  if ("leaf" in value) return value.leaf;
  if ("items" in value) return `[${value.items.map(write).join(",")}]`;
  return `{${value.members.map(([key, member]) => `${key}:${write(member)}`).join(",")}}`;
}

const NAMES = ["alice", "bob", "zoë", "山田"];
const leaf = (text: string): Value => ({ leaf: text });
const key = (name: string) => JSON.stringify(name);
/** `"\u0061lice"` for "alice": the same name, but an escape the fast batch reader declines. */
const escaped = (name: string) => `"\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${name.slice(1)}"`;

const amount = fc.integer({ min: 1, max: 10_000 }).map((cents) => leaf(JSON.stringify(cents / 100)));
const name = fc.constantFrom(...NAMES);
const twoNames = fc.uniqueArray(name, { minLength: 2, maxLength: 2 }) as fc.Arbitrary<[string, string]>;

interface Sent {
  url: string;
  body: Value;
}

const transferMembers = (writeName: (name: string) => string) =>
  fc.tuple(twoNames, amount).map(([[sender, recipient], value]): [string, Value][] => [
    [key("sender"), leaf(writeName(sender))],
    [key("recipient"), leaf(writeName(recipient))],
    [key("amount"), value],
  ]);

const batch = (writeName: (name: string) => string) =>
  fc.tuple(fc.array(transferMembers(writeName), { minLength: 1, maxLength: 4 }), fc.option(fc.boolean(), { nil: undefined }))
    .map(([transfers, atomic]): Sent => ({
      url: "/transfers/batch",
      body: {
        members: [
          [key("transfers"), { items: transfers.map((members) => ({ members })) }],
          ...(atomic === undefined ? [] : [[key("atomic"), leaf(String(atomic))] as [string, Value]]),
        ],
      },
    }));

const REQUESTS: fc.Arbitrary<Sent> = fc.oneof(
  fc.tuple(fc.constantFrom("carol", "dora", "élan"), amount).map(([opened, value]): Sent => ({
    url: "/accounts",
    body: { members: [[key("name"), leaf(key(opened))], [key("initial_balance"), value]] },
  })),
  fc.tuple(name, fc.constantFrom("deposits", "withdrawals"), amount).map(([owner, kind, value]): Sent => ({
    url: `/accounts/${encodeURIComponent(owner)}/${kind}`,
    body: { members: [[key("amount"), value]] },
  })),
  transferMembers(key).map((members): Sent => ({ url: "/transfers", body: { members } })),
  batch(key),
  batch(escaped),
);

/** Every object in `value`, outermost first. */
function objectsOf(value: Value): { members: [string, Value][] }[] {
  if ("leaf" in value) return [];
  if ("items" in value) return value.items.flatMap(objectsOf);
  return [value, ...value.members.flatMap(([, member]) => objectsOf(member))];
}

/** Every scalar in `value`. */
function leavesOf(value: Value): { leaf: string }[] {
  if ("leaf" in value) return [value];
  if ("items" in value) return value.items.flatMap(leavesOf);
  return value.members.flatMap(([, member]) => leavesOf(member));
}

/** A corruption of a body: its bytes, and the problem codes it may be refused with. */
type Corruption = (body: Value, pick: number, size: number) => [bytes: Buffer, codes: string[]];

// Byte sequences that are never well-formed UTF-8, wherever they are inserted.
const INVALID_SEQUENCES = [[0xff], [0xfe], [0x80], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

const CORRUPTIONS: [string, Corruption][] = [
  ["bytes that are not UTF-8", (body, pick, size) => {
    const bytes = Buffer.from(write(body));
    const at = pick % (bytes.length + 1);
    const inserted = Buffer.from(INVALID_SEQUENCES[size % INVALID_SEQUENCES.length] as number[]);
    return [Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]), ["INVALID_UTF8"]];
  }],
  ["nesting past the limit", (body, pick, size) => {
    const copy = structuredClone(body);
    const leaves = leavesOf(copy);
    const target = leaves[pick % leaves.length] as { leaf: string };
    const depth = JSON_DEPTH_MAX + (size % 3000);
    target.leaf = `${"[".repeat(depth)}${target.leaf}${"]".repeat(depth)}`;
    return [Buffer.from(write(copy)), ["JSON_TOO_DEEP"]];
  }],
  ["a key named twice", (body, pick, size) => {
    const copy = structuredClone(body);
    const objects = objectsOf(copy);
    const target = objects[pick % objects.length] as { members: [string, Value][] };
    const [named] = target.members[size % target.members.length] as [string, Value];
    target.members.splice(size % (target.members.length + 1), 0, [named, leaf("1")]);
    return [Buffer.from(write(copy)), ["DUPLICATE_KEY"]];
  }],
  ["a cut", (body, pick) => {
    const bytes = Buffer.from(write(body));
    // A cut inside a character of several bytes leaves bytes that are not UTF-8.
    return [bytes.subarray(0, pick % bytes.length), ["MALFORMED_JSON", "INVALID_UTF8"]];
  }],
];

describe.each(CORRUPTIONS)("a valid request whose body has %s", (_corruption, corrupt) => {
  const { app, bank } = appWith(Object.fromEntries(NAMES.map((owner) => [owner, 100])));
  afterAll(() => app.close());
  let keys = 0;

  it("is refused with that corruption's 4xx problem, changes nothing, and keeps no idempotency key", async () => {
    await fc.assert(
      fc.asyncProperty(REQUESTS, fc.nat(), fc.nat(), fc.boolean(), async (sent, pick, size, withKey) => {
        const [bytes, codes] = corrupt(sent.body, pick, size);
        const headers = { "content-type": "application/json", ...(withKey && { "idempotency-key": `corrupt-${++keys}` }) };
        const before = snapshot(bank);
        const refused = toJson(await app.inject({ method: "POST", url: sent.url, payload: bytes, headers }));
        const code = (refused.body as { code?: string }).code ?? "";
        expect(codes, refused.text).toContain(code);
        expectProblem(refused, 400, code);
        expect(snapshot(bank)).toEqual(before);
        if (!withKey) return;
        const valid = toJson(await app.inject({ method: "POST", url: sent.url, payload: write(sent.body), headers }));
        expect(valid.status, valid.text).toBeLessThan(500);
        expect(valid.headers[REPLAYED]).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });
});

function toJson(response: { statusCode: number; headers: Record<string, unknown>; body: string }): JsonResponse {
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as unknown, text: response.body };
}
