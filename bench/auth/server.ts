// One server under load for the access-control benchmark: the real `bank serve`, a child process
// on a free 127.0.0.1 port with the flags and environment of its scenario, awaited until
// GET /health answers, and always stopped again.

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import net from "node:net";
import { fileURLToPath } from "node:url";

export const HOST = "127.0.0.1";

// Relative to the compiled file, dist-bench/auth/server.js, so that any working directory will do.
const CLI_MAIN = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

// Every child still running, so that an exit on error, Ctrl-C or SIGTERM leaves no server behind.
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));

export interface BenchServer {
  readonly url: string;
  /** User plus system CPU seconds the server has used so far (from /proc), or NaN without /proc. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

// /proc counts in clock ticks of USER_HZ, 100 a second on Linux.
const CLOCK_TICKS_PER_SECOND = 100;

function processCpuSeconds(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // utime and stime are fields 14 and 15; the command name (field 2) may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Starts `bank serve` at LOG_LEVEL=warn with `args` and `env` added; resolves once it is healthy. */
export async function startServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(process.execPath, [CLI_MAIN, "serve", "--host", HOST, "--port", String(port), ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => children.delete(child));
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
      if ((await fetch(`${url}/health`)).ok) return { url, stop, cpuSeconds: () => processCpuSeconds(child.pid) };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`the server did not answer GET /health within ${READY_TIMEOUT_MS} ms`);
}
