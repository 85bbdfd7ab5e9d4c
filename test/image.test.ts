// What the Docker image runs, without a container engine (none can build images here): the files
// a fresh clone has, the Dockerfile's build stage run step by step, its runtime stage assembled
// from what that stage copies, and the server started with the image's ENV and CMD. It must answer
// /health, its own HEALTHCHECK and a POST /accounts with production dependencies alone.

import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustRun, npmEnv, ROOT, run } from "./commands.js";

const STEP_TIMEOUT_MS = 120_000;
const START_TIMEOUT_MS = 15_000;

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** The Dockerfile's stages: continuation lines joined, comments dropped, one instruction a line. */
function parseDockerfile(text: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of text.split("\n")) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.trimEnd();
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    const whole = `${pending}${line.trim()}`.trim();
    pending = "";
    if (whole !== "") lines.push(whole);
  }
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = "", args = ""] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === "FROM") {
      const [, image = "", name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ image, name, instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`Dockerfile: ${keyword} before any FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

/** The arguments of `keyword` in a stage, in order. */
function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

/** `ENV A=1 B=2` instructions as a record (the simple `key=value` form, which is all we write). */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of argsOf(stage, "ENV")) {
    for (const pair of args.split(/\s+/)) {
      const match = /^(\w+)=(\S*)$/.exec(pair);
      if (match === null) throw new Error(`Dockerfile: ENV '${args}' is not in the key=value form this test reads`);
      env[match[1] as string] = match[2] as string;
    }
  }
  return env;
}

/** The exec form of HEALTHCHECK's command: `HEALTHCHECK --interval=... CMD ["node", ...]`. */
function healthcheckOf(stage: Stage): string[] {
  const [args = ""] = argsOf(stage, "HEALTHCHECK");
  const match = /^(?:--\S+\s+)*CMD\s+(\[.*\])$/.exec(args);
  if (match === null) throw new Error(`Dockerfile: HEALTHCHECK '${args}' is not 'CMD [...]' in exec form`);
  return JSON.parse(match[1] as string) as string[];
}

const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");
const STAGES = parseDockerfile(DOCKERFILE);
const RUNTIME = STAGES.at(-1) as Stage;

/** A stage's file system, as a host directory standing for its WORKDIR. */
interface Filesystem {
  workdir: string;
  root: string;
}

function hostPath(fs: Filesystem, path: string): string {
  const inside = path.startsWith("/") ? posix.relative(fs.workdir, path) : path;
  if (inside.startsWith("..")) throw new Error(`Dockerfile: ${path} is outside WORKDIR ${fs.workdir}, which this test maps`);
  return join(fs.root, inside);
}

/**
 * Runs one stage's instructions: COPY from the build context or an earlier stage, RUN in its
 * WORKDIR. The rest (ENV, USER, EXPOSE, HEALTHCHECK, CMD) only describes the image; the test reads it.
 */
async function buildStage(stage: Stage, root: string, context: string, built: Map<string, Filesystem>): Promise<Filesystem> {
  const fs: Filesystem = { workdir: "/", root };
  mkdirSync(root, { recursive: true });
  for (const { keyword, args } of stage.instructions) {
    if (keyword === "WORKDIR") {
      fs.workdir = args;
    } else if (keyword === "COPY") {
      const words = args.split(/\s+/);
      const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
      const [destination, ...sources] = words.filter((word) => !word.startsWith("--")).reverse();
      const source = from === undefined ? { workdir: "/", root: context } : built.get(from);
      if (source === undefined || destination === undefined) throw new Error(`Dockerfile: cannot read COPY ${args}`);
      for (const path of sources.reverse()) {
        const target = destination.endsWith("/") ? join(hostPath(fs, destination), posix.basename(path)) : hostPath(fs, destination);
        mkdirSync(dirname(target), { recursive: true });
        cpSync(hostPath(source, path), target, { recursive: true, verbatimSymlinks: true });
      }
    } else if (keyword === "RUN") {
      // npm prefers its cache, as a build with a warm cache would; the commands are the Dockerfile's.
      const env = npmEnv({ ...envOf(stage), npm_config_prefer_offline: "true" });
      await mustRun("/bin/sh", ["-c", args], { cwd: root, env, timeoutMs: STEP_TIMEOUT_MS });
    } else if (!["ENV", "USER", "EXPOSE", "HEALTHCHECK", "CMD"].includes(keyword)) {
      throw new Error(`Dockerfile: ${keyword} is not an instruction this test knows how to follow`);
    }
  }
  return fs;
}

/** A port free on 127.0.0.1 just now, for a server that must be told its port in advance. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Copies what a fresh clone would hold into `context`: the tracked and the new (not ignored)
 * files of this working tree, so uncommitted changes to them are tested too.
 */
async function copyClone(context: string): Promise<void> {
  const listed = await mustRun("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, timeoutMs: STEP_TIMEOUT_MS });
  for (const path of listed.stdout.split("\0").filter((name) => name !== "" && existsSync(join(ROOT, name)))) {
    mkdirSync(dirname(join(context, path)), { recursive: true });
    cpSync(join(ROOT, path), join(context, path), { verbatimSymlinks: true });
  }
}

/** Starts the image's CMD in `cwd` with `env`; resolves once the server logs that it listens at `url`. */
async function startCmd(cwd: string, env: NodeJS.ProcessEnv, url: string): Promise<{ server: ChildProcess; output: () => string }> {
  const [command, ...args] = JSON.parse(argsOf(RUNTIME, "CMD")[0] ?? "[]") as string[];
  if (command !== "node") throw new Error(`Dockerfile: CMD runs ${command}, not node`);
  const server = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  server.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const started = Date.now();
  while (!output.includes(`Bank API at ${url}`)) {
    if (server.exitCode !== null || Date.now() - started > START_TIMEOUT_MS) {
      server.kill("SIGKILL");
      throw new Error(`The server did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { server, output: () => output };
}

describe("the Dockerfile", () => {
  it("builds in one stage and runs from another, each on an official Node image pinned by major", () => {
    expect(STAGES.length).toBeGreaterThanOrEqual(2);
    for (const stage of STAGES) expect(stage.image).toMatch(/^node:\d+(-[a-z]+)?$/);
    expect(argsOf(RUNTIME, "COPY").every((args) => args.includes("--from="))).toBe(true);
  });

  it("runs the server as a user who is not root, listening on every interface on the port it exposes", () => {
    const user = argsOf(RUNTIME, "USER").at(-1);
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user?.split(":")[0]);
    expect(envOf(RUNTIME)).toMatchObject({ HOST: "0.0.0.0", PORT: expect.stringMatching(/^\d+$/) });
    expect(argsOf(RUNTIME, "EXPOSE")).toEqual([envOf(RUNTIME).PORT]);
    expect(JSON.parse(argsOf(RUNTIME, "CMD")[0] ?? "[]")).toEqual(["node", "dist/cli/main.js", "serve"]);
  });

  it("checks health on /health with node, on the port the server was given", () => {
    const check = healthcheckOf(RUNTIME);
    expect(check[0]).toBe("node");
    expect(check.join(" ")).toContain("/health");
    expect(check.join(" ")).toContain("process.env.PORT");
  });
});

describe("compose.yaml", () => {
  const compose = readFileSync(join(ROOT, "compose.yaml"), "utf8");

  it("builds the Dockerfile, maps its port, restarts unless stopped and checks health as the image does", () => {
    expect(compose).toMatch(/^ {4}build: \.$/m);
    expect(compose).toContain(`- "${envOf(RUNTIME).PORT}:${envOf(RUNTIME).PORT}"`);
    expect(compose).toMatch(/^ {4}restart: unless-stopped$/m);
    const test = /^ {6}test: (\[.*\])$/m.exec(compose)?.[1] ?? "[]";
    expect(JSON.parse(test)).toEqual(["CMD", ...healthcheckOf(RUNTIME)]);
  });
});

describe("the image's runtime stage, built as the Dockerfile says", () => {
  let dir: string;
  let runtime: Filesystem;
  let server: ChildProcess;
  let output: () => string;
  let url: string;
  let imageEnv: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "banking-system-image-"));
    const context = join(dir, "context");
    await copyClone(context);
    const built = new Map<string, Filesystem>();
    for (const [index, stage] of STAGES.entries()) {
      runtime = await buildStage(stage, join(dir, `stage-${index}`), context, built);
      built.set(stage.name ?? String(index), runtime);
    }
    // The image's environment, with the address a test may use: 127.0.0.1 and a free port.
    const port = await freePort();
    imageEnv = { PATH: process.env.PATH, ...envOf(RUNTIME), HOST: "127.0.0.1", PORT: String(port) };
    url = `http://127.0.0.1:${port}`;
    ({ server, output } = await startCmd(runtime.root, imageEnv, url));
  }, 3 * STEP_TIMEOUT_MS);

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGKILL");
      await exited;
    }
    // Removing the two stages' trees takes seconds, more on a busy machine than the default 10 s allow.
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    // Removing a whole node_modules can take a while on a busy machine.
  }, STEP_TIMEOUT_MS);

  it("holds the compiled code and the production dependencies, and no sources or development tools", () => {
    expect(readdirSync(runtime.root).sort()).toEqual(["dist", "node_modules", "package.json"]);
    expect(existsSync(join(runtime.root, "node_modules/fastify/package.json"))).toBe(true);
    for (const tool of ["typescript", "vitest", "eslint", "@types/node", "playwright-core"]) {
      expect(existsSync(join(runtime.root, "node_modules", tool)), tool).toBe(false);
    }
  });

  it("serves: /health says ok, and an account can be opened", async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    const created = await fetch(`${url}/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "alice", initial_balance: 100 }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: "alice", balance: 100 });
  });

  it("with the image's own HOST (0.0.0.0) and no key, refuses to start and says how to configure one", async () => {
    const [, ...args] = JSON.parse(argsOf(RUNTIME, "CMD")[0] ?? "[]") as string[];
    const refused = await run(process.execPath, args, {
      cwd: runtime.root, env: { ...imageEnv, HOST: envOf(RUNTIME).HOST }, timeoutMs: START_TIMEOUT_MS,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: Refusing to serve without access control on 0\.0\.0\.0, .*ADMIN_API_KEY/);
  });

  it("passes its own HEALTHCHECK", async () => {
    const [, ...args] = healthcheckOf(RUNTIME);
    const checked = await run(process.execPath, args, { cwd: runtime.root, env: imageEnv, timeoutMs: START_TIMEOUT_MS });
    expect(checked).toMatchObject({ code: 0, stderr: "" });
  });

  it("stops gracefully on SIGTERM, as `docker stop` asks", async () => {
    const exited = new Promise<number | null>((resolve) => server.once("exit", (code) => resolve(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output()).toContain("Closing: finishing requests in flight");
  });
});
