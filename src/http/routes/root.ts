// GET /: the server's first impression. A browser gets the dashboard (src/web, see
// docs/DASHBOARD.md); a program gets the seed's welcome with links to the docs, the OpenAPI
// document and health.

import type { BankApp } from "../app.js";
import { dashboardPage } from "../dashboard.js";
import { prefersHtml } from "../html.js";
import { DOCS_PATH, OPENAPI_PATH } from "../openapi.js";
import { rootSchema, type Welcome } from "../schemas/root.js";

const LINKS: Welcome["links"] = { docs: DOCS_PATH, openapi: OPENAPI_PATH, health: "/health" };

/** Registers `GET /`. */
export function registerRootRoutes(app: BankApp): void {
  app.get("/", { schema: rootSchema }, (request, reply) => {
    // Either way, with Vary: Accept, so that a cache keeps the two apart.
    reply.header("vary", "accept");
    if (prefersHtml(request)) return dashboardPage(reply);
    return { message: "Welcome to the Simple Banking API" as const, links: LINKS };
  });
}
