// GET /problems/{slug}: every problem's `type` URI resolves to a description of its type, made
// from the one catalogue in errors.ts. A browser gets a page, any other client JSON.

import type { BankApp } from "../app.js";
import { BANK_PROBLEMS, HTTP_PROBLEMS, HttpRefusal, type ProblemType } from "../errors.js";
import { escapeHtml, htmlPage, negotiate } from "../html.js";
import { DOCS_PATH } from "../openapi.js";
import { problemTypeSchema, type ProblemTypeBody } from "../schemas/problems.js";

/** Each problem type by slug, with its code. */
const BY_SLUG = new Map<string, ProblemTypeBody>(
  Object.entries<ProblemType>({ ...BANK_PROBLEMS, ...HTTP_PROBLEMS }).map(([code, type]) => [
    type.slug,
    { type: `/problems/${type.slug}`, title: type.title, status: type.status, code, description: type.description },
  ]),
);

function page(type: ProblemTypeBody): string {
  return htmlPage(type.title, [
    `<p>${escapeHtml(type.description)}</p>`,
    "<dl>",
    `<dt>Status</dt><dd>${type.status}</dd>`,
    `<dt>Code</dt><dd><code>${escapeHtml(type.code)}</code></dd>`,
    `<dt>Type</dt><dd><code>${escapeHtml(type.type)}</code></dd>`,
    "</dl>",
    `<p>Every error of this API is a problem document (RFC 9457) with this type; see the <a href="${DOCS_PATH}">API documentation</a>.</p>`,
  ].join("\n"));
}

/** Registers `GET /problems/{slug}`. */
export function registerProblemRoutes(app: BankApp): void {
  // The slug is an enum in the document; one the catalogue lacks is answered 404 (there is nothing
  // at that URI), not 400 as a schema refusal, so validation is attached rather than thrown.
  app.get("/problems/:slug", { schema: problemTypeSchema, attachValidation: true }, (request, reply) => {
    const { slug } = request.params;
    const type = BY_SLUG.get(slug);
    if (type === undefined) throw new HttpRefusal("ROUTE_NOT_FOUND", `No problem type is named '${slug}'`);
    return negotiate(request, reply, () => page(type), () => type);
  });
}
