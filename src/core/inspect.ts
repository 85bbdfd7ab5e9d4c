// How Node's util.inspect (console.log, the REPL) shows the core's objects: what a person needs,
// not the journal's chunks and typed arrays. A leaf: Node's symbol is reached by its registered
// name, so the core imports nothing of Node and runs unchanged where there is no util.inspect.

/** `util.inspect.custom`: Node looks for this registered symbol on every object it inspects. */
export const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** The part of Node's inspect options a custom inspection needs (Node always passes both). */
export interface InspectOptions {
  depth: number | null;
  stylize: (text: string, style: string) => string;
}

/** Node's own inspect, passed to an `[INSPECT]` method to format values as it would. */
export type Inspect = (value: unknown, options: InspectOptions) => string;

/**
 * Shows `fields` as Node would show an instance of the class `name` holding only them:
 * `Account { name: 'Alice', balance: 400 }`, or `[Account]` once past the inspection's depth.
 */
export function inspectAs(name: string, fields: object, depth: number, options: InspectOptions, inspect: Inspect): string {
  if (depth < 0) return options.stylize(`[${name}]`, "special");
  return `${name} ${inspect(fields, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
}
