// The real `bank serve` as a benchmark loads it: a child process on a free 127.0.0.1 port at
// LOG_LEVEL=warn, awaited until GET /health answers, stopped with SIGTERM (SIGKILL if it lingers),
// and killed when the benchmark exits whatever happens (see children.ts).

import type { ChildProcess } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { spawnChild } from "./children.js";
import { processCpuSeconds } from "./cpu.js";

export const HOST = "127.0.0.1";

// Relative to the compiled file, dist-bench/common/bank-server.js, so that any working directory will do.
const CLI_MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

// Ctrl-C or SIGTERM exits through the exit handlers, which kill the servers started here.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

/** A running server. */
export interface BankServer {
  readonly url: string;
  /** User plus system CPU seconds the server has used so far (from /proc), or NaN without /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/** What to start it with, besides host and port: options of node, of `bank serve`, and environment. */
export interface BankServerOptions {
  readonly nodeArgs?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** A port free on HOST now (the kernel's pick for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts `bank serve`; resolves once it is healthy, or stops it and throws. */
export async function startBankServer(options: BankServerOptions = {}): Promise<BankServer> {
  const port = await freePort();
  const child: ChildProcess = spawnChild(
    process.execPath,
    [...(options.nodeArgs ?? []), CLI_MAIN, "serve", "--host", HOST, "--port", String(port), ...(options.args ?? [])],
    { env: { ...process.env, LOG_LEVEL: "warn", ...options.env }, stdio: ["ignore", "inherit", "inherit"] },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://${HOST}:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const force = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    child.kill("SIGTERM");
    await exited;
    clearTimeout(force);
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, stop, cpuSeconds: () => processCpuSeconds(child.pid ?? -1) };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`the server did not answer GET /health within ${READY_TIMEOUT_MS} ms`);
}
