// The OpenAPI 3 document, generated from the route schemas, and the Swagger UI that shows it: only
// its routes carry the security headers of @fastify/helmet (the dashboard's page sets its own, in
// dashboard.ts, for a policy of its own).

import helmet from "@fastify/helmet";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { HEADER_COUNT_MAX, HEADERS_BYTES_MAX } from "./limits.js";
import { withDocumentedBounds } from "./schemas/documented.js";

/** Where the OpenAPI document is served. */
export const OPENAPI_PATH = "/openapi.json";

/** Where the Swagger UI is served. */
export const DOCS_PATH = "/docs";

/** The name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = "bearer";

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

const BEARER_DESCRIPTION =
  "An API key (ADMIN_API_KEY or one of the keys file) or an account's holder token (bst_...), " +
  "sent as `Authorization: Bearer <secret>`. Routes marked with a lock need one.";

// Helmet's defaults, less two that do not fit a server often reached over plain HTTP: the CSP's
// upgrade-insecure-requests (the page's own scripts would be asked for over HTTPS) and HSTS
// (a TLS proxy in front of the server decides that). The Swagger UI loads no inline script.
const HELMET_OPTIONS = {
  contentSecurityPolicy: { directives: { "upgrade-insecure-requests": null } },
  strictTransportSecurity: false,
};

/**
 * Registers the document generator and the UI. Must be registered before the routes, whose
 * schemas it collects as they are added. `secured`: access control is on, so the document
 * declares the bearer scheme (each route says whether it needs it).
 */
export function registerOpenApi(app: FastifyInstance, secured = false): void {
  app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: { title: "banking-system", description: DESCRIPTION, version: "0.1.0" },
      tags: [
        { name: "accounts", description: "Accounts, deposits, withdrawals and history" },
        { name: "transfers", description: "Money between accounts" },
        { name: "holds", description: "Money reserved, then posted (all or part), voided, or expired" },
        { name: "events", description: "Every committed transaction, live (Server-Sent Events)" },
        { name: "access", description: "Credentials: who a bearer secret is (served while access control is on)" },
        { name: "health", description: "Liveness" },
        { name: "about", description: "The server itself: its welcome and its problem types" },
      ],
      ...(secured && {
        components: { securitySchemes: { [BEARER_SCHEME]: { type: "http", scheme: "bearer", description: BEARER_DESCRIPTION } } },
      }),
    },
    // Always the OpenAPI 3 form here, since `openapi` is given.
    transformObject: (document) => withDocumentedBounds("openapiObject" in document ? document.openapiObject : document.swaggerObject),
  });
  // In a scope of their own, so that the security headers are on the docs' pages and assets only.
  app.register(async (docs) => {
    await docs.register(helmet, HELMET_OPTIONS);
    await docs.register(swaggerUi, { routePrefix: DOCS_PATH });
  });
  // In a plugin, so that it is added after the hooks that tag every route.
  app.register(async (scope) => {
    scope.get(OPENAPI_PATH, { schema: { hide: true } }, () => app.swagger());
  });
}
