// Hostile and sloppy input, table-driven: every case must get a 4xx problem and change nothing
// (balances, histories, journal). No input may produce a 5xx.

import { describe, expect, it } from "vitest";
import { HOLD_TIMEOUT_SECONDS_MAX, NAME_LENGTH_MAX } from "../../src/index.js";
import { BODY_LIMIT_BYTES } from "../../src/http/limits.js";
import { appWith, expectProblem, request, snapshot } from "./helpers.js";

type Method = "GET" | "POST";
// [what, method, url, body (a string is sent raw), expected status, expected code, headers]
type Case = [string, Method, string, unknown, number, string, Record<string, string>?];

const AMOUNT_ROUTES: [string, string, (amount: string) => string][] = [
  ["deposit", "/accounts/alice/deposits", (amount) => `{"amount": ${amount}}`],
  ["withdrawal", "/accounts/alice/withdrawals", (amount) => `{"amount": ${amount}}`],
  ["transfer", "/transfers", (amount) => `{"sender": "alice", "recipient": "bob", "amount": ${amount}}`],
  ["opening", "/accounts", (amount) => `{"name": "carol", "initial_balance": ${amount}}`],
];

// Raw JSON text for the amount, and what each must be refused as.
const BAD_AMOUNTS: [string, string][] = [
  ["NaN", "MALFORMED_JSON"],
  ["Infinity", "MALFORMED_JSON"],
  ["-Infinity", "MALFORMED_JSON"],
  ["1e400", "INVALID_REQUEST"],
  ["0.001", "INVALID_AMOUNT"],
  ["1.005", "INVALID_AMOUNT"],
  ["1e20", "INVALID_AMOUNT"],
  ["1000000000000.01", "INVALID_AMOUNT"],
  ["true", "INVALID_REQUEST"],
  ["false", "INVALID_REQUEST"],
  ["null", "INVALID_REQUEST"],
  ["[]", "INVALID_REQUEST"],
  ["[5]", "INVALID_REQUEST"],
  ["{}", "INVALID_REQUEST"],
  ['{"value": 5}', "INVALID_REQUEST"],
  ['"NaN"', "INVALID_AMOUNT"],
  ['"Infinity"', "INVALID_AMOUNT"],
  ['"1e3"', "INVALID_AMOUNT"],
  ['"0x10"', "INVALID_AMOUNT"],
  ['" 5"', "INVALID_AMOUNT"],
  ['"5 "', "INVALID_AMOUNT"],
  ['"+5"', "INVALID_AMOUNT"],
  ['"5."', "INVALID_AMOUNT"],
  ['".5"', "INVALID_AMOUNT"],
  ['"1,000.00"', "INVALID_AMOUNT"],
  ['"١٢"', "INVALID_AMOUNT"],
  ['""', "INVALID_AMOUNT"],
  ['"5.001"', "INVALID_AMOUNT"],
  [`"${"9".repeat(40)}"`, "INVALID_REQUEST"],
];

// The amounts of holds: a new one's, and a post's of hold 1.
const AMOUNT_ROUTES_OF_HOLDS: [string, string, (amount: string) => string][] = [
  ["hold", "/holds", (amount) => `{"sender": "alice", "recipient": "bob", "amount": ${amount}}`],
  ["post", "/holds/1/post", (amount) => `{"amount": ${amount}}`],
];

// Zero and negatives differ only in the code: an opening balance may be zero.
const NON_POSITIVE: [string, string, string][] = [
  ["-0", "NEGATIVE_AMOUNT", "NEGATIVE_INITIAL_BALANCE"],
  ["-5", "NEGATIVE_AMOUNT", "NEGATIVE_INITIAL_BALANCE"],
  ['"-5.00"', "NEGATIVE_AMOUNT", "NEGATIVE_INITIAL_BALANCE"],
  ["0", "NEGATIVE_AMOUNT", ""],
];

const amountCases: Case[] = AMOUNT_ROUTES.flatMap(([route, url, body]) => [
  ...BAD_AMOUNTS.map(([amount, code]): Case => [`${route} amount ${amount.slice(0, 12)}`, "POST", url, body(amount), 400, code]),
  ...NON_POSITIVE.filter(([, , opening]) => route !== "opening" || opening !== "").map(
    ([amount, code, opening]): Case =>
      [`${route} amount ${amount}`, "POST", url, body(amount), 400, route === "opening" ? opening : code],
  ),
]);

const long = "n".repeat(10_000);
const shapeCases: Case[] = [
  ["empty body", "POST", "/transfers", "", 400, "MALFORMED_JSON"],
  ["no body, no content type", "POST", "/accounts/alice/deposits", undefined, 400, "INVALID_REQUEST"],
  ["truncated JSON", "POST", "/transfers", '{"sender": "alice", "recipient": "bob", "amount": 5', 400, "MALFORMED_JSON"],
  ["JSON null", "POST", "/transfers", "null", 400, "INVALID_REQUEST"],
  ["JSON array", "POST", "/transfers", '[{"sender": "alice", "recipient": "bob", "amount": 5}]', 400, "INVALID_REQUEST"],
  ["JSON string", "POST", "/accounts/alice/deposits", '"5"', 400, "INVALID_REQUEST"],
  ["unknown field", "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5, memo: "x" }, 400, "INVALID_REQUEST"],
  ["prototype key", "POST", "/accounts/alice/deposits", '{"amount": 5, "__proto__": {"amount": 1}}', 400, "MALFORMED_JSON"],
  ["missing amount", "POST", "/transfers", { sender: "alice", recipient: "bob" }, 400, "INVALID_REQUEST"],
  ["missing recipient", "POST", "/transfers", { sender: "alice", amount: 5 }, 400, "INVALID_REQUEST"],
  ["numeric name", "POST", "/transfers", { sender: 1, recipient: "bob", amount: 5 }, 400, "INVALID_REQUEST"],
  ["null name", "POST", "/accounts", { name: null, initial_balance: 1 }, 400, "INVALID_REQUEST"],
  ["empty name", "POST", "/accounts", { name: "", initial_balance: 1 }, 400, "INVALID_REQUEST"],
  ["10,000-character name", "POST", "/accounts", { name: long, initial_balance: 1 }, 400, "INVALID_REQUEST"],
  ["10,000-character sender", "POST", "/transfers", { sender: long, recipient: "bob", amount: 5 }, 400, "INVALID_REQUEST"],
  ["name with a NUL", "POST", "/accounts", { name: "a\u0000b", initial_balance: 1 }, 400, "INVALID_NAME"],
  ["name with a lone surrogate", "POST", "/accounts", '{"name": "a\\ud800", "initial_balance": 1}', 400, "INVALID_NAME"],
  ["existing name", "POST", "/accounts", { name: "alice", initial_balance: 1 }, 409, "ACCOUNT_EXISTS"],
  ["text/plain body", "POST", "/transfers", "sender=alice", 415, "UNSUPPORTED_MEDIA_TYPE", { "content-type": "text/plain" }],
  ["form body", "POST", "/transfers", "a=1", 415, "UNSUPPORTED_MEDIA_TYPE",
    { "content-type": "application/x-www-form-urlencoded" }],
  ["body over the limit", "POST", "/transfers", `{"amount": 5${" ".repeat(BODY_LIMIT_BYTES)}}`, 413, "BODY_TOO_LARGE"],
  ["unknown sender", "POST", "/transfers", { sender: "ghost", recipient: "bob", amount: 5 }, 404, "ACCOUNT_NOT_FOUND"],
  ["empty name in path", "POST", "/accounts//deposits", { amount: 5 }, 400, "INVALID_REQUEST"],
  ["NUL in path", "POST", "/accounts/%00/deposits", { amount: 5 }, 400, "INVALID_NAME"],
  ["bad percent-encoding", "POST", "/accounts/%ZZ/deposits", { amount: 5 }, 400, "BAD_REQUEST"],
  ["encoded lone surrogate", "GET", "/accounts/%ED%A0%80", undefined, 400, "BAD_REQUEST"],
  ["name in path over the limit", "GET", `/accounts/${"a".repeat(NAME_LENGTH_MAX + 1)}`, undefined, 400, "INVALID_REQUEST"],
  ["10,000-character name in path", "POST", `/accounts/${long}/deposits`, { amount: 5 }, 414, "URI_TOO_LONG"],
  ["unknown query parameter", "GET", "/accounts?sort=desc", undefined, 400, "INVALID_REQUEST"],
  ["negative page size", "GET", "/accounts?limit=-1", undefined, 400, "INVALID_REQUEST"],
  ["over-long cursor", "GET", `/accounts?after=${long}`, undefined, 400, "INVALID_REQUEST"],
  // An integer in a query is decimal digits, as in JSON: no exponent, no hexadecimal, no spaces.
  ["huge history cursor", "GET", "/accounts/alice/history?before=1e400", undefined, 400, "INVALID_REQUEST"],
  ["infinite page size", "GET", "/accounts/alice/history?limit=Infinity", undefined, 400, "INVALID_REQUEST"],
  ["page size with an exponent", "GET", "/accounts?limit=1e2", undefined, 400, "INVALID_REQUEST"],
  ["hexadecimal page size", "GET", "/accounts?limit=0x10", undefined, 400, "INVALID_REQUEST"],
  ["page size after a space", "GET", "/accounts?limit=%2010", undefined, 400, "INVALID_REQUEST"],
  ["page size before a space", "GET", "/accounts/alice/history?limit=10%20", undefined, 400, "INVALID_REQUEST"],
  ["page size with a plus sign", "GET", "/accounts?limit=%2B10", undefined, 400, "INVALID_REQUEST"],
  ["page size with a leading zero", "GET", "/accounts?limit=010", undefined, 400, "INVALID_REQUEST"],
  ["empty page size", "GET", "/accounts?limit=", undefined, 400, "INVALID_REQUEST"],
  ["history cursor with a decimal point", "GET", "/accounts/alice/history?before=1.0", undefined, 400, "INVALID_REQUEST"],
  ["cursor of a byte that is not UTF-8", "GET", "/accounts?after=%FF", undefined, 400, "BAD_REQUEST"],
  ["cursor with a broken escape", "GET", "/accounts?after=%E0%A4%A", undefined, 400, "BAD_REQUEST"],
  ["cursor of an encoded lone surrogate", "GET", "/accounts?after=%ED%A0%80", undefined, 400, "BAD_REQUEST"],
  ["query with a bad escape on a route without a query", "POST", "/transfers?x=%ZZ", { sender: "alice", recipient: "bob", amount: 5 },
    400, "BAD_REQUEST"],
  // A route that reads no query refuses any parameter, as a body refuses an unknown field.
  ["query parameter on a transfer", "POST", "/transfers?amount=500", { sender: "alice", recipient: "bob", amount: 5 }, 400, "INVALID_REQUEST"],
  ["query parameter on an account", "GET", "/accounts/alice?fields=balance", undefined, 400, "INVALID_REQUEST"],
  ["query parameter on the summary", "GET", "/summary?x=1", undefined, 400, "INVALID_REQUEST"],
  ["deposit reference with a space", "POST", "/accounts/alice/deposits", { amount: 5, reference: "inv 1" }, 400, "INVALID_REQUEST"],
  ["withdrawal reference of 65 characters", "POST", "/accounts/alice/withdrawals", { amount: 5, reference: "r".repeat(65) }, 400,
    "INVALID_REQUEST"],
  ["transfer reference that is empty", "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5, reference: "" }, 400,
    "INVALID_REQUEST"],
  ["transfer reference that is not ASCII", "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5, reference: "été" }, 400,
    "INVALID_REQUEST"],
  ["transfer reference that is a number", "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5, reference: 7 }, 400,
    "INVALID_REQUEST"],
  ["history of an unknown type", "GET", "/accounts/alice/history?type=refund", undefined, 400, "INVALID_REQUEST"],
  ["history reference with a space", "GET", "/accounts/alice/history?reference=a%20b", undefined, 400, "INVALID_REQUEST"],
  ["history from without a time zone", "GET", "/accounts/alice/history?from=2025-01-02T03:04:05", undefined, 400, "INVALID_REQUEST"],
  ["history from that is only a date", "GET", "/accounts/alice/history?from=2025-01-02", undefined, 400, "INVALID_REQUEST"],
  ["history to that is not a date", "GET", "/accounts/alice/history?to=yesterday", undefined, 400, "INVALID_REQUEST"],
  ["history to of a day February lacks", "GET", "/accounts/alice/history?to=2025-02-30T00:00:00Z", undefined, 400, "INVALID_REQUEST"],
  ["history to given twice", "GET", "/accounts/alice/history?to=2025-01-02T03:04:05Z&to=2025-01-03T03:04:05Z", undefined, 400,
    "INVALID_REQUEST"],
  ["history to in milliseconds since the epoch", "GET", "/accounts/alice/history?to=1735787045000", undefined, 400, "INVALID_REQUEST"],
  ["history from after to", "GET", "/accounts/alice/history?from=2025-01-03T00:00:00Z&to=2025-01-02T00:00:00Z", undefined, 400,
    "INVALID_ARGUMENT"],
  ["history from at a leap second", "GET", "/accounts/alice/history?from=2016-12-31T23:59:60Z", undefined, 400, "INVALID_ARGUMENT"],
  ["balance at without a time zone", "GET", "/accounts/alice/balance?at=2025-01-02T03:04:05", undefined, 400, "INVALID_REQUEST"],
  ["balance at before the account was opened", "GET", "/accounts/alice/balance?at=2025-01-01T00:00:00Z", undefined, 400, "INVALID_ARGUMENT"],
  ["balance with an unknown query parameter", "GET", "/accounts/alice/balance?on=2025-01-02T03:04:05Z", undefined, 400, "INVALID_REQUEST"],
  ["balance of an unknown account", "GET", "/accounts/ghost/balance", undefined, 404, "ACCOUNT_NOT_FOUND"],
  ["statement without from", "GET", "/accounts/alice/statement?to=2025-01-02T03:04:05Z", undefined, 400, "INVALID_REQUEST"],
  ["statement without to", "GET", "/accounts/alice/statement?from=2025-01-02T03:04:05Z", undefined, 400, "INVALID_REQUEST"],
  ["statement from after to", "GET", "/accounts/alice/statement?from=2025-01-03T00:00:00Z&to=2025-01-02T00:00:00Z", undefined, 400,
    "INVALID_ARGUMENT"],
  ["statement to with a bad offset", "GET", "/accounts/alice/statement?from=2025-01-02T00:00:00Z&to=2025-01-03T00:00:00%2B25:00",
    undefined, 400, "INVALID_REQUEST"],
  ["statement of an unknown account", "GET", "/accounts/ghost/statement?from=2025-01-02T00:00:00Z&to=2025-01-03T00:00:00Z", undefined,
    404, "ACCOUNT_NOT_FOUND"],
];

// The routes of holds, against a bank where alice holds 10.00 for bob (hold 1).
const HOLD = { sender: "alice", recipient: "bob", amount: 5 };
const holdCases: Case[] = [
  ...AMOUNT_ROUTES_OF_HOLDS.flatMap(([route, url, body]) => [
    ...BAD_AMOUNTS.map(([amount, code]): Case => [`${route} amount ${amount.slice(0, 12)}`, "POST", url, body(amount), 400, code]),
    ...NON_POSITIVE.map(([amount, code]): Case => [`${route} amount ${amount}`, "POST", url, body(amount), 400, code]),
  ]),
  ["hold with an unknown field", "POST", "/holds", { ...HOLD, memo: "x" }, 400, "INVALID_REQUEST"],
  ["hold without a recipient", "POST", "/holds", { sender: "alice", amount: 5 }, 400, "INVALID_REQUEST"],
  ["hold timeout of zero", "POST", "/holds", { ...HOLD, timeout_seconds: 0 }, 400, "INVALID_REQUEST"],
  ["hold timeout past the most", "POST", "/holds", { ...HOLD, timeout_seconds: HOLD_TIMEOUT_SECONDS_MAX + 1 }, 400, "INVALID_REQUEST"],
  ["hold timeout with a fraction", "POST", "/holds", { ...HOLD, timeout_seconds: 1.5 }, 400, "INVALID_REQUEST"],
  ["hold timeout as a string", "POST", "/holds", { ...HOLD, timeout_seconds: "60" }, 400, "INVALID_REQUEST"],
  ["hold reference with a space", "POST", "/holds", { ...HOLD, reference: "order 1" }, 400, "INVALID_REQUEST"],
  ["hold reference of 65 characters", "POST", "/holds", { ...HOLD, reference: "r".repeat(65) }, 400, "INVALID_REQUEST"],
  ["hold of more than is available", "POST", "/holds", { ...HOLD, amount: 90.01 }, 400, "INSUFFICIENT_FUNDS"],
  ["hold for the same account", "POST", "/holds", { ...HOLD, recipient: "alice" }, 400, "SAME_ACCOUNT"],
  ["hold from an unknown account", "POST", "/holds", { ...HOLD, sender: "ghost" }, 404, "ACCOUNT_NOT_FOUND"],
  ["hold for an account name with a NUL", "POST", "/holds", { ...HOLD, recipient: "b\u0000" }, 400, "INVALID_NAME"],
  ["hold body that is an array", "POST", "/holds", [HOLD], 400, "INVALID_REQUEST"],
  ["post of more than is held", "POST", "/holds/1/post", { amount: 10.01 }, 400, "HOLD_AMOUNT_EXCEEDED"],
  ["post with an unknown field", "POST", "/holds/1/post", { amount: 1, reference: "x" }, 400, "INVALID_REQUEST"],
  ["post whose body is JSON null", "POST", "/holds/1/post", "null", 400, "INVALID_REQUEST"],
  ["post whose JSON body is empty", "POST", "/holds/1/post", "", 400, "MALFORMED_JSON"],
  ["post of an unknown hold", "POST", "/holds/2/post", { amount: 1 }, 404, "HOLD_NOT_FOUND"],
  ["post of hold 0", "POST", "/holds/0/post", {}, 400, "INVALID_REQUEST"],
  ["post of hold -1", "POST", "/holds/-1/post", {}, 400, "INVALID_REQUEST"],
  ["post of a hold id with an exponent", "POST", "/holds/1e0/post", {}, 400, "INVALID_REQUEST"],
  ["post of a hold id that is not a number", "POST", "/holds/one/post", {}, 400, "INVALID_REQUEST"],
  ["post of a hold id past the safe integers", "POST", "/holds/9007199254740993/post", {}, 400, "INVALID_REQUEST"],
  ["void with a field", "POST", "/holds/1/void", { amount: 1 }, 400, "INVALID_REQUEST"],
  ["void of an unknown hold", "POST", "/holds/99/void", undefined, 404, "HOLD_NOT_FOUND"],
  ["read of hold 0", "GET", "/holds/0", undefined, 400, "INVALID_REQUEST"],
  ["read of an unknown hold", "GET", "/holds/2", undefined, 404, "HOLD_NOT_FOUND"],
  ["batch item of an unknown type", "POST", "/transfers/batch", { transfers: [{ type: "refund", hold_id: 1 }] }, 400, "INVALID_REQUEST"],
  ["batch post without a hold", "POST", "/transfers/batch", { transfers: [{ type: "post", amount: 1 }] }, 400, "INVALID_REQUEST"],
  ["batch void with an amount", "POST", "/transfers/batch", { transfers: [{ type: "void", hold_id: 1, amount: 1 }] }, 400, "INVALID_REQUEST"],
  ["batch post of hold 0", "POST", "/transfers/batch", { transfers: [{ type: "post", hold_id: 0 }] }, 400, "INVALID_REQUEST"],
  ["batch hold with a timeout of zero", "POST", "/transfers/batch", { transfers: [{ type: "hold", ...HOLD, timeout_seconds: 0 }] }, 400,
    "INVALID_REQUEST"],
  ["batch transfer with a hold's timeout", "POST", "/transfers/batch", { transfers: [{ ...HOLD, timeout_seconds: 60 }] }, 400,
    "INVALID_REQUEST"],
  ["batch transfer reference with a space", "POST", "/transfers/batch", { transfers: [{ ...HOLD, reference: "a b" }] }, 400,
    "INVALID_REQUEST"],
  ["atomic batch posting more than is held", "POST", "/transfers/batch", { transfers: [{ type: "post", hold_id: 1, amount: 11 }] }, 400,
    "BATCH_REFUSED"],
];

describe("bad input changes nothing", () => {
  it.each([...amountCases, ...shapeCases])("%s: %s %s is refused", async (_what, method, url, body, status, code, headers) => {
    const { app, bank } = appWith({ alice: 100, bob: 50 });
    const before = snapshot(bank);
    const response = await request(app, method, url, body, headers);
    expectProblem(response, status, code);
    expect(snapshot(bank)).toEqual(before);
    for (const account of bank.listAccounts()) expect(Number.isFinite(account.balance)).toBe(true);
  });

  it.each(holdCases)("%s: %s %s is refused", async (_what, method, url, body, status, code, headers) => {
    const { app, bank } = appWith({ alice: 100, bob: 50 });
    bank.hold("alice", "bob", 10);
    const before = { state: snapshot(bank), hold: bank.getHold(1).toJSON(), available: bank.getAccount("alice").available };
    const response = await request(app, method, url, body, headers);
    expectProblem(response, status, code);
    expect({ state: snapshot(bank), hold: bank.getHold(1).toJSON(), available: bank.getAccount("alice").available }).toEqual(before);
  });

  it.each<[string, string]>([
    ["/accounts?limit=1&after=%C3%A9lodie", "accounts"],
    ["/accounts?limit=-0", ""],
    ["/accounts/alice/history?limit=1000&before=1", "transactions"],
  ])("when the query of %s is well-formed, it is read as sent", async (url, member) => {
    const { app } = appWith({ alice: 100, "élodie": 0, zoë: 1 });
    const response = await request(app, "GET", url);
    if (member === "") {
      // -0 is written in digits, and refused by the page size's minimum instead.
      expect(expectProblem(response, 400, "INVALID_REQUEST")).toBe("querystring/limit must be >= 1");
      return;
    }
    expect(response.status, response.text).toBe(200);
    expect(response.body).toHaveProperty(member);
  });

  it("when a page for people (the root, a problem page) is linked with a query, it is served all the same", async () => {
    const { app } = appWith();
    expect((await request(app, "GET", "/?utm_source=mail")).status).toBe(200);
    expect((await request(app, "GET", "/problems/insufficient-funds?from=docs")).status).toBe(200);
  });

  it("when a body is exactly at the size limit, it is read and handled", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const start = '{"amount": 5';
    const body = `${start}${" ".repeat(BODY_LIMIT_BYTES - start.length - 1)}}`;
    expect(Buffer.byteLength(body)).toBe(BODY_LIMIT_BYTES);
    expect((await request(app, "POST", "/accounts/alice/deposits", body)).status).toBe(200);
    expect(bank.getAccount("alice").balance).toBe(105);
  });
});
