// The listening server: options from the environment and flags, start-up on a real socket,
// graceful close on SIGINT/SIGTERM with requests in flight, and the log levels.

import { EventEmitter } from "node:events";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type BankApp } from "../../src/http/app.js";
import { adminKey, HolderTokens, parseRateLimit } from "../../src/http/auth/index.js";
import {
  accessSummary,
  checkExposure,
  closeOnSignals,
  parseFsync,
  parseLogLevel,
  parsePort,
  parseSwitch,
  resolveServerOptions,
  startServer,
} from "../../src/http/server.js";
import { temporaryDirectory } from "./helpers.js";

const ADMIN_SECRET = "admin-secret-0123456789";

const opened: BankApp[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

describe("resolveServerOptions", () => {
  it("when nothing is set, serves on 127.0.0.1:8000 at level info", () => {
    expect(resolveServerOptions({})).toEqual({ host: "127.0.0.1", port: 8000, logLevel: "info" });
  });

  it("when HOST, PORT and LOG_LEVEL are set, uses them", () => {
    expect(resolveServerOptions({ HOST: "0.0.0.0", PORT: "9000", LOG_LEVEL: "warn" })).toEqual({
      host: "0.0.0.0",
      port: 9000,
      logLevel: "warn",
    });
  });

  it("when flags are given, they win over the environment", () => {
    const options = resolveServerOptions({ HOST: "0.0.0.0", PORT: "9000" }, { host: "::1", port: 0 });
    expect(options).toMatchObject({ host: "::1", port: 0 });
  });

  it("when DATA_DIR and FSYNC are set, keeps the bank there with that policy", () => {
    expect(resolveServerOptions({ DATA_DIR: "/var/bank", FSYNC: "100ms" })).toEqual({
      host: "127.0.0.1",
      port: 8000,
      logLevel: "info",
      dataDir: "/var/bank",
      fsync: { intervalMs: 100 },
    });
    expect(resolveServerOptions({ DATA_DIR: "/var/bank", FSYNC: "always" })).toMatchObject({ fsync: "always" });
  });

  it("when DATA_DIR or FSYNC is empty, the bank is in memory and the policy the default", () => {
    expect(resolveServerOptions({ DATA_DIR: "", FSYNC: "" })).toEqual({ host: "127.0.0.1", port: 8000, logLevel: "info" });
  });

  it("when --data-dir and --fsync are given, they win over DATA_DIR and FSYNC, a bad FSYNC included", () => {
    const options = resolveServerOptions({ DATA_DIR: "/var/bank", FSYNC: "sometimes" }, { dataDir: "./here", fsync: "always" });
    expect(options).toMatchObject({ dataDir: "./here", fsync: "always" });
  });

  it("when FSYNC is not a policy, says so in one line", () => {
    expect(() => resolveServerOptions({ FSYNC: "sometimes" })).toThrow(`FSYNC must be "always" or an interval such as "100ms", not 'sometimes'`);
  });

  it("when the access settings are in the environment, reads them: keys, opt-out, rate limit, CORS origins", () => {
    const dir = temporaryDirectory("banking-server-");
    const file = join(dir, "keys.json");
    writeFileSync(file, JSON.stringify([{ name: "ops", key: "ops-secret-0123456789", scopes: ["money:move"] }]));
    const env = {
      ADMIN_API_KEY: ADMIN_SECRET, API_KEYS_FILE: file, ALLOW_OPEN_ACCESS: "1", RATE_LIMIT: "50/s",
      CORS_ORIGINS: "https://a.example,https://b.example",
    };
    const options = resolveServerOptions(env);
    expect(options.apiKeys?.map((key) => [key.name, key.scopes])).toEqual([["admin", ["admin"]], ["ops", ["money:move"]]]);
    expect(options).toMatchObject({
      allowOpenAccess: true, rateLimit: { max: 50, windowMs: 1000 }, corsOrigins: ["https://a.example", "https://b.example"],
    });
  });

  it("when flags set access, they win over the environment", () => {
    const dir = temporaryDirectory("banking-server-");
    const [fromEnv, fromFlag] = ["env", "flag"].map((name) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify([{ name, key: `${name}-secret-0123456789`, scopes: ["admin"] }]));
      return file;
    });
    const options = resolveServerOptions(
      { API_KEYS_FILE: fromEnv, RATE_LIMIT: "50/s", CORS_ORIGINS: "https://a.example", ALLOW_OPEN_ACCESS: "0" },
      { apiKeysFile: fromFlag, rateLimit: parseRateLimit("5/min"), corsOrigins: ["https://c.example"], allowOpenAccess: true },
    );
    expect(options.apiKeys?.map((key) => key.name)).toEqual(["flag"]);
    expect(options).toMatchObject({ allowOpenAccess: true, rateLimit: { max: 5 }, corsOrigins: ["https://c.example"] });
  });

  it("when an access setting is not valid, says so in one sentence", () => {
    expect(() => resolveServerOptions({ ADMIN_API_KEY: "short" })).toThrow("ADMIN_API_KEY must be 16 to 512 characters long, not 5");
    expect(() => resolveServerOptions({ API_KEYS_FILE: "/nowhere/keys.json" })).toThrow("Cannot read the API keys file /nowhere/keys.json");
    expect(() => resolveServerOptions({ ALLOW_OPEN_ACCESS: "yes" })).toThrow("ALLOW_OPEN_ACCESS must be 1 or true (or 0, false or empty), not 'yes'");
    expect(() => resolveServerOptions({ RATE_LIMIT: "fast" })).toThrow("Rate limit must be N/s or N/min");
    expect(() => resolveServerOptions({ CORS_ORIGINS: "app.example" })).toThrow("A CORS origin must be *");
  });

  it("when PORT or LOG_LEVEL is not valid, says so clearly", () => {
    expect(() => resolveServerOptions({ PORT: "eighty" })).toThrow("Port must be an integer from 0 to 65535, not 'eighty'");
    expect(() => resolveServerOptions({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL must be one of fatal, .*, not 'loud'/);
  });
});

describe("parseFsync", () => {
  it("accepts always", () => {
    expect(parseFsync("always")).toBe("always");
  });

  it.each([["1ms", 1], ["100ms", 100], ["999999ms", 999_999]])("accepts the interval %s", (text, intervalMs) => {
    expect(parseFsync(text)).toEqual({ intervalMs });
  });

  it.each(["", "0ms", "100", "100 ms", "1s", "1.5ms", "-5ms", "1000000ms", "Always", "never"])("refuses %j in one line", (text) => {
    expect(() => parseFsync(text)).toThrow(new Error(`FSYNC must be "always" or an interval such as "100ms", not '${text}'`));
  });
});

describe("parsePort and parseLogLevel", () => {
  it.each(["0", "80", "65535"])("accepts port %s", (text) => {
    expect(parsePort(text)).toBe(Number(text));
  });

  it.each(["", "-1", "65536", "1.5", "8e3", " 80", "0x50"])("refuses port %j", (text) => {
    expect(() => parsePort(text)).toThrow(/Port must be/);
  });

  it("accepts every pino level and refuses others", () => {
    for (const level of ["fatal", "error", "warn", "info", "debug", "trace", "silent"]) expect(parseLogLevel(level)).toBe(level);
    expect(() => parseLogLevel("INFO")).toThrow();
  });
});

describe("parseSwitch", () => {
  it.each([[undefined, false], ["", false], ["0", false], ["false", false], ["1", true], ["true", true]])("reads %j as %s", (text, value) => {
    expect(parseSwitch("X", text)).toBe(value);
  });
});

describe("checkExposure: an open bank is served on loopback only", () => {
  const keys = [adminKey(ADMIN_SECRET)];
  it.each(["127.0.0.1", "::1", "localhost"])("on %s without a key, serves it open", (host) => {
    expect(checkExposure({ host })).toBe(false);
  });

  it.each(["0.0.0.0", "::", "192.168.1.10", "bank.example"])("on %s without a key, refuses, saying how to configure one", (host) => {
    expect(() => checkExposure({ host })).toThrow(
      `Refusing to serve without access control on ${host}, which is not a loopback address: anyone who could reach it ` +
        "could move any account's money. Set ADMIN_API_KEY=<secret> or --api-keys-file FILE",
    );
  });

  it("on any address with a key, serves with access control; with the opt-out, serves it open", () => {
    expect(checkExposure({ host: "0.0.0.0", apiKeys: keys })).toBe(true);
    expect(checkExposure({ host: "127.0.0.1", apiKeys: keys })).toBe(true);
    expect(checkExposure({ host: "0.0.0.0", allowOpenAccess: true })).toBe(false);
  });

  it("says on start who may call, and warns when the bank is open beyond loopback", () => {
    const base = { port: 0, logLevel: "info" };
    expect(accessSummary({ ...base, host: "0.0.0.0", apiKeys: keys, rateLimit: parseRateLimit("5/s") })).toEqual({
      level: "info", message: "Access control on: API keys admin; rate limit 5/s per credential",
    });
    expect(accessSummary({ ...base, host: "127.0.0.1" })).toEqual({
      level: "info", message: "Access control off (an open sandbox on a loopback address); no rate limit",
    });
    expect(accessSummary({ ...base, host: "0.0.0.0", allowOpenAccess: true, rateLimit: parseRateLimit("5/min") })).toEqual({
      level: "warn",
      message: "Access control OFF on 0.0.0.0 (--allow-open-access): anyone who can reach it can move any account's money; rate limit 5/min per address",
    });
  });
});

describe("startServer", () => {
  it("when asked to serve an open bank beyond loopback, refuses before listening", async () => {
    await expect(startServer({ host: "0.0.0.0", port: 0, logLevel: "silent" })).rejects.toThrow(/^Refusing to serve without access control on 0\.0\.0\.0/);
  });

  it("when given a key, serves with access control, its token registry, rate limit and CORS as configured", async () => {
    const bank = new Bank();
    bank.createAccount("alice", 1);
    const tokens = new HolderTokens();
    const { app, url } = await startServer({
      host: "127.0.0.1", port: 0, logLevel: "silent", bank, apiKeys: [adminKey(ADMIN_SECRET)], tokens,
      rateLimit: parseRateLimit("100/s"), corsOrigins: ["https://a.example"],
    });
    opened.push(app);
    expect((await fetch(`${url}/accounts`)).status).toBe(401);
    expect((await fetch(`${url}/accounts/alice`, { headers: { authorization: `Bearer ${tokens.issue("alice")}` } })).status).toBe(200);
    const response = await fetch(`${url}/accounts`, { headers: { authorization: `Bearer ${ADMIN_SECRET}`, origin: "https://a.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-limit")).toBe("100");
    expect(response.headers.get("access-control-allow-origin")).toBe("https://a.example");
  });

  it("when started on port 0, listens on 127.0.0.1 and serves the given bank over HTTP", async () => {
    const bank = new Bank();
    bank.createAccount("alice", 12.5);
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", bank });
    opened.push(app);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/accounts/alice`);
    expect(await response.json()).toEqual({ name: "alice", balance: 12.5, available: 12.5, held: 0, incoming_held: 0 });
  });

  it("when started without a bank, serves a new empty one", async () => {
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent" });
    opened.push(app);
    expect(await (await fetch(`${url}/accounts`)).json()).toEqual({ accounts: [], next_after: null });
  });
});

describe("closeOnSignals", () => {
  it.each(["SIGTERM", "SIGINT"] as const)("on %s, lets the request in flight finish, then closes", async (signal) => {
    const app = buildApp();
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    app.get("/slow", async () => {
      arrived();
      await new Promise((resolve) => setTimeout(resolve, 200));
      return { finished: true };
    });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    const signals = new EventEmitter();
    const closed = closeOnSignals(app, signals);

    const slow = fetch(`${url}/slow`);
    await inFlight;
    signals.emit(signal);
    const response = await slow;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closed;
    expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM")).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

describe("log levels", () => {
  async function linesLogged(level: string): Promise<string[]> {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const app = buildApp({ logger: { level, stream } });
    await app.inject({ method: "GET", url: "/health" });
    await app.close();
    return lines;
  }

  it("at info, logs each request", async () => {
    const lines = await linesLogged("info");
    expect(lines.some((line) => line.includes("request completed"))).toBe(true);
  });

  it("at warn, logs no line per request", async () => {
    expect(await linesLogged("warn")).toEqual([]);
  });
});
