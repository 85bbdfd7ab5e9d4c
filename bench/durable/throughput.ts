// In-process library throughput of a durable bank (fsync `always`) against an in-memory one, on the
// same workloads: how often the caller awaits `bank.sync()` decides how many fsyncs the transfers
// share. Each run opens a fresh bank, times the workload, and checks every balance; a durable bank
// is then closed and reopened (untimed) and checked again.

import { Bank, openBank, type TransferInstruction } from "banking-system";
import { machineBusySeconds } from "../common/cpu.js";
import { formatCount } from "../common/format.js";
import { makeTemporaryDirectory, removeTemporaryDirectory } from "../common/temporary.js";
import {
  ACCOUNT_COUNT,
  ACCOUNT_NAMES,
  BATCH_SIZE,
  batchesOf,
  differences,
  expectedBalancesMinor,
  OPENING_BALANCE_MINOR,
  openAccounts,
  stateOf,
  type BankState,
  type Draws,
} from "./draws.js";

export type WorkloadKey = "single" | "callers" | "group" | "batches";
export type Mode = "durable" | "memory";

/** A correctness check failed: the figures would mean nothing. */
export class CheckError extends Error {
  override readonly name = "CheckError";
}

export const CALLERS = 32;

export interface Workload {
  readonly key: WorkloadKey;
  /** As the table shows it. */
  readonly title: string;
  /** Transfers per run, and under --quick. */
  readonly transfers: number;
  readonly quickTransfers: number;
  /** How many times the workload awaits `bank.sync()` for `transfers`. */
  syncs(transfers: number): number;
  /** Runs the first `transfers` draws on the bank; `batches` are the draws cut into batches. */
  run(bank: Bank, draws: Draws, batches: readonly TransferInstruction[][], transfers: number): Promise<void>;
}

const name = (index: number) => ACCOUNT_NAMES[index] as string;

export const WORKLOADS: readonly Workload[] = [
  {
    key: "single",
    title: "one transfer, then `await bank.sync()`, one after the other",
    transfers: 3_000,
    quickTransfers: 300,
    syncs: (transfers) => transfers,
    async run(bank, draws, _batches, transfers) {
      const { senders, recipients, amounts } = draws;
      for (let index = 0; index < transfers; index++) {
        bank.transfer(name(senders[index] as number), name(recipients[index] as number), amounts[index] as number);
        await bank.sync();
      }
    },
  },
  {
    key: "callers",
    title: `${CALLERS} callers at once, each: one transfer, then \`await bank.sync()\``,
    transfers: 30_000,
    quickTransfers: 3_000,
    syncs: (transfers) => transfers,
    async run(bank, draws, _batches, transfers) {
      const { senders, recipients, amounts } = draws;
      let next = 0;
      const caller = async () => {
        while (next < transfers) {
          const index = next++;
          bank.transfer(name(senders[index] as number), name(recipients[index] as number), amounts[index] as number);
          await bank.sync();
        }
      };
      await Promise.all(Array.from({ length: CALLERS }, caller));
    },
  },
  {
    key: "group",
    title: "N transfers in one turn, then one `await bank.sync()`",
    transfers: 1_000_000,
    quickTransfers: 100_000,
    syncs: () => 1,
    async run(bank, draws, _batches, transfers) {
      const { senders, recipients, amounts } = draws;
      for (let index = 0; index < transfers; index++) {
        bank.transfer(name(senders[index] as number), name(recipients[index] as number), amounts[index] as number);
      }
      await bank.sync();
    },
  },
  {
    key: "batches",
    title: `\`bank.transferBatch\` of ${formatCount(BATCH_SIZE)}, then \`await bank.sync()\`, one after the other`,
    transfers: 123 * BATCH_SIZE,
    quickTransfers: 13 * BATCH_SIZE,
    syncs: (transfers) => Math.ceil(transfers / BATCH_SIZE),
    async run(bank, _draws, batches, transfers) {
      for (let done = 0, index = 0; done < transfers; index++) {
        const batch = batches[index] as TransferInstruction[];
        bank.transferBatch(done + batch.length <= transfers ? batch : batch.slice(0, transfers - done));
        done += batch.length;
        await bank.sync();
      }
    },
  },
];

/** The transfers a workload runs, by --quick. */
export const transfersOf = (workload: Workload, quick: boolean) => (quick ? workload.quickTransfers : workload.transfers);

/** The draws every workload takes its transfers from, as many as the largest needs. */
export interface Material {
  readonly draws: Draws;
  readonly batches: readonly TransferInstruction[][];
}

export function materialFor(draws: Draws): Material {
  return { draws, batches: batchesOf(draws) };
}

export interface ThroughputRun {
  readonly seconds: number;
  readonly transfersPerSecond: number;
  /**
   * The machine's busy CPU beyond this process's, per second of run, in cores: other work on the
   * machine, and the kernel's own I/O threads (ext4's journal commits) for a durable run.
   */
  readonly otherCores: number;
}

/**
 * One timed run of a workload on a fresh bank, in memory or durable (its data directory made under
 * `parent` and removed after), with the checks around it.
 */
export async function runWorkload(
  workload: Workload,
  mode: Mode,
  material: Material,
  transfers: number,
  parent: string,
): Promise<ThroughputRun> {
  const directory = mode === "durable" ? makeTemporaryDirectory(parent, "durable-throughput") : null;
  try {
    const bank = directory === null ? new Bank() : await openBank({ dataDir: directory, fsync: "always" });
    openAccounts(bank);
    await bank.sync();
    const busyBefore = machineBusySeconds();
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await workload.run(bank, material.draws, material.batches, transfers);
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const otherCores = Math.max(0, machineBusySeconds() - busyBefore - (cpu.user + cpu.system) / 1e6) / seconds;
    const balancesMinor = Array.from(expectedBalancesMinor(material.draws, transfers));
    const expected: BankState = {
      transactions: ACCOUNT_COUNT + transfers,
      totalMinor: ACCOUNT_COUNT * OPENING_BALANCE_MINOR,
      balancesMinor,
    };
    check(stateOf(bank), expected, `${workload.key}, ${mode}`);
    if (directory !== null) {
      await bank.close();
      const reopened = await openBank({ dataDir: directory });
      check(stateOf(reopened), stateOf(bank), `${workload.key}, durable, reopened`);
      await reopened.close();
    }
    return { seconds, transfersPerSecond: transfers / seconds, otherCores };
  } finally {
    if (directory !== null) removeTemporaryDirectory(directory);
  }
}

function check(actual: BankState, expected: BankState, label: string): void {
  const found = differences(actual, expected);
  if (found.length > 0) throw new CheckError(`${label}: ${found.join("; ")}`);
}
