// The OpenAPI 3 document, generated from the route schemas, and the Swagger UI that shows it.

import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = "/openapi.json";

/** Where the Swagger UI is served. */
export const DOCS_PATH = "/docs";

const DESCRIPTION = [
  "An exact, in-memory bank. Amounts are JSON numbers in major units, exact to the cent (25.5);",
  'decimal strings ("25.50") are accepted on input. Every error is an RFC 9457 problem',
  "(application/problem+json) with a stable `code`; see docs/API.md for the problem types.",
].join(" ");

/**
 * Registers the document generator and the UI. Must be registered before the routes, whose
 * schemas it collects as they are added.
 */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "banking-system", description: DESCRIPTION, version: "0.1.0" },
      tags: [
        { name: "accounts", description: "Accounts, deposits, withdrawals and history" },
        { name: "transfers", description: "Money between accounts" },
        { name: "health", description: "Liveness" },
        { name: "about", description: "The server itself: its welcome and its problem types" },
      ],
    },
  });
  app.register(swaggerUi, { routePrefix: DOCS_PATH });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
}
