// Request validation: one Ajv for bodies (no coercion, no silent removal of unknown fields) and one
// for the URL parts, whose values arrive as text and must become integers where a schema says so.

import { Ajv, type Options } from "ajv";
import ajvFormats from "ajv-formats";
import type { FastifySchemaCompiler, FastifySchemaValidationError, FastifyServerOptions } from "fastify";

// Fastify's defaults minus the two that would change a request behind the client's back:
// `coerceTypes` (true would become 1) and `removeAdditional` (unknown fields would vanish).
const BODY_OPTIONS: Options = {
  coerceTypes: false,
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
};

// Query strings and path parameters are always strings; "10" must be accepted as the integer 10.
// Only scalars are coerced: a repeated `?limit=1&limit=2` stays an array and is refused.
const URL_OPTIONS: Options = { ...BODY_OPTIONS, coerceTypes: true };

/** The part of a request a schema checks: "body", "querystring", "params" or "headers". */
type RequestPart = Parameters<NonNullable<FastifyServerOptions["schemaErrorFormatter"]>>[1];

function createAjv(options: Options): Ajv {
  const ajv = new Ajv(options);
  // ajv-formats is CommonJS: its ESM default import is the module, which carries `default` too.
  ajvFormats.default(ajv);
  return ajv;
}

/**
 * Builds the validator compiler for `app.setValidatorCompiler`: bodies are checked as sent, URL
 * parts with scalar coercion. Fastify's own default coerces and strips both, which a bank must not.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const bodyAjv = createAjv(BODY_OPTIONS);
  const urlAjv = createAjv(URL_OPTIONS);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === "body" ? bodyAjv : urlAjv;
    return ajv.compile(schema as object);
  };
}

/**
 * Turns Ajv's errors into one sentence for a problem's `detail`, e.g.
 * "body/amount must be number or string" rather than one line per branch of a union.
 */
export function formatValidationErrors(
  errors: FastifySchemaValidationError[],
  part: RequestPart,
): Error {
  // Without `allErrors`, Ajv stops at the first failure; only a union (anyOf) adds one error per
  // branch before its own, so the last error is the one that decided.
  const last = errors[errors.length - 1] as FastifySchemaValidationError;
  if (last.keyword !== "anyOf") return new Error(describe(part, last));
  const branches = errors.slice(0, -1);
  const mismatch = branches.find((error) => error.keyword !== "type");
  if (mismatch !== undefined) return new Error(describe(part, mismatch));
  const types = branches.map((error) => String(error.params.type));
  return new Error(`${part}${last.instancePath} must be ${types.join(" or ")}`);
}

function describe(part: RequestPart, error: FastifySchemaValidationError): string {
  if (error.keyword === "additionalProperties") {
    return `${part}${error.instancePath} must not have the unknown property '${String(error.params.additionalProperty)}'`;
  }
  // Ajv gives every error a message (`messages: true` is its default).
  return `${part}${error.instancePath} ${error.message}`;
}
