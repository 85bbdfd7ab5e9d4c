// The `bank` command: argv to actions. `serve` runs the HTTP server, `repl` opens a REPL. The
// program is built from its dependencies so tests drive it in-process.

import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
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

/** A flag's parser whose errors commander reports as one line. */
function option<T>(parse: (text: string) => T): (text: string) => T {
  return (text) => {
    try {
      return parse(text);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

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
    .description("Serve the REST API (docs at /docs); HOST, PORT, LOG_LEVEL, DATA_DIR and FSYNC are read from the environment")
    .option("--host <host>", "address to listen on (default: HOST or 127.0.0.1)")
    .option("--port <port>", "port to listen on, 0 for any free one (default: PORT or 8000)", option(parsePort))
    .option("--log-level <level>", "fatal, error, warn, info (a line per request), debug, trace or silent (default: LOG_LEVEL or info)",
      option((text) => parseLogLevel(text, "--log-level")))
    .option("--data-dir <dir>", "keep the bank on disk in this directory (default: DATA_DIR, or in memory)")
    .option("--fsync <policy>", 'with --data-dir: "always" (default) or an interval such as "100ms" (default: FSYNC)', option(parseFsync))
    .action(async (flags: ServerOverrides, command: Command) => {
      let app;
      try {
        ({ app } = await deps.startServer(resolveServerOptions(deps.env, flags)));
      } catch (error) {
        // A bad PORT or LOG_LEVEL, or a port in use: one line, not a stack trace.
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
