// Runs the app on a socket: reads HOST, PORT, LOG_LEVEL, DATA_DIR and FSYNC, opens the bank (on
// disk when a data directory is given), listens, prints where the API and its docs are, and closes
// gracefully on SIGINT/SIGTERM (requests in flight finish first, then the bank is closed).

import type { Bank } from "../core/index.js";
import { openBank, type FsyncPolicy, type StoreFailedError } from "../store/index.js";
import { buildApp, type BankApp } from "./app.js";
import { logFormatFor, loggerOptions, type LogFormat, type Output } from "./log-lines.js";
import { DOCS_PATH } from "./openapi.js";

/** Where and how loudly to serve, and where the bank is kept. */
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
}

/**
 * Server options: `overrides` (command-line flags) first, then HOST, PORT, LOG_LEVEL, DATA_DIR and
 * FSYNC from `env`, then the defaults. Throws a clear error for a bad port, log level or policy.
 */
export function resolveServerOptions(env: NodeJS.ProcessEnv, overrides: ServerOverrides = {}): ServerOptions {
  const dataDir = overrides.dataDir ?? (env.DATA_DIR || undefined);
  const fsync = overrides.fsync ?? (env.FSYNC ? parseFsync(env.FSYNC) : undefined);
  return {
    host: overrides.host ?? (env.HOST || DEFAULT_HOST),
    port: overrides.port ?? (env.PORT ? parsePort(env.PORT) : DEFAULT_PORT),
    logLevel: overrides.logLevel ?? parseLogLevel(env.LOG_LEVEL || DEFAULT_LOG_LEVEL),
    ...(dataDir !== undefined && { dataDir }),
    ...(fsync !== undefined && { fsync }),
  };
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
  const notices: string[] = [];
  const bank = options.bank ?? (options.dataDir === undefined ? undefined : await openBank({
    dataDir: options.dataDir,
    ...(options.fsync !== undefined && { fsync: options.fsync }),
    onNotice: (notice) => notices.push(notice),
    onFailure: options.onStoreFailure ?? exitOnStoreFailure,
  }));
  const output = options.output ?? process.stdout;
  const logger = loggerOptions(options.logLevel, options.logFormat ?? logFormatFor(output), output);
  const app = buildApp({ logger, ...(bank !== undefined && { bank }) });
  for (const notice of notices) app.log.warn(notice);
  // The bank closes after the server: requests in flight finish, then the journal gets its snapshot.
  if (options.bank === undefined && bank !== undefined) app.addHook("onClose", () => bank.close());
  try {
    const kept = options.dataDir === undefined ? "in memory" : `in ${options.dataDir}`;
    const where = (url: string) => `Bank API at ${url}, docs at ${url}${DOCS_PATH}; the bank is kept ${kept}`;
    // Fastify logs each address it listens on at info, in these words.
    const url = await app.listen({ host: options.host, port: options.port, listenTextResolver: where });
    if (QUIETER_THAN_INFO.includes(options.logLevel)) output.write(`${where(url)}\n`);
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
