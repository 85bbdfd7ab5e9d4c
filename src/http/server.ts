// Runs the app on a socket: reads HOST, PORT, LOG_LEVEL, DATA_DIR, FSYNC and the access settings,
// refuses to serve an open bank beyond loopback, opens the bank (on disk when a data directory is
// given), listens, prints where the API and its docs are, and closes gracefully on SIGINT/SIGTERM
// (requests in flight finish first, then the bank is closed).

import type { Bank } from "../core/index.js";
import { openBank, type FsyncPolicy, type StoreFailedError } from "../store/index.js";
import { buildApp, type BankApp } from "./app.js";
import {
  adminKey,
  combineKeys,
  parseRateLimit,
  readApiKeysFile,
  type ApiKey,
  type HolderTokens,
  type RateLimit,
} from "./auth/index.js";
import { isLoopbackHost } from "./auth/loopback.js";
import { parseCorsOrigins } from "./cors.js";
import { logFormatFor, loggerOptions, type LogFormat, type Output } from "./log-lines.js";
import { DOCS_PATH } from "./openapi.js";

/** Where and how loudly to serve, to whom, and where the bank is kept. */
export interface ServerOptions {
  host: string;
  port: number;
  /** A pino level: "info" logs a line per request; "warn" and above do not. */
  logLevel: string;
  /** JSON lines, or readable lines; by default readable when `output` is a terminal. */
  logFormat?: LogFormat;
  /** Where logs and the listening address go: stdout unless a test says otherwise. */
  output?: Output;
  bank?: Bank;
  /** Durable mode: the bank is kept in this directory (see docs/DURABILITY.md). Without it, in memory. */
  dataDir?: string;
  fsync?: FsyncPolicy;
  /**
   * What to do when the journal cannot be written: by default the process says why and exits (as
   * Redis does), so that nothing is acknowledged after the failure.
   */
  onStoreFailure?: (error: StoreFailedError) => void;
  /** API keys: with at least one, access control is on (see docs/API.md). */
  apiKeys?: readonly ApiKey[];
  /** The holder tokens' registry, when the caller keeps it. */
  tokens?: HolderTokens;
  /** Serve without access control on an address that is not loopback. */
  allowOpenAccess?: boolean;
  rateLimit?: RateLimit;
  corsOrigins?: readonly string[];
}

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8000;
export const DEFAULT_LOG_LEVEL = "info";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

// The levels that log no info, and so not the address, yet are not silent.
const QUIETER_THAN_INFO = ["fatal", "error", "warn"];

/** Parses a TCP port (0 asks the system for a free one); throws a clear error otherwise. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d{1,5}$/.test(text) || port > 65535) {
    throw new Error(`Port must be an integer from 0 to 65535, not '${text}'`);
  }
  return port;
}

/** Checks a log level name; throws a clear error naming the valid ones (and `source`) otherwise. */
export function parseLogLevel(text: string, source = "LOG_LEVEL"): string {
  if (!LOG_LEVELS.includes(text)) {
    throw new Error(`${source} must be one of ${LOG_LEVELS.join(", ")}, not '${text}'`);
  }
  return text;
}

/**
 * Parses an fsync policy: "always" (every answer waits for the fsync that covers it), or an
 * interval such as "100ms" (answers wait for the write; an fsync runs that often).
 */
export function parseFsync(text: string): FsyncPolicy {
  if (text === "always") return "always";
  const match = /^(\d{1,6})ms$/.exec(text);
  if (match === null || Number(match[1]) < 1) {
    throw new Error(`FSYNC must be "always" or an interval such as "100ms", not '${text}'`);
  }
  return { intervalMs: Number(match[1]) };
}

/** What the command line may set: each flag wins over its environment variable. */
export interface ServerOverrides {
  host?: string;
  port?: number;
  logLevel?: string;
  dataDir?: string;
  fsync?: FsyncPolicy;
  apiKeysFile?: string;
  allowOpenAccess?: boolean;
  rateLimit?: RateLimit;
  /** Each value as given to --cors-origin: one origin or a comma-separated list. */
  corsOrigins?: readonly string[];
}

/** Reads a yes-or-no environment variable: 1 or true, 0 or false (or empty); throws otherwise. */
export function parseSwitch(name: string, text: string | undefined): boolean {
  if (text === undefined || text === "" || text === "0" || text === "false") return false;
  if (text === "1" || text === "true") return true;
  throw new Error(`${name} must be 1 or true (or 0, false or empty), not '${text}'`);
}

/**
 * Server options: `overrides` (command-line flags) first, then the environment (HOST, PORT,
 * LOG_LEVEL, DATA_DIR, FSYNC, ADMIN_API_KEY, API_KEYS_FILE, ALLOW_OPEN_ACCESS, RATE_LIMIT,
 * CORS_ORIGINS), then the defaults. Reads the keys file. Throws a clear, one-line error for any
 * value that is not valid. Options left unset are left out.
 */
export function resolveServerOptions(env: NodeJS.ProcessEnv, overrides: ServerOverrides = {}): ServerOptions {
  const dataDir = overrides.dataDir ?? (env.DATA_DIR || undefined);
  const fsync = overrides.fsync ?? (env.FSYNC ? parseFsync(env.FSYNC) : undefined);
  const admin = env.ADMIN_API_KEY ? adminKey(env.ADMIN_API_KEY) : undefined;
  const keysFile = overrides.apiKeysFile ?? (env.API_KEYS_FILE || undefined);
  const apiKeys = combineKeys(admin, keysFile === undefined ? [] : readApiKeysFile(keysFile));
  const allowOpenAccess = overrides.allowOpenAccess || parseSwitch("ALLOW_OPEN_ACCESS", env.ALLOW_OPEN_ACCESS);
  const rateLimit = overrides.rateLimit ?? (env.RATE_LIMIT ? parseRateLimit(env.RATE_LIMIT) : undefined);
  const corsOrigins = parseCorsOrigins(overrides.corsOrigins ?? (env.CORS_ORIGINS ? [env.CORS_ORIGINS] : []));
  return {
    host: overrides.host ?? (env.HOST || DEFAULT_HOST),
    port: overrides.port ?? (env.PORT ? parsePort(env.PORT) : DEFAULT_PORT),
    logLevel: overrides.logLevel ?? parseLogLevel(env.LOG_LEVEL || DEFAULT_LOG_LEVEL),
    ...(dataDir !== undefined && { dataDir }),
    ...(fsync !== undefined && { fsync }),
    ...(apiKeys.length > 0 && { apiKeys }),
    ...(allowOpenAccess && { allowOpenAccess }),
    ...(rateLimit !== undefined && { rateLimit }),
    ...(corsOrigins.length > 0 && { corsOrigins }),
  };
}

/**
 * Refuses to serve an open bank where others can reach it: without an API key, only a loopback
 * host is served, unless `allowOpenAccess` says otherwise. Returns whether access control is on.
 */
export function checkExposure(options: Pick<ServerOptions, "host" | "apiKeys" | "allowOpenAccess">): boolean {
  const secured = (options.apiKeys ?? []).length > 0;
  if (!secured && !options.allowOpenAccess && !isLoopbackHost(options.host)) {
    throw new Error(
      `Refusing to serve without access control on ${options.host}, which is not a loopback address: ` +
        "anyone who could reach it could move any account's money. Set ADMIN_API_KEY=<secret> or " +
        "--api-keys-file FILE (see docs/API.md, Access control), or pass --allow-open-access " +
        "(ALLOW_OPEN_ACCESS=1) to serve it open all the same",
    );
  }
  return secured;
}

/**
 * Builds the app and listens. Resolves with the app and its base URL once it accepts requests,
 * having said where on `output` at every log level but "silent": as the logger's first line where
 * info is logged, and printed straight where it is not, so that `--log-level error` says it too.
 *
 * @example
 * const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "warn" });
 */
export async function startServer(options: ServerOptions): Promise<{ app: BankApp; url: string }> {
  const secured = checkExposure(options);
  const notices: string[] = [];
  const bank = options.bank ?? (options.dataDir === undefined ? undefined : await openBank({
    dataDir: options.dataDir,
    ...(options.fsync !== undefined && { fsync: options.fsync }),
    onNotice: (notice) => notices.push(notice),
    onFailure: options.onStoreFailure ?? exitOnStoreFailure,
  }));
  const output = options.output ?? process.stdout;
  const logger = loggerOptions(options.logLevel, options.logFormat ?? logFormatFor(output), output);
  const app = buildApp({
    logger,
    ...(bank !== undefined && { bank }),
    ...(secured && { access: { keys: options.apiKeys as ApiKey[], ...(options.tokens !== undefined && { tokens: options.tokens }) } }),
    ...(options.rateLimit !== undefined && { rateLimit: options.rateLimit }),
    ...(options.corsOrigins !== undefined && { corsOrigins: options.corsOrigins }),
  });
  for (const notice of notices) app.log.warn(notice);
  // The bank closes after the server: requests in flight finish, then the journal gets its snapshot.
  if (options.bank === undefined && bank !== undefined) app.addHook("onClose", () => bank.close());
  try {
    const kept = options.dataDir === undefined ? "in memory" : `in ${options.dataDir}`;
    const where = (url: string) => `Bank API at ${url}, docs at ${url}${DOCS_PATH}; the bank is kept ${kept}`;
    // Fastify logs each address it listens on at info, in these words.
    const url = await app.listen({ host: options.host, port: options.port, listenTextResolver: where });
    if (QUIETER_THAN_INFO.includes(options.logLevel)) output.write(`${where(url)}\n`);
    const summary = accessSummary(options);
    app.log[summary.level](summary.message);
    return { app, url };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** The default answer to a store failure: say why, and stop, so nothing is acknowledged after it. */
function exitOnStoreFailure(error: StoreFailedError): never {
  process.stderr.write(`fatal: ${error.message}\n`);
  process.exit(1);
}

/** The line the server logs on start about who may call it: a warning when it is open beyond loopback. */
export function accessSummary(options: ServerOptions): { level: "info" | "warn"; message: string } {
  const keys = options.apiKeys ?? [];
  const per = keys.length > 0 ? "credential" : "address";
  const limit = options.rateLimit === undefined ? "no rate limit" : `rate limit ${options.rateLimit.text} per ${per}`;
  if (keys.length > 0) {
    const names = keys.map((key) => key.name).join(", ");
    return { level: "info", message: `Access control on: API keys ${names}; ${limit}` };
  }
  if (isLoopbackHost(options.host)) {
    return { level: "info", message: `Access control off (an open sandbox on a loopback address); ${limit}` };
  }
  return {
    level: "warn",
    message: `Access control OFF on ${options.host} (--allow-open-access): anyone who can reach it can move any account's money; ${limit}`,
  };
}

/** The part of `process` that signal handling needs; tests pass an EventEmitter. */
export interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  removeListener(signal: NodeJS.Signals, listener: () => void): unknown;
}

// How often a closing server drops keep-alive connections that have gone idle. Node closes the
// idle ones once, when closing starts; a connection whose request was in flight goes idle later
// and would otherwise hold the close open until its keep-alive timeout.
const IDLE_CONNECTION_SWEEP_MS = 50;

/**
 * Closes `app` on the first SIGINT or SIGTERM: it stops accepting connections and lets requests
 * in flight finish. The listeners are then removed, so a second signal stops the process at once.
 * Resolves when the app is closed.
 */
export function closeOnSignals(app: BankApp, signals: SignalSource): Promise<void> {
  return new Promise((resolve, reject) => {
    const names: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
    const onSignal = (): void => {
      for (const name of names) signals.removeListener(name, onSignal);
      app.log.info("Closing: finishing requests in flight");
      const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_CONNECTION_SWEEP_MS);
      app.close().then(resolve, reject).finally(() => clearInterval(sweep));
    };
    for (const name of names) signals.once(name, onSignal);
  });
}
