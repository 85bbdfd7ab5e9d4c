// The servers under load in the HTTP benchmark, each a child process on a free 127.0.0.1 port,
// awaited until GET /health answers, and always stopped again: the real `bank serve` (in memory, or
// with --durable kept in a data directory), and the two baselines of POST /transfers (a bare
// node:http server and a minimal Fastify route).

import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { spawnChild } from "../common/children.js";
import { processCpuSeconds } from "../common/cpu.js";

export const HOST = "127.0.0.1";

/**
 * Ours (in memory), ours kept on disk (`durable`: fsync always; `interval`: an fsync every few
 * milliseconds), or a baseline to compare POST /transfers with.
 */
export type ServerKind = "ours" | "durable" | "interval" | "bare" | "fastify";

/** Whether the server is the real `bank serve`, with a state the scenario's checks read. */
export const isOurs = (kind: ServerKind) => kind === "ours" || kind === "durable" || kind === "interval";

// Relative to the compiled file, dist-bench/http/server.js, so that any working directory will do.
const OURS = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const SCRIPTS: Record<ServerKind, string> = {
  ours: OURS,
  durable: OURS,
  interval: OURS,
  bare: fileURLToPath(new URL("./baseline/bare.js", import.meta.url)),
  fastify: fileURLToPath(new URL("./baseline/fastify.js", import.meta.url)),
};
const READY_TIMEOUT_MS = 20_000;
const READY_POLL_MS = 50;
// SIGTERM lets the server close gracefully (and write a CPU profile if asked to); past this, SIGKILL.
const STOP_TIMEOUT_MS = 10_000;

/** A started server: its base URL, and how to read its CPU time and stop it. */
export interface ChildServer {
  readonly kind: ServerKind;
  readonly url: string;
  readonly pid: number;
  /** User plus system CPU seconds the server has used so far, or NaN where /proc is not there. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** Asks the system for a free port; the server binds it right after, so a clash is unlikely. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("no port from the system"));
      });
    });
  });
}

/** The command line after `node`: ours is `bank serve` (and its own options); a baseline takes the host and port. */
function argumentsFor(kind: ServerKind, port: number, serverArguments: readonly string[]): string[] {
  if (isOurs(kind)) return [SCRIPTS[kind], "serve", "--host", HOST, "--port", String(port), ...serverArguments];
  return [SCRIPTS[kind], HOST, String(port)];
}

/**
 * Starts the server, ours as `node dist/cli/main.js serve` at LOG_LEVEL=warn (no line per request),
 * and resolves once it answers GET /health. `nodeArguments` go before the script, e.g.
 * ["--cpu-prof"] to profile it; `serverArguments` after ours, e.g. ["--data-dir", "/tmp/x"].
 */
export async function startChildServer(
  kind: ServerKind,
  nodeArguments: readonly string[] = [],
  serverArguments: readonly string[] = [],
): Promise<ChildServer> {
  const port = await freePort();
  const child = spawnChild(process.execPath, [...nodeArguments, ...argumentsFor(kind, port, serverArguments)], {
    env: { ...process.env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://${HOST}:${port}`;
  const server: ChildServer = {
    kind,
    url,
    pid: child.pid ?? -1,
    cpuSeconds: () => processCpuSeconds(child.pid ?? -1),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      child.kill("SIGTERM");
      await exited;
      clearTimeout(force);
    },
  };
  try {
    await waitForHealth(url, child);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${url}/health`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet: try again shortly.
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`the server did not answer GET /health within ${READY_TIMEOUT_MS} ms`);
}
