// The `bank` command: argv to actions. `serve` runs the HTTP server, `repl` opens a REPL. The
// program is built from its dependencies so tests drive it in-process.

import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { parseRateLimit } from "../http/auth/index.js";
import { parseCorsOrigins } from "../http/cors.js";
import {
  closeOnSignals,
  parseFsync,
  parseLogLevel,
  parsePort,
  resolveServerOptions,
  startServer,
  type ServerOverrides,
  type SignalSource,
} from "../http/server.js";
import { startBankRepl } from "./repl.js";

/** What the commands act on; `process` and the real server and REPL unless a test says otherwise. */
export interface ProgramDeps {
  env: NodeJS.ProcessEnv;
  signals: SignalSource;
  startServer: typeof startServer;
  startRepl: () => unknown;
}

// The package's own package.json, two levels up from src/cli/ and from dist/cli/ alike.
const PACKAGE_JSON_URL = new URL("../../package.json", import.meta.url);

/** The version in package.json, read when the program is built so it is never written twice. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(PACKAGE_JSON_URL, "utf8")) as { version: string }).version;
}

/** An option's parser whose errors commander reports in one line, naming the option. */
function optionParser<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

const portOption = optionParser(parsePort);
const rateLimitOption = optionParser(parseRateLimit);

/** --cors-origin may be repeated, each a list; every value is checked as it is read. */
function corsOriginOption(text: string, previous: string[] = []): string[] {
  optionParser((value) => parseCorsOrigins([value]))(text);
  return [...previous, text];
}

const SERVE_DESCRIPTION =
  "Serve the REST API (docs at /docs). HOST, PORT, LOG_LEVEL, DATA_DIR, FSYNC, ADMIN_API_KEY, API_KEYS_FILE, " +
  "ALLOW_OPEN_ACCESS, RATE_LIMIT and CORS_ORIGINS are read from the environment; a flag wins over its variable";

/**
 * Builds the `bank` program.
 *
 * @example
 * await buildProgram().parseAsync(["serve", "--port", "8080"], { from: "user" });
 */
export function buildProgram(overrides: Partial<ProgramDeps> = {}): Command {
  const deps: ProgramDeps = { env: process.env, signals: process, startServer, startRepl: startBankRepl, ...overrides };
  const program = new Command("bank")
    .description("An exact, in-memory bank: a REST server and a REPL")
    .version(packageVersion());

  program
    .command("serve")
    .description(SERVE_DESCRIPTION)
    .option("--host <host>", "address to listen on (default: HOST or 127.0.0.1)")
    .option("--port <port>", "port to listen on, 0 for any free one (default: PORT or 8000)", portOption)
    .option("--log-level <level>", "fatal, error, warn, info (a line per request), debug, trace or silent (default: LOG_LEVEL or info)",
      optionParser((text) => parseLogLevel(text, "--log-level")))
    .option("--data-dir <dir>", "keep the bank on disk in this directory (default: DATA_DIR, or in memory)")
    .option("--fsync <policy>", 'with --data-dir: "always" (default) or an interval such as "100ms" (default: FSYNC)', optionParser(parseFsync))
    .option("--api-keys-file <file>", "JSON file of API keys, which turns access control on (or API_KEYS_FILE; with ADMIN_API_KEY, both count)")
    .option("--allow-open-access", "serve WITHOUT access control on an address that is not loopback (or ALLOW_OPEN_ACCESS=1)")
    .option("--rate-limit <rate>", "requests per credential (per address when open), N/s or N/min (or RATE_LIMIT; default: none)", rateLimitOption)
    .option("--cors-origin <origin>", "let this browser origin call the API; repeat it or separate origins with commas (or CORS_ORIGINS)", corsOriginOption)
    .action(async (flags: Omit<ServerOverrides, "corsOrigins"> & { corsOrigin?: string[] }, command: Command) => {
      const { corsOrigin, ...overrides } = flags;
      let app;
      try {
        const options = resolveServerOptions(deps.env, { ...overrides, ...(corsOrigin !== undefined && { corsOrigins: corsOrigin }) });
        ({ app } = await deps.startServer(options));
      } catch (error) {
        // A bad variable or keys file, an open bank beyond loopback, a port in use: one line, not a stack.
        command.error(`error: ${(error as Error).message}`);
      }
      await closeOnSignals(app, deps.signals);
    });

  program
    .command("repl")
    .description("Open a Node REPL with Bank, the errors and the money helpers loaded, and a `bank` ready")
    .action(() => {
      deps.startRepl();
    });

  return program;
}

/**
 * Runs `program` on the user's arguments (argv without node and the script). `bank` alone asks
 * for help: it prints the help on stdout and exits 0, as `bank --help` does.
 *
 * @example
 * await runProgram(buildProgram(), process.argv.slice(2));
 */
export function runProgram(program: Command, args: readonly string[]): Promise<Command> {
  return program.parseAsync(args.length === 0 ? ["--help"] : [...args], { from: "user" });
}
