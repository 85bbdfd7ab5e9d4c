// Request validation: one Ajv for bodies (no coercion, no silent removal of unknown fields) and one
// for the URL parts, whose values arrive as text and must become integers where a schema says so.

import { Ajv, type Options, type ValidateFunction } from "ajv";
import ajvFormats from "ajv-formats";
import type { FastifyRequest, FastifySchemaCompiler, FastifySchemaValidationError, FastifyServerOptions } from "fastify";
import { HttpRefusal } from "./errors.js";
import { DOCUMENTED_ONLY } from "./schemas/documented.js";

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

// Ajv coerces whatever Number() reads ("1e2", "0x10", " 10", "1.0"); an integer in a URL must be
// written as JSON writes one, in decimal digits, before it is coerced.
const INTEGER_TEXT = /^-?(?:0|[1-9][0-9]*)$/;

/** What Fastify passes a validator besides the data: the parent, so Ajv can set a root's defaults. */
type DataContext = Parameters<ValidateFunction>[1];

/** The part of a request a schema checks: "body", "querystring", "params" or "headers". */
type RequestPart = Parameters<NonNullable<FastifyServerOptions["schemaErrorFormatter"]>>[1];

function createAjv(options: Options): Ajv {
  const ajv = new Ajv(options);
  // Bounds for the OpenAPI document only: the core checks them, with refusals of its own.
  ajv.addKeyword({ keyword: DOCUMENTED_ONLY, schemaType: "object" });
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
    if (httpPart === "body") return bodyAjv.compile(schema as object);
    return integersAsDigits(schema as UrlSchema, urlAjv.compile(schema as object));
  };
}

/** The part of a query or path schema that says which parameters are integers. */
interface UrlSchema {
  properties?: Record<string, { type?: unknown }>;
}

/** `validate`, after refusing any integer parameter of `schema` not written in decimal digits. */
function integersAsDigits(schema: UrlSchema, validate: ValidateFunction): ValidateFunction {
  const integers = Object.entries(schema.properties ?? {})
    .filter(([, property]) => property.type === "integer")
    .map(([name]) => name);
  if (integers.length === 0) return validate;
  return guarded(validate, (data) => {
    for (const name of integers) {
      const value = (data as Record<string, unknown>)[name];
      if (typeof value === "string" && !INTEGER_TEXT.test(value)) {
        return [{ keyword: "type", instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, params: { type: "integer" }, message: "must be integer" }];
      }
    }
    return null;
  });
}

/**
 * A validator that asks `guard` first: its errors refuse the data, null lets `validate` judge it,
 * true accepts it unchecked.
 */
export function guarded(validate: ValidateFunction, guard: (data: unknown) => ValidateFunction["errors"] | true): ValidateFunction {
  const check = (data: unknown, context?: DataContext): boolean => {
    const verdict = guard(data);
    if (verdict === true) {
      check.errors = null;
      return true;
    }
    if (verdict !== null && verdict !== undefined) {
      check.errors = verdict;
      return false;
    }
    const valid = validate(data, context);
    check.errors = validate.errors;
    return valid;
  };
  // Fastify passes the request as parent data (which Ajv needs to set defaults) when this is set.
  check.schemaEnv = validate.schemaEnv;
  check.errors = null as ValidateFunction["errors"];
  return check as ValidateFunction;
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

/**
 * A `preValidation` hook for a POST route that takes no body (it has no body schema to refuse one):
 * a request that sends one is refused rather than served with its body unread.
 */
export function refuseBody(request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void {
  done(request.body === undefined ? undefined : new HttpRefusal("INVALID_REQUEST", "This route takes no body"));
}
