// Every process a benchmark starts (servers, wrk, the durable benchmark's builders and reopeners) is
// spawned here and remembered by its handle, so that an exit on error or Ctrl-C kills exactly those,
// by pid, and nothing else.

import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const children = new Set<ChildProcess>();

process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Spawns a child that is killed when the benchmark exits, if it is still running then. */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  children.add(child);
  child.once("exit", () => children.delete(child));
  // A command that cannot start (not on PATH) emits "error" and never "exit".
  child.once("error", () => children.delete(child));
  return child;
}
