// The machine a benchmark ran on, and how busy it was, in the words the docs use.

import os from "node:os";

export interface Machine {
  readonly cpu: string;
  readonly cpuCount: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly platform: string;
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cpuCount: cpus.length,
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  };
}

/** The one-minute load average: other work on a shared machine skews timings. */
export function loadAverage(): number {
  return os.loadavg()[0] ?? Number.NaN;
}
