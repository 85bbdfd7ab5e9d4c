// The built `bank` command as a user runs it (node dist/cli/main.js, after `npm run build`):
// it serves, logs where, logs requests at info, and exits cleanly on SIGTERM and SIGINT; alone or
// with --version it answers on stdout and exits 0.

import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const MAIN = new URL("../../dist/cli/main.js", import.meta.url).pathname;
const PACKAGE_JSON = new URL("../../package.json", import.meta.url);
const run = promisify(execFile);

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before these tests`);
});

/** Starts `bank serve` on a free port and resolves with its URL once it has logged it. */
function serve(env: Record<string, string>, flags: string[] = []): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [MAIN, "serve", "--port", "0", ...flags], {
    env: { ...process.env, HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`bank serve exited with ${code}: ${output}`)));
    child.stdout?.on("data", () => {
      const match = /Bank API at (http:\/\/[\d.:]+), docs at \1\/docs/.exec(output);
      if (match) resolve({ child, url: match[1] as string, output: () => output });
    });
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

describe("node dist/cli/main.js", () => {
  it("keeps its shebang, so `bank` runs as a command once installed", () => {
    expect(readFileSync(MAIN, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it.each(["SIGTERM", "SIGINT"] as const)("serves, logs each request at info, and exits 0 on %s", async (signal) => {
    const { child, url, output } = await serve({ LOG_LEVEL: "info" });
    const created = await fetch(`${url}/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "alice", initial_balance: 1 }),
    });
    expect(created.status).toBe(201);
    const exited = exitCode(child);
    child.kill(signal);
    expect(await exited).toBe(0);
    expect(output()).toContain('"msg":"request completed"');
    expect(output()).toContain("Closing: finishing requests in flight");
  });

  it("with --log-level error, still prints where it listens, as a line of its own, and logs no request", async () => {
    const { child, url, output } = await serve({ LOG_LEVEL: "info" }, ["--log-level", "error"]);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const exited = exitCode(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toBe(`Bank API at ${url}, docs at ${url}/docs; the bank is kept in memory\n`);
  });

  it("when run alone, prints the help on stdout and exits 0", async () => {
    const { stdout, stderr } = await run(process.execPath, [MAIN], { timeout: 10_000 });
    expect(stdout).toMatch(/^Usage: bank \[options\] \[command\][\s\S]*serve[\s\S]*repl/);
    expect(stderr).toBe("");
  });

  it("when asked for --version, prints the version in package.json and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(PACKAGE_JSON, "utf8")) as { version: string };
    const { stdout } = await run(process.execPath, [MAIN, "--version"], { timeout: 10_000 });
    expect(stdout).toBe(`${version}\n`);
  });

  it("with ADMIN_API_KEY set, serves with access control, says so, and logs no secret", async () => {
    const secret = "admin-secret-0123456789";
    const { child, url, output } = await serve({ LOG_LEVEL: "info", ADMIN_API_KEY: secret });
    expect((await fetch(`${url}/accounts`)).status).toBe(401);
    const created = await fetch(`${url}/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
      body: JSON.stringify({ name: "alice", initial_balance: 1 }),
    });
    const { token } = (await created.json()) as { token: string };
    expect((await fetch(`${url}/accounts/alice`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const exited = exitCode(child);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain("Access control on: API keys admin; no rate limit");
    expect(output()).not.toContain(secret);
    expect(output()).not.toContain(token);
  });

  it("when HOST is not loopback and no key is set, exits 1 with one line before listening", async () => {
    const env = { ...process.env, HOST: "0.0.0.0", PORT: "0", ADMIN_API_KEY: "", API_KEYS_FILE: "", ALLOW_OPEN_ACCESS: "" };
    const child = spawn(process.execPath, [MAIN, "serve"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(stderr).toMatch(/^error: Refusing to serve without access control on 0\.0\.0\.0, which is not a loopback address: .*\n$/);
    expect(stderr.split("\n")).toHaveLength(2);
  });

  it("when PORT is not a port, exits 1 with one line", async () => {
    const child = spawn(process.execPath, [MAIN, "serve"], { env: { ...process.env, PORT: "abc" }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exitCode(child)).toBe(1);
    expect(stderr).toBe("error: Port must be an integer from 0 to 65535, not 'abc'\n");
  });
});
