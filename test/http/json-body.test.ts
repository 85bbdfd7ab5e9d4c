// The strict JSON body reader on its own: what it accepts reads exactly as JSON.parse reads it, and
// each refusal is precise (not UTF-8, too deep, malformed, a key named twice, a prototype key),
// whatever strings, escapes and colons the body holds.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpRefusal, type HttpProblemCode } from "../../src/http/errors.js";
import { readJsonBody } from "../../src/http/json-body.js";
import { JSON_DEPTH_MAX } from "../../src/http/limits.js";

function read(text: string | Buffer, allowPrototypeKeys = false): unknown {
  return readJsonBody(typeof text === "string" ? Buffer.from(text) : text, { allowPrototypeKeys });
}

/** The refusal `text` gets, as [code, detail], or the value it reads as. */
function refusalOf(text: string | Buffer, allowPrototypeKeys = false): [HttpProblemCode, string] | unknown {
  try {
    return read(text, allowPrototypeKeys);
  } catch (error) {
    expect(error).toBeInstanceOf(HttpRefusal);
    const refusal = error as HttpRefusal;
    expect(refusal.statusCode).toBe(400);
    return [refusal.code, refusal.message];
  }
}

describe("what the reader accepts", () => {
  it.each([
    ['{"amount": 5}', { amount: 5 }],
    ["5", 5],
    ["null", null],
    ['"text"', "text"],
    ['[{"a": 1}, {"a": 2}]', [{ a: 1 }, { a: 2 }]],
    ['{"a": {"a": {"a": 1}}}', { a: { a: { a: 1 } } }],
    ['{"a": "{[:", "b": "\\"]}:\\\\", "c": ":"}', { a: "{[:", b: '"]}:\\', c: ":" }],
    ['{"constructor": 1, "prototype": {"x": 1}}', { constructor: 1, prototype: { x: 1 } }],
    ['{"1": 1, "01": 2, "1.0": 3}', { "1": 1, "01": 2, "1.0": 3 }],
    ['{"name": "zoë 山田", "amount": 1}', { name: "zoë 山田", amount: 1 }],
  ])("reads %s as JSON.parse does", (text, value) => {
    expect(read(text)).toEqual(value);
  });

  it("skips a leading byte order mark, as Fastify's reader does", () => {
    expect(read("\ufeff{\"amount\": 5}")).toEqual({ amount: 5 });
  });

  it("when a body has more brackets than JSON_DEPTH_MAX but nests shallowly, reads it", () => {
    const text = JSON.stringify({ transfers: Array.from({ length: 100 }, (_, index) => ({ sender: `a:${index}`, amount: [index] })) });
    expect(read(text)).toEqual(JSON.parse(text));
  });

  it("when nesting is exactly JSON_DEPTH_MAX deep, reads it", () => {
    const text = `${"[".repeat(JSON_DEPTH_MAX)}${"]".repeat(JSON_DEPTH_MAX)}`;
    expect(read(text)).toEqual(JSON.parse(text));
  });

  it("when a prototype key is allowed, keeps it as an ordinary own key", () => {
    const value = read('{"__proto__": {"polluted": true}}', true) as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("for any JSON value, reads what JSON.parse reads", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.boolean(), (value, spaced) => {
        const text = JSON.stringify(value, null, spaced ? 2 : undefined);
        const parsed = JSON.parse(text) as unknown;
        expect(read(text, true)).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });
});

describe("what the reader refuses", () => {
  const NOT_JSON = "Body is not valid JSON but content-type is set to 'application/json'";

  it.each<[string, string | Buffer, HttpProblemCode, string]>([
    ["an empty body", "", "MALFORMED_JSON", "Body cannot be empty when content-type is set to 'application/json'"],
    ["a truncated body", '{"amount": 5', "MALFORMED_JSON", NOT_JSON],
    ["an unterminated string", '{"amount": "5', "MALFORMED_JSON", NOT_JSON],
    ["NaN", '{"amount": NaN}', "MALFORMED_JSON", NOT_JSON],
    ["the byte 0xFF", Buffer.from('{"name": "a\xff"}', "latin1"), "INVALID_UTF8", "Body is not well-formed UTF-8"],
    ["an overlong encoding", Buffer.from([0x7b, 0xc0, 0xbb, 0x7d]), "INVALID_UTF8", "Body is not well-formed UTF-8"],
    ["an encoded surrogate", Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), "INVALID_UTF8", "Body is not well-formed UTF-8"],
    ["a truncated sequence", Buffer.from([0x22, 0xe2, 0x82, 0x22]), "INVALID_UTF8", "Body is not well-formed UTF-8"],
    ["one level too deep", `${"[".repeat(JSON_DEPTH_MAX + 1)}${"]".repeat(JSON_DEPTH_MAX + 1)}`, "JSON_TOO_DEEP",
      `Body nests arrays and objects more than ${JSON_DEPTH_MAX} deep`],
    ["brackets in an unterminated string", `{"a": "${"[".repeat(JSON_DEPTH_MAX + 1)}`, "MALFORMED_JSON", NOT_JSON],
    ["deep but broken off", `{"a": ${"[{".repeat(1000)}`, "JSON_TOO_DEEP", `Body nests arrays and objects more than ${JSON_DEPTH_MAX} deep`],
    ["a key twice", '{"a": 1, "a": 2}', "DUPLICATE_KEY", "Body has the key 'a' twice in one object"],
    ["a key twice, spaced", '{ "b" : 1 ,\n "a" : 2 , "a" : 3 }', "DUPLICATE_KEY", "Body has the key 'a' twice in one object"],
    ["a key twice, once escaped", '{"ab": 1, "\\u0061b": 2}', "DUPLICATE_KEY", "Body has the key 'ab' twice in one object"],
    ["a key twice in a nested object", '[{"a": 1}, {"b": {"c": 1, "c": 2}}]', "DUPLICATE_KEY", "Body has the key 'c' twice in one object"],
    ["a key twice whose first value is dropped", '{"a": {"x": 1, "y": 2}, "a": 3}', "DUPLICATE_KEY", "Body has the key 'a' twice in one object"],
    ["a key twice after strings with colons and quotes", '{"k": "a:\\"b\\":c", "v": ":", "v": 1}', "DUPLICATE_KEY",
      "Body has the key 'v' twice in one object"],
    ["a __proto__ key", '{"amount": 5, "__proto__": {"amount": 1}}', "MALFORMED_JSON", "Body has the forbidden key '__proto__'"],
    ["a nested __proto__ key", '{"a": [{"\\u005f_proto__": 1}]}', "MALFORMED_JSON", "Body has the forbidden key '__proto__'"],
    ["a constructor with a prototype", '{"constructor": {"prototype": {}}}', "MALFORMED_JSON", "Body has the forbidden key 'constructor'"],
  ])("refuses %s", (_what, text, code, detail) => {
    expect(refusalOf(text)).toEqual([code, detail]);
  });

  it("when the key named twice is long, the detail quotes its start", () => {
    const key = "k".repeat(1000);
    expect(refusalOf(`{"${key}": 1, "${key}": 2}`)).toEqual([
      "DUPLICATE_KEY",
      `Body has the key '${"k".repeat(64)}…' twice in one object`,
    ]);
  });

  it("for any JSON object, naming one of its keys again is refused naming that key", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        (object, pick, again) => {
          const keys = Object.keys(object);
          const key = keys[pick % keys.length] as string;
          const text = `${JSON.stringify(object).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(again)}}`;
          expect(refusalOf(text, true)).toEqual(["DUPLICATE_KEY", `Body has the key '${key.slice(0, 64)}' twice in one object`]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
