// The built `bank serve` as a child process, for the tests that kill it, stop it, or start a second
// one on the same data directory: started on a free port of 127.0.0.1 (its URL read from its log),
// stopped only by its own pid, and spoken to by a small HTTP client with a keep-alive agent of its own.

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import http from "node:http";
import { fileURLToPath } from "node:url";

/** The built command; `npm test` builds it before the tests run. */
export const MAIN = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

/** Most characters of a child's output kept for a failure's message. */
const OUTPUT_CHARS_MAX = 64 * 1024;
/** A bound on every wait below: a child that never starts or never exits fails the test, it does not hang it. */
const WAIT_MS_MAX = 20_000;
const REQUEST_MS_MAX = 20_000;

/** How a child ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A child started by `spawnBank`: its pid, its output so far, and how it ended once it has. */
export interface BankChild {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<Exit>;
  output(): string;
}

/** A `bank serve` child that has logged where it listens. */
export interface BankServer extends BankChild {
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** The pids of the children started here that have not exited yet. */
const alive = new Set<number>();

if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` before these tests`);

/**
 * Starts `node dist/cli/main.js ...args` with `env` over this process's environment, less the
 * variables a server reads (so that only what the test passes counts).
 */
export function spawnBank(args: readonly string[], env: Record<string, string> = {}): BankChild {
  const base = { ...process.env };
  for (const name of ["HOST", "PORT", "LOG_LEVEL", "DATA_DIR", "FSYNC"]) delete base[name];
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_CHARS_MAX * 2) output = output.slice(-OUTPUT_CHARS_MAX);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const started: BankChild = {
    child,
    pid: child.pid as number,
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))),
    output: () => output,
  };
  alive.add(started.pid);
  void started.exited.then(() => alive.delete(started.pid));
  return started;
}

/** Starts `bank serve --host 127.0.0.1 --port 0 ...args` and resolves once it has logged its URL. */
export async function startBank(args: readonly string[], env: Record<string, string> = {}): Promise<BankServer> {
  const started = spawnBank(["serve", "--host", "127.0.0.1", "--port", "0", ...args], { LOG_LEVEL: "info", ...env });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bank serve logged no URL in ${WAIT_MS_MAX} ms: ${started.output()}`)), WAIT_MS_MAX);
    const look = () => {
      const match = /Bank API at (http:\/\/127\.0\.0\.1:\d+),/.exec(started.output());
      if (match === null) return;
      clearTimeout(timer);
      started.child.stdout?.off("data", look);
      resolve(match[1] as string);
    };
    started.child.stdout?.on("data", look);
    void started.exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`bank serve exited (${exit.code ?? exit.signal}) before listening: ${started.output()}`));
    });
  });
  const { hostname, port } = new URL(url);
  return { ...started, url, host: hostname, port: Number(port) };
}

/** Sends `signal` to the child, by its pid, and resolves with how it ended. */
export async function stopBank(started: BankChild, signal: NodeJS.Signals): Promise<Exit> {
  if (alive.has(started.pid)) process.kill(started.pid, signal);
  return bounded(started.exited, `bank (pid ${started.pid}) did not exit on ${signal}`);
}

/** Resolves with how the child ended, or fails after WAIT_MS_MAX. */
export function exitOf(started: BankChild): Promise<Exit> {
  return bounded(started.exited, `bank (pid ${started.pid}) did not exit`);
}

/** Kills, by pid, every child started here that is still running (an afterAll's safety net). */
export function killBanks(): void {
  for (const pid of alive) process.kill(pid, "SIGKILL");
}

function bounded<T>(promise: Promise<T>, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), WAIT_MS_MAX);
    void promise.then((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A response as it arrived: its status, headers and body text. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly text: string;
}

/**
 * An HTTP client of one server, on keep-alive connections of its own. A request that gets no whole
 * answer (the server died, the connection was refused or reset) rejects.
 */
export class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  constructor(private readonly server: Pick<BankServer, "host" | "port">) {}

  request(method: "GET" | "POST", path: string, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.server.host,
          port: this.server.port,
          method,
          path,
          agent: this.agent,
          headers: { ...(body !== undefined && { "content-type": "application/json", "content-length": Buffer.byteLength(body) }), ...headers },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            if (!response.complete) return reject(new Error("the response was cut off"));
            resolve({ status: response.statusCode as number, headers: response.headers, text: Buffer.concat(chunks).toString() });
          });
        },
      );
      request.setTimeout(REQUEST_MS_MAX, () => request.destroy(new Error(`no answer in ${REQUEST_MS_MAX} ms`)));
      request.on("error", reject);
      request.end(body);
    });
  }

  /** GETs `path` and parses the JSON body of its 200; anything else throws, with the answer. */
  async json<T>(path: string): Promise<T> {
    const answer = await this.request("GET", path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
