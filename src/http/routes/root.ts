// GET /: the server's first impression. A browser gets a small page that says what this is and
// links to the docs; a program gets the seed's welcome with the same links. The dashboard will
// take this place later: this file and its schema are all there is of it.

import type { BankApp } from "../app.js";
import { escapeHtml, htmlPage, negotiate } from "../html.js";
import { DOCS_PATH, OPENAPI_PATH } from "../openapi.js";
import { rootSchema, type Welcome } from "../schemas/root.js";

const LINKS: Welcome["links"] = { docs: DOCS_PATH, openapi: OPENAPI_PATH, health: "/health" };

const PAGE = htmlPage("banking-system", [
  "<p>An exact bank served over JSON: open accounts, deposit, withdraw and transfer money exact to",
  "the cent, all or nothing, and read each account's history. Every refusal is a problem document",
  "with a stable code. This server is a sandbox to try it from a browser or any HTTP client.</p>",
  "<nav aria-label=\"Where to go next\">",
  "<ul>",
  `<li><a href="${escapeHtml(LINKS.docs)}">API documentation</a>: every route, to read and to try (Swagger UI)</li>`,
  `<li><a href="${escapeHtml(LINKS.openapi)}">OpenAPI document</a>: the same, for programs and client generators</li>`,
  `<li><a href="${escapeHtml(LINKS.health)}">Health</a>: whether the server is up</li>`,
  "</ul>",
  "</nav>",
].join("\n"));

/** Registers `GET /`. */
export function registerRootRoutes(app: BankApp): void {
  app.get("/", { schema: rootSchema }, (request, reply) =>
    negotiate(request, reply, () => PAGE, () => ({ message: "Welcome to the Simple Banking API" as const, links: LINKS })),
  );
}
