// The `bank` program driven in-process: `serve` resolves flags over the environment, starts the
// server and closes it on a signal; `repl` opens the REPL; bad options fail with one clear line;
// `bank` alone and `bank --version` answer on stdout and exit 0.

import { EventEmitter } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import type { BankApp } from "../../src/http/app.js";
import { startServer, type ServerOptions } from "../../src/http/server.js";
import { buildProgram, runProgram } from "../../src/cli/program.js";

/** A program whose commander output and exits are captured instead of reaching the process. */
function programFor(deps: Parameters<typeof buildProgram>[0]) {
  const errors: string[] = [];
  const output: string[] = [];
  const program = buildProgram(deps).exitOverride();
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeErr: (text) => errors.push(text), writeOut: (text) => output.push(text) });
  }
  return { program, errors, output };
}

describe("bank serve", () => {
  it("when flags are given, they override HOST and PORT, and the server closes on SIGTERM", async () => {
    const signals = new EventEmitter();
    let started: { app: BankApp; url: string } | undefined;
    const spy = vi.fn(async (options: ServerOptions) => {
      started = await startServer({ ...options, logLevel: "silent" });
      return started;
    });
    const { program } = programFor({ env: { HOST: "0.0.0.0", PORT: "1" }, signals, startServer: spy });

    const running = program.parseAsync(["serve", "--host", "127.0.0.1", "--port", "0"], { from: "user" });
    await vi.waitFor(() => expect(started).toBeDefined());
    expect(spy).toHaveBeenCalledWith({ host: "127.0.0.1", port: 0, logLevel: "info" });
    expect((await fetch(`${started?.url}/health`)).status).toBe(200);

    signals.emit("SIGTERM");
    await running;
    await expect(fetch(`${started?.url}/health`)).rejects.toThrow();
  });

  it("when no flags are given, reads HOST, PORT and LOG_LEVEL from the environment", async () => {
    const fakeStart = vi.fn(async () => ({ app: { close: async () => undefined, log: { info: () => undefined } } as unknown as BankApp, url: "" }));
    const signals = new EventEmitter();
    const { program } = programFor({ env: { HOST: "::1", PORT: "9001", LOG_LEVEL: "warn" }, signals, startServer: fakeStart });
    const running = program.parseAsync(["serve"], { from: "user" });
    await vi.waitFor(() => expect(fakeStart).toHaveBeenCalledWith({ host: "::1", port: 9001, logLevel: "warn" }));
    signals.emit("SIGINT");
    await running;
  });

  it("when --log-level is given, it wins over LOG_LEVEL, even one that is not a level", async () => {
    const fakeStart = vi.fn(async () => ({ app: { close: async () => undefined, log: { info: () => undefined } } as unknown as BankApp, url: "" }));
    const signals = new EventEmitter();
    const { program } = programFor({ env: { LOG_LEVEL: "chatty" }, signals, startServer: fakeStart });
    const running = program.parseAsync(["serve", "--log-level", "error"], { from: "user" });
    await vi.waitFor(() => expect(fakeStart).toHaveBeenCalledWith({ host: "127.0.0.1", port: 8000, logLevel: "error" }));
    signals.emit("SIGTERM");
    await running;
  });

  it("when --log-level is not a level, fails with one line naming the flag and the valid ones", async () => {
    const fakeStart = vi.fn();
    const { program, errors } = programFor({ env: {}, startServer: fakeStart });
    await expect(program.parseAsync(["serve", "--log-level", "loud"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toContain("--log-level must be one of fatal, error, warn, info, debug, trace, silent, not 'loud'");
    expect(fakeStart).not.toHaveBeenCalled();
  });

  it("when --port is not a port, fails with a clear message before starting anything", async () => {
    const fakeStart = vi.fn();
    const { program, errors } = programFor({ env: {}, startServer: fakeStart });
    await expect(program.parseAsync(["serve", "--port", "http"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toContain("Port must be an integer from 0 to 65535, not 'http'");
    expect(fakeStart).not.toHaveBeenCalled();
  });

  it("when --data-dir and --fsync are given, the server keeps the bank there with that policy", async () => {
    const fakeStart = vi.fn(async () => ({ app: { close: async () => undefined, log: { info: () => undefined } } as unknown as BankApp, url: "" }));
    const signals = new EventEmitter();
    const { program } = programFor({ env: { DATA_DIR: "/elsewhere", FSYNC: "always" }, signals, startServer: fakeStart });
    const running = program.parseAsync(["serve", "--data-dir", "./data", "--fsync", "100ms"], { from: "user" });
    await vi.waitFor(() => expect(fakeStart).toHaveBeenCalledWith({
      host: "127.0.0.1", port: 8000, logLevel: "info", dataDir: "./data", fsync: { intervalMs: 100 },
    }));
    signals.emit("SIGTERM");
    await running;
  });

  it("when --fsync is not a policy, fails with one clear line before starting anything", async () => {
    const fakeStart = vi.fn();
    const { program, errors } = programFor({ env: {}, startServer: fakeStart });
    await expect(program.parseAsync(["serve", "--fsync", "sometimes"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toBe(
      `error: option '--fsync <policy>' argument 'sometimes' is invalid. FSYNC must be "always" or an interval such as "100ms", not 'sometimes'\n`,
    );
    expect(fakeStart).not.toHaveBeenCalled();
  });

  it("when FSYNC is not a policy, fails with one line", async () => {
    const fakeStart = vi.fn();
    const { program, errors } = programFor({ env: { FSYNC: "1s" }, startServer: fakeStart });
    await expect(program.parseAsync(["serve"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toBe(`error: FSYNC must be "always" or an interval such as "100ms", not '1s'\n`);
    expect(fakeStart).not.toHaveBeenCalled();
  });

  it("when the server cannot start, fails with one line naming the cause", async () => {
    const fakeStart = vi.fn(async () => {
      throw new Error("listen EADDRINUSE: address already in use 127.0.0.1:8000");
    });
    const { program, errors } = programFor({ env: {}, startServer: fakeStart });
    await expect(program.parseAsync(["serve"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toBe("error: listen EADDRINUSE: address already in use 127.0.0.1:8000\n");
  });

  it("when LOG_LEVEL is not a level, fails with one line naming the valid ones", async () => {
    const { program, errors } = programFor({ env: { LOG_LEVEL: "chatty" }, startServer: vi.fn() });
    await expect(program.parseAsync(["serve"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toMatch(/^error: LOG_LEVEL must be one of .*, not 'chatty'\n$/);
  });
});

describe("bank serve, access settings", () => {
  const directories: string[] = [];
  afterAll(() => {
    for (const directory of directories) rmSync(directory, { recursive: true, force: true });
  });

  function keysFile(): string {
    const directory = mkdtempSync(join(tmpdir(), "banking-cli-"));
    directories.push(directory);
    const file = join(directory, "keys.json");
    writeFileSync(file, JSON.stringify([{ name: "ops", key: "ops-secret-0123456789", scopes: ["money:move"] }]));
    return file;
  }

  /** Runs `bank serve` with `args` and `env` and returns the options the server was started with. */
  async function servedWith(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServerOptions> {
    const signals = new EventEmitter();
    const fakeStart = vi.fn(async () => ({ app: { close: async () => undefined, log: { info: () => undefined } } as unknown as BankApp, url: "" }));
    const { program } = programFor({ env, signals, startServer: fakeStart });
    const running = program.parseAsync(["serve", ...args], { from: "user" });
    await vi.waitFor(() => expect(fakeStart).toHaveBeenCalledOnce());
    signals.emit("SIGTERM");
    await running;
    return (fakeStart.mock.calls[0] as unknown as [ServerOptions])[0];
  }

  it("reads --api-keys-file, --allow-open-access, --rate-limit and repeated --cors-origin", async () => {
    const options = await servedWith([
      "--api-keys-file", keysFile(), "--allow-open-access", "--rate-limit", "100/s",
      "--cors-origin", "https://a.example", "--cors-origin", "https://b.example,https://c.example",
    ]);
    expect(options.apiKeys?.map((key) => key.name)).toEqual(["ops"]);
    expect(options).toMatchObject({
      allowOpenAccess: true, rateLimit: { max: 100, windowMs: 1000 },
      corsOrigins: ["https://a.example", "https://b.example", "https://c.example"],
    });
  });

  it("reads the same from API_KEYS_FILE, ADMIN_API_KEY, ALLOW_OPEN_ACCESS, RATE_LIMIT and CORS_ORIGINS", async () => {
    const options = await servedWith([], {
      API_KEYS_FILE: keysFile(), ADMIN_API_KEY: "admin-secret-0123456789", ALLOW_OPEN_ACCESS: "true",
      RATE_LIMIT: "600/min", CORS_ORIGINS: "*",
    });
    expect(options.apiKeys?.map((key) => key.name)).toEqual(["admin", "ops"]);
    expect(options).toMatchObject({ allowOpenAccess: true, rateLimit: { max: 600, windowMs: 60_000 }, corsOrigins: ["*"] });
  });

  it.each([
    [["--rate-limit", "lots"], {}, "error: option '--rate-limit <rate>' argument 'lots' is invalid. Rate limit must be N/s or N/min with N from 1 to 1000000000, not 'lots'\n"],
    [["--cors-origin", "app.example"], {}, "error: option '--cors-origin <origin>' argument 'app.example' is invalid. A CORS origin must be * or scheme://host[:port] with no path (e.g. https://app.example), not 'app.example'\n"],
    [["--api-keys-file", "/nowhere/keys.json"], {}, "error: Cannot read the API keys file /nowhere/keys.json: ENOENT: no such file or directory, open '/nowhere/keys.json'\n"],
    [[], { ADMIN_API_KEY: "short" }, "error: ADMIN_API_KEY must be 16 to 512 characters long, not 5\n"],
    [[], { ALLOW_OPEN_ACCESS: "yes" }, "error: ALLOW_OPEN_ACCESS must be 1 or true (or 0, false or empty), not 'yes'\n"],
    [[], { RATE_LIMIT: "1/h" }, "error: Rate limit must be N/s or N/min with N from 1 to 1000000000, not '1/h'\n"],
  ] as const)("when given %j %j, fails with one line and starts nothing", async (args, env, message) => {
    const fakeStart = vi.fn();
    const { program, errors } = programFor({ env, startServer: fakeStart });
    await expect(program.parseAsync(["serve", ...args], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toBe(message);
    expect(fakeStart).not.toHaveBeenCalled();
  });

  it("when asked to serve an open bank on 0.0.0.0, refuses with one line saying how to configure a key", async () => {
    const { program, errors } = programFor({ env: {}, startServer });
    await expect(program.parseAsync(["serve", "--host", "0.0.0.0", "--port", "0"], { from: "user" })).rejects.toThrow();
    expect(errors.join("")).toMatch(/^error: Refusing to serve without access control on 0\.0\.0\.0, .* --allow-open-access \(ALLOW_OPEN_ACCESS=1\) to serve it open all the same\n$/);
  });
});

describe("bank repl", () => {
  it("opens the REPL", async () => {
    const startRepl = vi.fn();
    const { program } = programFor({ startRepl });
    await program.parseAsync(["repl"], { from: "user" });
    expect(startRepl).toHaveBeenCalledOnce();
  });
});

describe("bank", () => {
  it("when run without a command, prints the help with the commands on stdout and exits 0", async () => {
    const { program, errors, output } = programFor({});
    await expect(runProgram(program, [])).rejects.toMatchObject({ code: "commander.helpDisplayed", exitCode: 0 });
    expect(output.join("")).toMatch(/^Usage: bank \[options\] \[command\][\s\S]*serve[\s\S]*repl/);
    expect(errors).toEqual([]);
  });

  it("when asked for --version, prints the version in package.json and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) {
      const { program, output } = programFor({});
      await expect(runProgram(program, [flag])).rejects.toMatchObject({ code: "commander.version", exitCode: 0 });
      expect(output).toEqual([`${version}\n`]);
    }
  });

  it("when the command is unknown, fails with a suggestion and starts nothing", async () => {
    const startServer = vi.fn();
    const { program, errors } = programFor({ startServer });
    await expect(runProgram(program, ["srve"])).rejects.toMatchObject({ code: "commander.unknownCommand", exitCode: 1 });
    expect(errors.join("")).toBe("error: unknown command 'srve'\n(Did you mean serve?)\n");
    expect(startServer).not.toHaveBeenCalled();
  });
});
