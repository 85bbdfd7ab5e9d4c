// Bounds the OpenAPI document states but the schema validator leaves to the core. The core refuses
// a zero amount, an amount past the limit or a name with a control character with refusals of its
// own (NEGATIVE_AMOUNT, INVALID_AMOUNT, INVALID_NAME), which clients may branch on; were the
// validator to check these bounds, it would answer INVALID_REQUEST in their place. So a schema
// carries them under DOCUMENTED_ONLY, which the validator ignores, and the document gets them
// moved into the schema itself, where a client and a code generator read them.

/** The member of a schema that holds keywords for the document only. */
export const DOCUMENTED_ONLY = "x-documented-only";

/** Keywords for the document only, to spread into a schema's options. */
export function documentedOnly(keywords: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return { [DOCUMENTED_ONLY]: keywords };
}

/**
 * A copy of `value` (an OpenAPI document) where every schema's DOCUMENTED_ONLY keywords are its
 * own. A copy, because the document shares its schema objects with the routes, and a route built
 * later must not be validated against these keywords.
 */
export function withDocumentedBounds<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withDocumentedBounds) as T;
  if (typeof value !== "object" || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (key === DOCUMENTED_ONLY) Object.assign(copy, member);
    else copy[key] = withDocumentedBounds(member);
  }
  return copy as T;
}
