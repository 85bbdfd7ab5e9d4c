// The server's few HTML pages (the problem types; the root answers with the dashboard's page, see
// dashboard.ts): which clients get HTML rather than JSON, and the one template the pages share.
// Plain, semantic HTML that needs no script.

import type { FastifyReply, FastifyRequest } from "fastify";

export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";

// The pages load nothing and run nothing: only their own inline style.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE = [
  "body { font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }",
  "dt { font-weight: bold; }",
  "code { font-size: 0.95em; }",
].join(" ");

/** Text with the characters HTML gives a meaning escaped, safe inside elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A whole page: `title` (text) in the head and as its heading, then `body` (HTML) in `<main>`. */
export function htmlPage(title: string, body: string): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    "</head>",
    "<body>",
    "<main>",
    `<h1>${escapeHtml(title)}</h1>`,
    body,
    "</main>",
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

/**
 * Whether the request's Accept header ranks text/html above application/json, as a browser's does
 * (`text/html,...,*\/*;q=0.8`). Without Accept, with `*\/*` or on a tie, JSON wins: programs get JSON.
 */
export function prefersHtml(request: FastifyRequest): boolean {
  return prefersOverJson(request, "text", "html");
}

/**
 * Whether the request's Accept header ranks `type/subtype` above application/json (a statement's
 * `text/csv`, a page's `text/html`). Without Accept, with `*\/*` or on a tie, JSON wins.
 */
export function prefersOverJson(request: FastifyRequest, type: string, subtype: string): boolean {
  const accept = request.headers.accept;
  if (accept === undefined) return false;
  return quality(accept, type, subtype) > quality(accept, "application", "json");
}

/** The quality Accept gives the media type `type/subtype`: that of its most specific range. */
function quality(accept: string, type: string, subtype: string): number {
  let specificity = -1;
  let best = 0;
  for (const range of accept.split(",")) {
    const [media = "", ...parameters] = range.split(";");
    const [rangeType, rangeSubtype] = media.trim().toLowerCase().split("/");
    const rank = rangeType === type ? (rangeSubtype === subtype ? 2 : rangeSubtype === "*" ? 1 : -1)
      : rangeType === "*" && rangeSubtype === "*" ? 0 : -1;
    if (rank > specificity) {
      specificity = rank;
      best = qualityOf(parameters);
    }
  }
  return best;
}

function qualityOf(parameters: readonly string[]): number {
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() === "q") {
      const q = Number(value.trim());
      return q >= 0 && q <= 1 ? q : 0;
    }
  }
  return 1;
}

/**
 * Answers with `page()` to a client that prefers HTML, with `json()` otherwise; either way with
 * `Vary: Accept`, so that a cache keeps the two apart.
 */
export function negotiate<T>(request: FastifyRequest, reply: FastifyReply, page: () => string, json: () => T): T | string {
  reply.header("vary", "accept");
  if (!prefersHtml(request)) return json();
  reply.type(HTML_CONTENT_TYPE).header("content-security-policy", CONTENT_SECURITY_POLICY);
  return page();
}
