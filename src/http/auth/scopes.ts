// The scopes an API key may hold, and what each grants. `admin` grants every other scope and the
// routes that need `admin` itself (rotating an account's token).

/** The scopes, in the order the docs list them. */
export const SCOPES = ["accounts:read", "accounts:write", "money:move", "admin"] as const;

/** A scope an API key may hold. */
export type Scope = (typeof SCOPES)[number];

/** Whether `text` names a scope. */
export function isScope(text: unknown): text is Scope {
  return SCOPES.includes(text as Scope);
}

/** Whether a key holding `granted` may use a route that needs `required`. */
export function grants(granted: ReadonlySet<Scope>, required: Scope): boolean {
  return granted.has("admin") || granted.has(required);
}
