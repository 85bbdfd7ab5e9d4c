// Builds the HTTP application around a bank: options, validation, errors, docs and routes. It
// never listens; server.ts does, and tests use `app.inject()`.

import cors from "@fastify/cors";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
  type RouteOptions,
} from "fastify";
import { Bank } from "../core/index.js";
import { storeOf } from "../core/internal.js";
import { durableResponses } from "./durability.js";
import { keepHolderTokens } from "./auth/durable-tokens.js";
import { edgeOf, idempotencyScopeOf, type AccessOptions, type RateLimit } from "./auth/index.js";
import { corsOptions } from "./cors.js";
import { handleFrameworkError, registerErrorHandlers } from "./errors.js";
import { answerClientError } from "./client-errors.js";
import { DASHBOARD_PREFIX, registerDashboard } from "./dashboard.js";
import { BODY_LIMIT_BYTES, HEADERS_BYTES_MAX, PATH_PARAM_LENGTH_MAX } from "./limits.js";
import { registerOpenApi } from "./openapi.js";
import { checkRequest } from "./request-checks.js";
import { RouteTable } from "./route-table.js";
import { idempotentPosts, type IdempotencyOptions } from "./idempotency.js";
import { jsonBodyParser } from "./json-body.js";
import { requestLoggerFactory } from "./request-logger.js";
import { registerAccountRoutes } from "./routes/accounts.js";
import { registerBatchRoutes } from "./routes/batch.js";
import { registerCashRoutes } from "./routes/cash.js";
import { registerCredentialRoutes } from "./routes/credential.js";
import { registerEventRoutes } from "./routes/events.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerHistoryRoutes } from "./routes/history.js";
import { holdSenderIn, registerHoldRoutes } from "./routes/holds.js";
import { registerProblemRoutes } from "./routes/problems.js";
import { registerRootRoutes } from "./routes/root.js";
import { registerStatementRoutes } from "./routes/statements.js";
import { registerTokenRoutes } from "./routes/tokens.js";
import { registerTransferRoutes } from "./routes/transfers.js";
import { NoQuery } from "./schemas/common.js";
import { createValidatorCompiler, formatValidationErrors } from "./validation.js";

/** The app with TypeBox types for request and reply, as the route modules receive it. */
export type BankApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface AppOptions {
  /** The bank to serve; a new, empty one unless given. */
  bank?: Bank;
  /** Fastify's logger option: false (the default, quiet for tests), true, or pino options. */
  logger?: FastifyServerOptions["logger"];
  /** Bounds of the idempotency key store (defaults: the named limits). */
  idempotency?: IdempotencyOptions;
  /**
   * Whether the batch route's fast reader reads the usual bodies (the default). Off, every batch
   * body takes the ordinary path; the answers and the bank are the same either way.
   */
  fastBatchReader?: boolean;
  /** How often an idle event stream sends a heartbeat (default EVENTS_HEARTBEAT_MS). */
  eventsHeartbeatMs?: number;
  /**
   * Access control: on when `keys` holds at least one API key (see docs/API.md). Off (the default),
   * no hook is registered and every route is open, as for a sandbox on a loopback address.
   */
  access?: AccessOptions;
  /** Requests per window allowed to each credential (each address when open); off unless given. */
  rateLimit?: RateLimit;
  /** Origins allowed to call the API from a browser (`*` for any); CORS is off unless given. */
  corsOrigins?: readonly string[];
}

// Whatever logger options are given, a credential is never written to the log.
const REDACTED_PATHS = ["req.headers.authorization", "headers.authorization"];

function withRedaction(logger: FastifyServerOptions["logger"]): FastifyServerOptions["logger"] {
  if (logger === undefined || logger === false) return false;
  const options = logger === true ? {} : logger;
  const given = options.redact;
  const paths = Array.isArray(given) ? given : given?.paths ?? [];
  return { ...options, redact: { ...(Array.isArray(given) ? {} : given), paths: [...paths, ...REDACTED_PATHS] } };
}

// Pages for people (the root, the problem pages) and the dashboard's files take any query, as pages
// and their files do: a link may carry one, a cache-busting one for instance.
const PAGES = new Set(["/", "/problems/:slug", `${DASHBOARD_PREFIX}*`]);

/** Query strings are as strict as bodies: an API route that reads no query refuses any parameter. */
function strictQuery(route: RouteOptions): void {
  if (route.schema === undefined || route.schema.querystring !== undefined || PAGES.has(route.url)) return;
  route.schema = { ...route.schema, querystring: NoQuery };
}

/**
 * Builds the app without listening.
 *
 * @example
 * const app = buildApp({ bank: new Bank() });
 * const response = await app.inject({ method: "GET", url: "/health" });
 */
export function buildApp(options: AppOptions = {}): BankApp {
  const bank = options.bank ?? new Bank();
  const edge = edgeOf(options, holdSenderIn(bank));
  const secured = edge?.secured ?? false;
  const store = storeOf(bank);
  // Holder tokens of a durable bank are journaled with the changes that make them.
  if (edge?.tokens !== undefined && store !== null) keepHolderTokens(edge.tokens, store);
  const app = Fastify({
    logger: withRedaction(options.logger),
    bodyLimit: BODY_LIMIT_BYTES,
    // A missing Host is refused by checkRequest, as a problem rather than Node's bare 400.
    http: { maxHeaderSize: HEADERS_BYTES_MAX, requireHostHeader: false },
    clientErrorHandler: answerClientError,
    routerOptions: { maxParamLength: PATH_PARAM_LENGTH_MAX },
    frameworkErrors: handleFrameworkError,
    schemaErrorFormatter: formatValidationErrors,
    // While closing, requests on connections already open are served as usual (and those
    // connections dropped once idle, see server.ts) instead of getting a 503 in another shape.
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Without a logger, Fastify gives every request the app's null logger; with one, a child each,
  // made here only when the request logs a line (see request-logger.ts).
  if (options.logger !== undefined && options.logger !== false) app.setChildLoggerFactory(requestLoggerFactory);

  // Past maxHeadersCount, Node 20 drops headers silently and Node 22 answers its own 431. With no
  // count (0), Node keeps every header, HEADERS_BYTES_MAX bounds them, and checkRequest refuses a
  // request over HEADER_COUNT_MAX as a problem on every version.
  app.server.maxHeadersCount = 0;
  app.addHook("onRequest", checkRequest);

  const validatorCompiler = createValidatorCompiler();
  app.setValidatorCompiler(validatorCompiler);
  // Only JSON bodies are accepted: without this, text/plain would be parsed and reach validation.
  app.removeContentTypeParser("text/plain");
  // JSON bodies are read strictly: well-formed UTF-8, bounded nesting, no key named twice.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, jsonBodyParser);
  // Every route's path and methods, so that a known path called with another method is a 405.
  const routes = new RouteTable();
  app.addHook("onRoute", routes.record);
  registerErrorHandlers(app, routes);
  // CORS first, so that its headers are on every answer, refusals of access control included.
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) app.register(cors, corsOptions(options.corsOrigins));
  app.addHook("onRoute", idempotentPosts(options.idempotency, secured ? idempotencyScopeOf : undefined, store));
  // After idempotency's onRoute hook, so that each route's guard and limit run before its own hooks.
  edge?.register(app);
  // Last of the onRoute hooks: it appends its onSend after the idempotency hooks' (see durability.ts).
  const durable = durableResponses(bank);
  if (durable !== null) app.addHook("onRoute", durable);
  registerOpenApi(app, secured);
  // Routes go in a plugin so that they are added after the OpenAPI generator has loaded.
  app.register((routes: BankApp, _options, done) => {
    routes.addHook("onRoute", strictQuery);
    registerRootRoutes(routes);
    registerProblemRoutes(routes);
    registerHealthRoutes(routes);
    registerAccountRoutes(routes, bank, edge?.tokens);
    if (edge?.tokens !== undefined) {
      registerTokenRoutes(routes, bank, edge.tokens);
      registerCredentialRoutes(routes);
    }
    registerCashRoutes(routes, bank);
    registerTransferRoutes(routes, bank);
    registerBatchRoutes(routes, bank, validatorCompiler, options.fastBatchReader ?? true);
    registerHoldRoutes(routes, bank);
    registerHistoryRoutes(routes, bank);
    registerStatementRoutes(routes, bank);
    registerEventRoutes(routes, bank, options.eventsHeartbeatMs);
    registerDashboard(routes);
    done();
  });
  return app;
}
