// CPU time read from Linux's /proc, so that a benchmark can show who used the 2 cores during a run:
// the server or the bank, the load generator, and everything else on the machine.

import { readFileSync } from "node:fs";

// /proc counts in clock ticks of USER_HZ, 100 per second on Linux.
const CLOCK_TICKS_PER_SECOND = 100;

/** User plus system CPU seconds a process has used so far, or NaN where /proc is not there. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields 14 and 15 are user and system time. The command name (field 2) may hold spaces, so
    // fields are counted after its closing ")": the first one there is field 3.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds all cores of the machine have spent busy so far (not idle, not waiting), or NaN. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    // "cpu user nice system idle iowait irq softirq steal guest guest_nice"; guest time is already
    // counted in user time.
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = [user, nice, system, irq, softirq, steal].reduce((total: number, ticks) => total + (ticks ?? 0), 0);
    return busy / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}
