// Running npm, node and git for the tests that pack, install and start the package as its users
// do: every command bounded in time, npm in an environment free of the `npm test` that started us.

import { execFile } from "node:child_process";
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import { basename, delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository the tests run in. */
export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** What a command printed and how it ended; `code` is null when it was killed. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

const OUTPUT_BYTES_MAX = 64 * 1024 * 1024;

/**
 * Runs a command to its end and reports how it ended, without throwing. After `timeoutMs` the
 * command (that process only, by its pid) is killed and `code` is null.
 */
export function run(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeoutMs, maxBuffer: OUTPUT_BYTES_MAX },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs a command that must succeed; otherwise throws with its output, so a failure says why. */
export async function mustRun(file: string, args: readonly string[], options: Parameters<typeof run>[2]): Promise<Ran> {
  const ran = await run(file, args, options);
  if (ran.code !== 0) {
    const how = ran.code === null ? `was killed after ${options.timeoutMs} ms` : `exited with ${ran.code}`;
    throw new Error(`\`${[basename(file), ...args].join(" ")}\` in ${options.cwd} ${how}:\n${ran.stdout}\n${ran.stderr}`);
  }
  return ran;
}

/**
 * The environment for a child npm: the user's npm settings (`npm_config_*`: cache, registry)
 * stay; what describes the running `npm test` (its package, its script, its prefix) goes.
 */
export function npmEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const lower = name.toLowerCase();
    const ofThisRun = lower.startsWith("npm_") && (!lower.startsWith("npm_config_") || lower === "npm_config_local_prefix");
    if (!ofThisRun) env[name] = value;
  }
  return { ...env, ...extra };
}

/** The script of the npm that runs the tests (npm-cli.js), or else of the npm on PATH. */
export function npmCli(): string {
  const running = process.env.npm_execpath;
  if (running !== undefined && basename(running) === "npm-cli.js") return running;
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const npm = join(dir, "npm");
    if (existsSync(npm)) return realpathSync(npm);
  }
  throw new Error("npm is not on PATH");
}

/** Runs npm with `node`, optionally as if on another Node version (see `nodeVersionPreload`). */
export function npm(args: readonly string[], options: { cwd: string; timeoutMs: number; preload?: string; env?: NodeJS.ProcessEnv }): Promise<Ran> {
  const preload = options.preload === undefined ? [] : ["--require", options.preload];
  return run(process.execPath, [...preload, npmCli(), ...args], { env: npmEnv(), ...options });
}

/**
 * Writes, in `dir`, a script that makes `process.version` read `version` for the process that
 * preloads it. npm's engine check compares `engines` with `process.version` (npm 11 has no
 * setting for it), so `npm install --engine-strict` under this preload answers as it would on
 * that Node version; nothing else npm does depends on it.
 */
export function nodeVersionPreload(dir: string, version: string): string {
  const path = join(dir, `node-${version}.cjs`);
  writeFileSync(path, `Object.defineProperty(process, "version", { value: ${JSON.stringify(`v${version}`)} });\n`);
  return path;
}

const ALTERNATIVE = /^(>=|\^)(\d+)\.(\d+)\.(\d+)$/;

function parts(version: string): [number, number, number] {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`Not a version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function alternatives(range: string): { caret: boolean; floor: [number, number, number] }[] {
  return range.split("||").map((text) => {
    const match = ALTERNATIVE.exec(text.trim());
    if (match === null) throw new Error(`engines.node alternative '${text.trim()}' is not '>=X.Y.Z' or '^X.Y.Z'; teach test/commands.ts its form`);
    return { caret: match[1] === "^", floor: [Number(match[2]), Number(match[3]), Number(match[4])] };
  });
}

/** The lowest version of each alternative of an engines range like "^20.19.0 || >=22.12.0". */
export function claimedFloors(range: string): string[] {
  return alternatives(range).map(({ floor }) => floor.join("."));
}

/** Whether `version` (like process.version) is inside an engines range of `>=` and `^` alternatives. */
export function isClaimed(version: string, range: string): boolean {
  const [major, minor, patch] = parts(version);
  return alternatives(range).some(({ caret, floor }) => {
    const atLeast = major !== floor[0] ? major > floor[0] : minor !== floor[1] ? minor > floor[1] : patch >= floor[2];
    return atLeast && (!caret || major === floor[0]);
  });
}
