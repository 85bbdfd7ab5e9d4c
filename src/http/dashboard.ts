// The dashboard (src/web, built into dist/web): its assets under /app/, and its page, which the root
// route (routes/root.ts) answers to browsers. The page loads only its own files and talks only to
// this server, as its Content-Security-Policy says; it works offline and needs nothing from any
// other host.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";
import { HTML_CONTENT_TYPE } from "./html.js";

/** Where the dashboard's assets are served. */
export const DASHBOARD_PREFIX = "/app/";

/** The page's own files only, and requests to this server only. */
export const DASHBOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The built dashboard: dist/web beside dist/http when the compiled server runs, and the same
 * dist/web when the sources run (the tests, after `npm run build`).
 */
export function dashboardRoot(here = dirname(fileURLToPath(import.meta.url))): string {
  const built = join(here, "..", "web");
  return existsSync(join(built, "main.js")) ? built : join(here, "..", "..", "dist", "web");
}

const NOT_BUILT = [
  "<!doctype html>",
  '<html lang="en"><head><meta charset="utf-8"><title>banking-system</title></head>',
  "<body><main><h1>banking-system</h1><p>The dashboard is not built: run <code>npm run build</code>.",
  'The API is described at <a href="/docs">/docs</a>.</p></main></body></html>',
  "",
].join("\n");

const pages = new Map<string, string>();

/** The dashboard's page (its index.html), read once per root. */
export function dashboardIndexHtml(root = dashboardRoot()): string {
  let page = pages.get(root);
  if (page === undefined) {
    const file = join(root, "index.html");
    page = existsSync(file) ? readFileSync(file, "utf8") : NOT_BUILT;
    pages.set(root, page);
  }
  return page;
}

/**
 * The dashboard's page, as a handler returns it, with its headers set on `reply`: its type, its
 * security policy (its own, not helmet's, which covers the Swagger UI only), no referrer, and no
 * caching without revalidation.
 */
export function dashboardPage(reply: FastifyReply, root = dashboardRoot()): string {
  reply
    .type(HTML_CONTENT_TYPE)
    .header("content-security-policy", DASHBOARD_CONTENT_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    // The address's fragment names the screen (an account's name): no page is told it.
    .header("referrer-policy", "no-referrer")
    .header("cache-control", "no-cache");
  return dashboardIndexHtml(root);
}

/** Registers the dashboard's assets under DASHBOARD_PREFIX (hidden from the OpenAPI document). */
export function registerDashboard(app: FastifyInstance, root = dashboardRoot()): void {
  app.register(async (assets) => {
    // A folder, or a path that climbs out of the root as sent, is not a file of the dashboard: a
    // 404, as for any other name (@fastify/static would answer a bare 403).
    assets.addHook("onRequest", (request, reply, done) => {
      const path = request.url.split("?")[0] as string;
      if (path.endsWith("/") || climbs(path)) reply.callNotFound();
      else done();
    });
    await assets.register(fastifyStatic, {
      root,
      prefix: DASHBOARD_PREFIX,
      // The Swagger UI registers @fastify/static too; only one may decorate the reply.
      decorateReply: false,
      index: false,
      list: false,
      setHeaders: (reply) => reply.header("x-content-type-options", "nosniff"),
    });
  });
}

/** Whether a path has a `..` segment, percent-encoded or not. */
function climbs(path: string): boolean {
  return /(^|\/|%2f)(\.|%2e){2}(\/|%2f|$)/i.test(path);
}
