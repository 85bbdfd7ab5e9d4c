// Which methods each path of the app has, learnt from Fastify's onRoute hook as routes are added:
// the not-found handler asks it whether a path it could not route exists with other methods, so
// that it answers 405 with an Allow header rather than 404.

import type { RouteOptions } from "fastify";

interface Route {
  /** The route's path split at "/": literal segments, ":param" and a final "*" wildcard. */
  readonly segments: readonly string[];
  readonly methods: Set<string>;
}

/** The app's routes by path pattern, each with the methods it has (HEAD where GET is, as Fastify adds it). */
export class RouteTable {
  private readonly routes = new Map<string, Route>();

  /** The `onRoute` hook that fills the table; add it before any route. */
  readonly record = (route: RouteOptions): void => {
    const entry = this.routes.get(route.url) ?? { segments: route.url.split("/"), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method);
    this.routes.set(route.url, entry);
  };

  /**
   * The methods some route has for `path` (a request's path, without its query), sorted; none when
   * no route matches it. A parameter matches one segment, even an empty one, and "*" the rest, as
   * Fastify's router matches them, so a method listed here is one the router would find a route for.
   */
  methodsOf(path: string): string[] {
    const segments = path.split("/");
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (matches(route.segments, segments)) for (const method of route.methods) methods.add(method);
    }
    return [...methods].sort();
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  for (let index = 0; index < pattern.length; index++) {
    const expected = pattern[index] as string;
    const actual = segments[index];
    if (actual === undefined) return false;
    if (expected === "*") return true;
    if (!expected.startsWith(":") && expected !== actual) return false;
  }
  return pattern.length === segments.length;
}
