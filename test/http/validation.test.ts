// The app's validator compiler on its own: URL parts coerced from text, integers only when written
// in decimal digits, and schemas without named parameters compiled as Ajv compiles them.

import type { ValidateFunction } from "ajv";
import { describe, expect, it } from "vitest";
import { createValidatorCompiler } from "../../src/http/validation.js";

const compile = createValidatorCompiler();

function validatorOf(schema: object, httpPart = "querystring"): ValidateFunction {
  return compile({ schema, httpPart, method: "GET", url: "/" }) as ValidateFunction;
}

describe("URL parts", () => {
  const query = validatorOf({ type: "object", properties: { limit: { type: "integer" }, after: { type: "string" } } });

  it("when an integer is written in decimal digits, coerces it", () => {
    const data: Record<string, unknown> = { limit: "10", after: "1e2" };
    expect(query(data)).toBe(true);
    expect(data).toEqual({ limit: 10, after: "1e2" });
  });

  it.each(["1e2", "0x10", " 10", "10 ", "1.0", "+1", "01", "", "Infinity"])("when an integer is written %j, refuses it as Ajv would", (text) => {
    expect(query({ limit: text })).toBe(false);
    expect(query.errors).toEqual([
      { keyword: "type", instancePath: "/limit", schemaPath: "#/properties/limit/type", params: { type: "integer" }, message: "must be integer" },
    ]);
  });

  it("when the schema names no parameters, it is Ajv's own validator", () => {
    const any = validatorOf({ type: "object" }, "params");
    expect(any({ anything: "1e2" })).toBe(true);
  });
});
