// Hostile and sloppy input, table-driven: every case must get a 4xx problem and change nothing
// (balances, histories, journal). No input may produce a 5xx.

import { describe, expect, it } from "vitest";
import { NAME_LENGTH_MAX } from "../../src/index.js";
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
