// Bodies a hostile client writes: nesting deep enough to exhaust a recursion, bytes that are not
// UTF-8, a key named twice. Each is a 400 problem of its own on every JSON route and through both
// batch readers, changes nothing, keeps no idempotency key and logs nothing above info.

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type BankApp } from "../../src/http/app.js";
import { JSON_DEPTH_MAX } from "../../src/http/limits.js";
import { appWith, expectProblem, FIXED_TIME_MS, REPLAYED, snapshot, type JsonResponse } from "./helpers.js";

/** A JSON route, a valid body for it, and that body with its `amount` (or balance) as raw JSON. */
interface Route {
  what: string;
  url: string;
  withValue: (value: string) => string;
}

const ROUTES: Route[] = [
  { what: "account opening", url: "/accounts", withValue: (value) => `{"name":"carol","initial_balance":${value}}` },
  { what: "deposit", url: "/accounts/alice/deposits", withValue: (value) => `{"amount":${value}}` },
  { what: "withdrawal", url: "/accounts/alice/withdrawals", withValue: (value) => `{"amount":${value}}` },
  { what: "transfer", url: "/transfers", withValue: (value) => `{"sender":"alice","recipient":"bob","amount":${value}}` },
  {
    what: "batch (fast reader's shape)",
    url: "/transfers/batch",
    withValue: (value) => `{"transfers":[{"sender":"alice","recipient":"bob","amount":${value}}]}`,
  },
  {
    what: "batch (ordinary reader)",
    url: "/transfers/batch",
    // An escape in a name makes the fast reader decline the body.
    withValue: (value) => `{"transfers":[{"sender":"\\u0061lice","recipient":"bob","amount":${value}}],"atomic":true}`,
  },
];

/** `value` inside `depth` nested arrays. */
function nested(depth: number, value = "5"): string {
  return `${"[".repeat(depth)}${value}${"]".repeat(depth)}`;
}

function bankWith(balances: Record<string, number>): Bank {
  const bank = new Bank({ clock: () => FIXED_TIME_MS });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return bank;
}

/** An app logging at info into `lines`, one JSON object a line. */
function loggingApp(bank: Bank, lines: { level: number; msg: string }[]): BankApp {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as { level: number; msg: string });
      done();
    },
  });
  return buildApp({ bank, logger: { level: "info", stream } });
}

async function post(app: BankApp, url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<JsonResponse> {
  const response = await app.inject({ method: "POST", url, payload: body, headers: { "content-type": "application/json", ...headers } });
  let parsed: unknown = response.body;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    // Keep the text.
  }
  return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
}

const PINO_INFO = 30;

describe("a body nested deeper than JSON_DEPTH_MAX", () => {
  it.each(ROUTES)("when a $what nests 5,000 deep with an Idempotency-Key, answers 400 JSON_TOO_DEEP, keeps no key and logs nothing above info", async (route) => {
    const bank = bankWith({ alice: 100, bob: 0 });
    const lines: { level: number; msg: string }[] = [];
    const app = loggingApp(bank, lines);
    const before = snapshot(bank);
    const key = { "idempotency-key": "deep-1" };
    const response = await post(app, route.url, route.withValue(nested(5000)), key);
    expect(expectProblem(response, 400, "JSON_TOO_DEEP")).toBe(`Body nests arrays and objects more than ${JSON_DEPTH_MAX} deep`);
    expect(snapshot(bank)).toEqual(before);
    expect(lines.filter((line) => line.level > PINO_INFO)).toEqual([]);
    // The key was released: the corrected request runs, and is not a replay of the refusal.
    const corrected = await post(app, route.url, route.withValue("5"), key);
    expect(corrected.status, corrected.text).toBeLessThan(300);
    expect(corrected.headers[REPLAYED]).toBeUndefined();
    await app.close();
  });

  it("when a batch nests 100,000 deep, answers 400 JSON_TOO_DEEP", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    expectProblem(await post(app, "/transfers/batch", `{"transfers":[${nested(100_000)}]}`), 400, "JSON_TOO_DEEP");
    expect(snapshot(bank)).toEqual(before);
  });

  it.each(ROUTES)("when a $what nests exactly JSON_DEPTH_MAX deep, it is read, and refused by its schema only", async (route) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    // The route's own objects and lists count towards the depth.
    const own = route.url === "/transfers/batch" ? 3 : 1;
    expectProblem(await post(app, route.url, route.withValue(nested(JSON_DEPTH_MAX - own))), 400, "INVALID_REQUEST");
    expectProblem(await post(app, route.url, route.withValue(nested(JSON_DEPTH_MAX - own + 1))), 400, "JSON_TOO_DEEP");
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("a body that is not well-formed UTF-8", () => {
  const latin1 = (text: string) => Buffer.from(text, "latin1");

  it("when a name carries the byte 0xFF, the account is not opened, and 0xFE does not reach it either", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const before = snapshot(bank);
    const opening = await post(app, "/accounts", latin1('{"name": "mallory-\xff", "initial_balance": 5}'));
    expect(expectProblem(opening, 400, "INVALID_UTF8")).toBe("Body is not well-formed UTF-8");
    expect(bank.hasAccount("mallory-\ufffd")).toBe(false);
    const transfer = await post(app, "/transfers", latin1('{"sender": "mallory-\xfe", "recipient": "alice", "amount": 1}'));
    expectProblem(transfer, 400, "INVALID_UTF8");
    expect(snapshot(bank)).toEqual(before);
  });

  it.each(ROUTES)("when a $what has an invalid byte, answers 400 INVALID_UTF8 and changes nothing", async (route) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const body = Buffer.concat([Buffer.from(route.withValue("5")), Buffer.from([0x20, 0xc0, 0x80])]);
    expectProblem(await post(app, route.url, body), 400, "INVALID_UTF8");
    expect(snapshot(bank)).toEqual(before);
  });

  it.each<[string, (name: string) => string]>([
    ["the fast reader's shape", (name) => `{"transfers":[{"sender":"${name}","recipient":"bob","amount":1}]}`],
    ["a shape for the ordinary reader", (name) => `{"transfers":[{"sender":"${name}","recipient":"bob","amount":1.000}]}`],
  ])("when a batch in %s names 'mallory-\\xff' and 'mallory-\\ufffd' exists, moves nothing from it", async (_shape, body) => {
    const { app, bank } = appWith({ "mallory-\ufffd": 100, bob: 0 });
    const before = snapshot(bank);
    expectProblem(await post(app, "/transfers/batch", latin1(body("mallory-\xff"))), 400, "INVALID_UTF8");
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("a body naming a key twice in one object", () => {
  it.each(ROUTES)("when a $what names its amount twice, answers 400 DUPLICATE_KEY naming it and changes nothing", async (route) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const body = route.withValue('1,"amount":5').replace('"initial_balance":1,"amount"', '"initial_balance":1,"initial_balance"');
    const key = route.url === "/accounts" ? "initial_balance" : "amount";
    const response = await post(app, route.url, body, { "idempotency-key": "twice-1" });
    expect(expectProblem(response, 400, "DUPLICATE_KEY")).toBe(`Body has the key '${key}' twice in one object`);
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the second spelling is escaped, it is still the same key", async () => {
    const { app } = appWith({ alice: 100 });
    const response = await post(app, "/accounts/alice/deposits", '{"amount": 1, "\\u0061mount": 5}');
    expect(expectProblem(response, 400, "DUPLICATE_KEY")).toBe("Body has the key 'amount' twice in one object");
  });

  it.each<[string, string]>([
    ["the body", '{"transfers":[{"sender":"alice","recipient":"bob","amount":1}],"atomic":true,"atomic":false}'],
    ["a transfer, the fast reader's shape", '{"transfers":[{"sender":"alice","recipient":"bob","sender":"bob","amount":1}]}'],
    ["a transfer, the ordinary reader's shape", '{"transfers":[{"sender":"alice","recipient":"bob","sender":"bob","amount":1e0}]}'],
    ["the body's transfers", '{"transfers":[{"sender":"alice","recipient":"bob","amount":1}],"transfers":[]}'],
  ])("when a batch names a key twice in %s, both readers refuse it and nothing is applied", async (_where, body) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    expectProblem(await post(app, "/transfers/batch", body), 400, "DUPLICATE_KEY");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when each transfer of a batch has the same keys, that is no duplicate", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const one = '{"sender":"alice","recipient":"bob","amount":1.000}';
    const response = await post(app, "/transfers/batch", `{"transfers":[${one},${one}]}`);
    expect(response.status, response.text).toBe(200);
    expect(bank.getAccount("bob").balance).toBe(2);
  });
});
