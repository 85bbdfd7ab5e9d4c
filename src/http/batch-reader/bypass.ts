// The one place a body skips the schema: a batch the fast reader took has been checked to the
// schema already, by the reader itself (see scan.ts), so its validator lets it through.

import type { ValidateFunction } from "ajv";
import type { FastifySchemaCompiler } from "fastify";

/** What Fastify passes a validator besides the data: the parent, so Ajv can set a root's defaults. */
type DataContext = Parameters<ValidateFunction>[1];

/**
 * A validator compiler whose body validators let through, unchecked, a body that a route's own
 * reader has already checked to the schema (`isChecked` says which); every other body is validated
 * by `compiler`'s validator as usual.
 */
export function passingCheckedBodies(
  compiler: FastifySchemaCompiler<unknown>,
  isChecked: (body: unknown) => boolean,
): FastifySchemaCompiler<unknown> {
  return (routeSchema) => {
    const validate = compiler(routeSchema) as ValidateFunction;
    if (routeSchema.httpPart !== "body") return validate;
    const check = (data: unknown, context?: DataContext): boolean => {
      if (isChecked(data)) return true;
      const valid = validate(data, context);
      check.errors = validate.errors;
      return valid;
    };
    // Fastify passes the request as parent data (which Ajv needs to set defaults) when this is set.
    check.schemaEnv = validate.schemaEnv;
    check.errors = null as ValidateFunction["errors"];
    return check;
  };
}

