// The one place a body skips the schema: a batch the fast reader took has been checked to the
// schema already, by the reader itself (see scan.ts), so its validator lets it through.

import type { ValidateFunction } from "ajv";
import type { FastifySchemaCompiler } from "fastify";
import { guarded } from "../validation.js";

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
    return guarded(validate, (data) => isChecked(data) || null);
  };
}
