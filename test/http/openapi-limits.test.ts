// The OpenAPI document states every limit the server enforces, each from its named constant, so a
// client that follows the document is never refused for the shape of its request; and the bounds
// stated for the document only (the core checks them) agree with the core.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNT_MINOR_MAX,
  BATCH_SIZE_MAX,
  IDEMPOTENCY_KEY_LENGTH_MAX,
  MINOR_PER_MAJOR,
  NAME_LENGTH_MAX,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  parseInitialBalance,
} from "../../src/index.js";
import { nameProblem, validateIdempotencyKey } from "../../src/core/internal.js";
import {
  BATCH_BODY_LIMIT_BYTES,
  BODY_LIMIT_BYTES,
  HEADER_COUNT_MAX,
  HEADERS_BYTES_MAX,
  JSON_DEPTH_MAX,
  PATH_PARAM_LENGTH_MAX,
} from "../../src/http/limits.js";
import { appWith, request } from "./helpers.js";

type Schema = Record<string, unknown> & { properties?: Record<string, Schema>; anyOf?: Schema[]; items?: Schema };
interface Operation {
  parameters?: { name: string; in: string; schema: Schema; description?: string }[];
  requestBody?: { description?: string; content: { "application/json": { schema: Schema } } };
}
interface Document {
  info: { description: string };
  paths: Record<string, Record<string, Operation>>;
}

let generated: Promise<{ doc: Document; text: string }> | undefined;

/** The document, generated once for the file: the tests only read it. */
function openApi(): Promise<{ doc: Document; text: string }> {
  generated ??= request(appWith().app, "GET", "/openapi.json").then((response) => ({ doc: response.body as Document, text: response.text }));
  return generated;
}

function operation(doc: Document, route: string): Operation {
  const [method = "", path = ""] = route.split(" ");
  return doc.paths[path]?.[method.toLowerCase()] as Operation;
}

function bodyOf(doc: Document, route: string): Schema {
  return operation(doc, route).requestBody?.content["application/json"].schema as Schema;
}

function parameter(doc: Document, route: string, name: string) {
  return operation(doc, route).parameters?.find((candidate) => candidate.name === name);
}

const POSTS = ["POST /accounts", "POST /accounts/{name}/deposits", "POST /accounts/{name}/withdrawals", "POST /transfers", "POST /transfers/batch"];
const AMOUNT_MAX = AMOUNT_MINOR_MAX / MINOR_PER_MAJOR;

function codePoints(text: string): number {
  return [...text].length;
}

describe("the OpenAPI document's limits", () => {
  it("states each name's length and the pattern of what it may hold, in bodies and paths", async () => {
    const { doc } = await openApi();
    const names = [
      bodyOf(doc, "POST /accounts").properties?.name,
      bodyOf(doc, "POST /transfers").properties?.sender,
      bodyOf(doc, "POST /transfers").properties?.recipient,
      bodyOf(doc, "POST /transfers/batch").properties?.transfers?.items?.properties?.sender,
      parameter(doc, "GET /accounts/{name}", "name")?.schema,
      parameter(doc, "POST /accounts/{name}/deposits", "name")?.schema,
    ];
    for (const name of names) {
      expect(name).toMatchObject({ type: "string", minLength: 1, maxLength: NAME_LENGTH_MAX, pattern: expect.any(String) });
    }
    expect(parameter(doc, "GET /accounts/{name}", "name")?.description).toContain(`at most ${PATH_PARAM_LENGTH_MAX} as sent`);
  });

  it("states a name pattern that agrees with the core, with and without the u flag", async () => {
    const { doc } = await openApi();
    const pattern = bodyOf(doc, "POST /accounts").properties?.name?.pattern as string;
    const documented = [new RegExp(pattern), new RegExp(pattern, "u")];
    const agrees = (name: string): boolean => {
      const valid = nameProblem(name) === null;
      const length = codePoints(name);
      return documented.every((regex) => (regex.test(name) && length >= 1 && length <= NAME_LENGTH_MAX) === valid);
    };
    const names = [
      "alice", "élodie 東", "__proto__", "😀".repeat(NAME_LENGTH_MAX), "😀".repeat(NAME_LENGTH_MAX + 1), "a".repeat(NAME_LENGTH_MAX + 1),
      "", " ", "tab\there", "new\nline", "\u0000", "\u001f", "\u007f", "\u0080", "\u0085", "\u009f", "\u00a0", "\u200b", "\u2028",
      "\ud800", "a\udc00", "\udc00\ud800", "\ud83d\ude00", "\ufeff", "\uffff",
    ];
    for (const name of names) expect(agrees(name), JSON.stringify(name)).toBe(true);
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: NAME_LENGTH_MAX + 2 }), agrees), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) }), agrees));
  });

  it.each([
    ["POST /accounts", "initial_balance", false],
    ["POST /accounts/{name}/deposits", "amount", true],
    ["POST /accounts/{name}/withdrawals", "amount", true],
    ["POST /transfers", "amount", true],
  ])("%s states the %s's bounds as a number and as a decimal string", async (route, field, positive) => {
    const { doc } = await openApi();
    const [number, text] = bodyOf(doc, route).properties?.[field]?.anyOf ?? [];
    expect(number).toEqual({ type: "number", minimum: 0, maximum: AMOUNT_MAX, ...(positive && { exclusiveMinimum: true }) });
    expect(text).toMatchObject({ type: "string", pattern: expect.any(String) });
    expect(bodyOf(doc, route).properties?.[field]?.description).toMatch(/at most 2 decimals .* up to 1000000000000\.00/);
  });

  it("states an amount pattern whose every string the core takes, exact at the limit", async () => {
    const { doc } = await openApi();
    const documented = new RegExp(bodyOf(doc, "POST /accounts").properties?.initial_balance?.anyOf?.[1]?.pattern as string);
    const accepted = (text: string): boolean => {
      try {
        return parseInitialBalance(text) >= 0;
      } catch {
        return false;
      }
    };
    for (const text of ["0", "0.5", "25.50", "999999999999.99", "1000000000000", "1000000000000.0", "1000000000000.00", "0001"]) {
      expect(documented.test(text), text).toBe(true);
      expect(accepted(text), text).toBe(true);
    }
    for (const text of ["1000000000000.01", "1000000000001", "9999999999999", "-1", "1.005", "1e3", " 1", "1.", ".5", ""]) {
      expect(documented.test(text), text).toBe(false);
    }
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{1,14}(\.[0-9]{0,3})?$/), (text) => !documented.test(text) || accepted(text)));
  });

  it("states page sizes, cursors and the batch's size", async () => {
    const { doc } = await openApi();
    const limit = { type: "integer", minimum: 1, maximum: PAGE_SIZE_MAX, default: PAGE_SIZE_DEFAULT };
    expect(parameter(doc, "GET /accounts", "limit")?.schema).toMatchObject(limit);
    expect(parameter(doc, "GET /accounts/{name}/history", "limit")?.schema).toMatchObject(limit);
    expect(parameter(doc, "GET /accounts", "after")?.schema).toMatchObject({ maxLength: NAME_LENGTH_MAX });
    expect(parameter(doc, "GET /accounts/{name}/history", "before")?.schema).toMatchObject({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
    expect(bodyOf(doc, "POST /transfers/batch").properties?.transfers).toMatchObject({ minItems: 1, maxItems: BATCH_SIZE_MAX });
  });

  it("states the Idempotency-Key's length and a pattern that agrees with the core, on every POST", async () => {
    const { doc } = await openApi();
    for (const route of POSTS) {
      const key = parameter(doc, route, "idempotency-key");
      expect(key, route).toMatchObject({ in: "header", schema: { minLength: 1, maxLength: IDEMPOTENCY_KEY_LENGTH_MAX } });
      const documented = new RegExp(key?.schema.pattern as string);
      for (const candidate of ["k", "order-42", "~!".repeat(100), "a b", "é", "tab\t", ""]) {
        const valid = (() => {
          try {
            return validateIdempotencyKey(candidate) === candidate;
          } catch {
            return false;
          }
        })();
        expect(documented.test(candidate) && candidate.length <= IDEMPOTENCY_KEY_LENGTH_MAX, candidate).toBe(valid);
      }
    }
  });

  it("states each body's size, nesting and strictness, and the headers' limits", async () => {
    const { doc, text } = await openApi();
    for (const route of POSTS) {
      const bytes = route === "POST /transfers/batch" ? BATCH_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES;
      expect(operation(doc, route).requestBody?.description, route).toContain(`(${bytes} bytes)`);
      expect(operation(doc, route).requestBody?.description, route).toContain(`nested at most ${JSON_DEPTH_MAX} deep`);
    }
    expect(doc.info.description).toContain(`at most ${HEADER_COUNT_MAX} header fields`);
    expect(doc.info.description).toContain(`(${HEADERS_BYTES_MAX} bytes)`);
    expect(text).not.toContain("x-documented-only");
  });
});

describe("a request at the document's limits", () => {
  it("is served: the largest amount, as a number and as a string, a name of the longest length", async () => {
    const { app, bank } = appWith();
    const name = "😀".repeat(NAME_LENGTH_MAX);
    expect((await request(app, "POST", "/accounts", { name, initial_balance: AMOUNT_MAX })).status).toBe(201);
    expect((await request(app, "POST", "/accounts", { name: "b", initial_balance: "0" })).status).toBe(201);
    expect((await request(app, "POST", "/accounts", { name: "c", initial_balance: 0 })).status).toBe(201);
    expect((await request(app, "POST", "/accounts/b/deposits", { amount: "1000000000000.00" })).status).toBe(200);
    expect((await request(app, "POST", "/transfers", { sender: "b", recipient: "c", amount: 0.01 })).status).toBe(200);
    expect(bank.getAccount("b").balanceMinor).toBe(AMOUNT_MINOR_MAX - 1);
  });

  it("past them, is refused with the core's own codes, as before the document stated them", async () => {
    const { app } = appWith({ a: 1 });
    const refused = async (body: unknown, url = "/accounts/a/deposits") => (await request(app, "POST", url, body)).body;
    expect(await refused({ amount: AMOUNT_MAX + 1 })).toMatchObject({ code: "INVALID_AMOUNT" });
    expect(await refused({ amount: "1000000000000.01" })).toMatchObject({ code: "INVALID_AMOUNT" });
    expect(await refused({ amount: 0 })).toMatchObject({ code: "NEGATIVE_AMOUNT" });
    expect(await refused({ name: "tab\there", initial_balance: 1 }, "/accounts")).toMatchObject({ code: "INVALID_NAME" });
  });
});
