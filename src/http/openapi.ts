// The OpenAPI 3 document, generated from the route schemas, and the Swagger UI that shows it.

import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { HEADER_COUNT_MAX, HEADERS_BYTES_MAX } from "./limits.js";
import { withDocumentedBounds } from "./schemas/documented.js";

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = "/openapi.json";

/** Where the Swagger UI is served. */
export const DOCS_PATH = "/docs";

const DESCRIPTION = [
  [
    "An exact, in-memory bank. Amounts are JSON numbers in major units, exact to the cent (25.5);",
    'decimal strings ("25.50") are accepted on input. Every error is an RFC 9457 problem',
    "(application/problem+json) with a stable `code`, and its `type` URI describes it.",
  ],
  [
    "Limits: every bound is stated in the schemas (lengths, patterns, minimums and maximums,",
    "item counts) and request bodies' sizes in their descriptions. A request may carry at most",
    `${HEADER_COUNT_MAX} header fields, and its request line and headers at most ${HEADERS_BYTES_MAX / 1024} KiB`,
    `(${HEADERS_BYTES_MAX} bytes) together, arriving within 60 seconds.`,
  ],
].map((lines) => lines.join(" ")).join("\n\n");

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
        { name: "events", description: "Every committed transaction, live (Server-Sent Events)" },
        { name: "health", description: "Liveness" },
        { name: "about", description: "The server itself: its welcome and its problem types" },
      ],
    },
    // Always the OpenAPI 3 form here, since `openapi` is given.
    transformObject: (document) => withDocumentedBounds("openapiObject" in document ? document.openapiObject : document.swaggerObject),
  });
  app.register(swaggerUi, { routePrefix: DOCS_PATH });
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
}
