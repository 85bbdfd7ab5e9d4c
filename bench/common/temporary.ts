// Temporary directories of the benchmarks (data directories of durable banks, probe files), each
// made fresh under a parent the command line may choose, and removed when done: by the benchmark
// as soon as it is, and on exit (an error, Ctrl-C) for any still there.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const made = new Set<string>();

process.on("exit", () => {
  for (const directory of made) {
    try {
      rmSync(directory, { recursive: true, force: true });
    } catch {
      // A child killed a moment ago may still have had a file open; nothing more can be done on exit.
    }
  }
});

/** The default parent: the system's temporary directory. */
export const DEFAULT_PARENT = os.tmpdir();

/** A new empty directory under `parent`, named `bench-<purpose>-XXXXXX`. */
export function makeTemporaryDirectory(parent: string, purpose: string): string {
  const directory = mkdtempSync(path.join(parent, `bench-${purpose}-`));
  made.add(directory);
  return directory;
}

/** Removes a directory made by `makeTemporaryDirectory`, and everything in it. */
export function removeTemporaryDirectory(directory: string): void {
  rmSync(directory, { recursive: true, force: true, maxRetries: 3 });
  made.delete(directory);
}
