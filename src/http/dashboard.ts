// The dashboard (src/web, built into dist/web): its assets under /app/, and its page, which `GET /`
// answers to browsers. The page loads only its own files and talks only to this server, as its
// Content-Security-Policy says; it works offline and needs nothing from any other host.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

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

/** The seed's answer at `/` to programs. */
export const WELCOME = { message: "Welcome to the Simple Banking API" } as const;

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

/** Answers `reply` with the dashboard's page and its security headers. */
export function sendDashboardPage(reply: FastifyReply, root = dashboardRoot()): FastifyReply {
  return reply
    .type("text/html; charset=utf-8")
    .header("content-security-policy", DASHBOARD_CONTENT_SECURITY_POLICY)
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "no-cache")
    .send(dashboardIndexHtml(root));
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

/**
 * Whether an Accept header ranks text/html above application/json, as a browser's does. Without
 * Accept, with `*\/*` or on a tie, JSON wins: programs get JSON.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return quality(accept, "text/html") > quality(accept, "application/json");
}

/** The quality Accept gives `media`: that of its most specific matching range. */
function quality(accept: string, media: string): number {
  const [type] = media.split("/");
  let specificity = -1;
  let best = 0;
  for (const range of accept.split(",")) {
    const [name = "", ...parameters] = range.split(";").map((part) => part.trim().toLowerCase());
    const rank = name === media ? 2 : name === `${type}/*` ? 1 : name === "*/*" ? 0 : -1;
    if (rank < 0 || rank < specificity) continue;
    const q = parameters.find((parameter) => parameter.startsWith("q="));
    const value = q === undefined ? 1 : Number(q.slice(2));
    const weight = Number.isFinite(value) ? value : 0;
    best = rank > specificity ? weight : Math.max(best, weight);
    specificity = rank;
  }
  return best;
}

/**
 * `GET /`: the dashboard for browsers, the seed's welcome for programs. The root route of its own
 * (src/http/routes/root.ts) takes this place where it exists, answering browsers with
 * `sendDashboardPage`.
 */
export function registerDashboardRoot(app: FastifyInstance, root = dashboardRoot()): void {
  app.get("/", { schema: { hide: true } }, (request, reply) => {
    reply.header("vary", "accept");
    if (prefersHtml(request.headers.accept)) return sendDashboardPage(reply, root);
    return WELCOME;
  });
}
