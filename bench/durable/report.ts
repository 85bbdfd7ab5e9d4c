// The durable benchmark's results as Markdown: the library throughput table, the restart table,
// the verdicts, how it measures, and its regions of docs/BENCHMARKS.md ("## Durable mode").

import { formatCount, formatFixed, markdownTable, median, type Column } from "../common/format.js";
import { fsyncParagraph, type FsyncLatency } from "../common/fsync.js";
import { machine } from "../common/machine.js";
import type { Section } from "../common/regions.js";
import { BATCH_SIZE } from "./draws.js";
import { type Built, type DirectoryFiles, type HistoryCase, type ReopenRun } from "./history.js";
import { CALLERS, type ThroughputRun, type Workload } from "./throughput.js";

export const TARGET_RESTART_SECONDS = 10;
export const TARGET_RESTART_TRANSFERS = 10_000_000;

/**
 * The regions this benchmark owns in the section: how it measures (rewritten by every run), the
 * default sizes, and the run with --full. The HTTP benchmark's durable figures have a region of
 * their own in the same section.
 */
export const SECTION: Section = {
  heading: "## Durable mode",
  regions: [
    { name: "durable-method", placeholder: "" },
    { name: "durable", placeholder: "_Not run yet: `npm run bench:durable`._" },
    { name: "durable-full", placeholder: "_Not run yet: `npm run bench:durable -- --full`._" },
  ],
};

/** One workload's runs, in both modes. */
export interface ThroughputRow {
  readonly workload: Workload;
  readonly transfers: number;
  readonly durable: readonly ThroughputRun[];
  readonly memory: readonly ThroughputRun[];
}

/** One history size and case: how it was built and left, and its reopenings. */
export interface RestartRow {
  readonly transfers: number;
  readonly history: HistoryCase;
  readonly built: Built;
  readonly files: DirectoryFiles;
  readonly runs: readonly ReopenRun[];
  readonly failures: readonly string[];
}

const right = (title: string): Column => ({ title, align: "right" });
const rate = (runs: readonly ThroughputRun[]) => median(runs.map((run) => run.transfersPerSecond));
const megabytes = (bytes: number) => formatFixed(bytes / 1e6, 0);

export function throughputTable(rows: readonly ThroughputRow[]): string {
  const columns: Column[] = [
    { title: "Workload, fsync `always`", align: "left" },
    ...["Transfers", "Syncs", "Durable, transfers/s", "Runs", "In memory, transfers/s", "Durable / in memory", "Per sync, durable (ms)", "Other CPU, durable / in memory"].map(right),
  ];
  return markdownTable(columns, rows.map((row) => {
    const syncs = row.workload.syncs(row.transfers);
    const durable = rate(row.durable);
    const seconds = median(row.durable.map((run) => run.seconds));
    const other = (runs: readonly ThroughputRun[]) => formatFixed(median(runs.map((run) => run.otherCores)), 2);
    return [
      row.workload.title,
      formatCount(row.transfers),
      formatCount(syncs),
      formatCount(durable),
      row.durable.map((run) => formatCount(run.transfersPerSecond)).join(" · "),
      formatCount(rate(row.memory)),
      formatFixed(durable / rate(row.memory), 3),
      formatFixed((seconds * 1000) / syncs, 2),
      `${other(row.durable)} / ${other(row.memory)}`,
    ];
  }));
}

export function restartTable(rows: readonly RestartRow[]): string {
  const columns: Column[] = [
    right("History, transfers"),
    { title: "Reopened after", align: "left" },
    ...["Snapshot (MB)", "Journal replayed (MB)", "`openBank` (s)", "Runs (s)", "Peak RSS (MiB)", "Other CPU", "Built at (transfers/s)"].map(right),
    { title: "Checks", align: "left" },
  ];
  return markdownTable(columns, rows.map((row) => [
    formatCount(row.transfers),
    row.history.title,
    megabytes(row.files.snapshotBytes),
    megabytes(row.files.journalBytes),
    formatFixed(restartSeconds(row), 2),
    row.runs.map((run) => formatFixed(run.seconds, 2)).join(" · ") || "–",
    formatFixed(Math.max(...row.runs.map((run) => run.peakResidentBytes)) / 2 ** 20, 0),
    formatFixed(median(row.runs.map((run) => run.otherCores)), 2),
    formatCount(row.built.transfersPerSecond),
    row.failures.length > 0 ? "**failed**" : "exact",
  ]));
}

export const restartSeconds = (row: RestartRow) => median(row.runs.map((run) => run.seconds));

const met = (ok: boolean) => (ok ? "met" : "**not met**");

/** What the throughput and the restarts come to, against the fsync floor and the target. */
export function verdict(throughput: readonly ThroughputRow[], restarts: readonly RestartRow[], floor: FsyncLatency): string {
  const lines: string[] = [];
  const single = throughput.find((row) => row.workload.key === "single");
  if (single !== undefined) {
    const perSyncMs = (median(single.durable.map((run) => run.seconds)) * 1000) / single.transfers;
    lines.push(
      `- One transfer per sync is bound by the disk: ${formatFixed(perSyncMs, 2)} ms per transfer and its sync, against an ` +
        `fsync median of ${formatFixed(floor.transferGroup.medianMs, 2)} ms (p90 ${formatFixed(floor.transferGroup.p90Ms, 2)} ms) ` +
        `for its ${floor.transferGroup.bytes} bytes; the rest is the turn the store waits for, to gather a group.`,
    );
  }
  const callers = throughput.find((row) => row.workload.key === "callers");
  if (callers !== undefined && single !== undefined) {
    lines.push(
      `- Callers that await at the same time share their fsyncs (group commit): ${formatCount(rate(callers.durable))} transfers/s ` +
        `with ${CALLERS} callers, ${formatFixed(rate(callers.durable) / rate(single.durable), 1)}× one caller.`,
    );
  }
  const batches = throughput.find((row) => row.workload.key === "batches");
  if (batches !== undefined) {
    lines.push(
      `- Batches of ${formatCount(BATCH_SIZE)} with a sync after each: ${formatCount(rate(batches.durable))} transfers/s, ` +
        `${formatFixed(rate(batches.durable) / rate(batches.memory), 2)} of the in-memory rate; one batch's fsync ` +
        `(${formatFixed(floor.batchGroup.bytes / 1024, 0)} KiB) has a median of ${formatFixed(floor.batchGroup.medianMs, 2)} ms.`,
    );
  }
  const target = restarts.filter((row) => row.transfers === TARGET_RESTART_TRANSFERS && row.runs.length > 0);
  if (target.length > 0) {
    const slowest = target.reduce((worst, row) => (restartSeconds(row) > restartSeconds(worst) ? row : worst));
    lines.push(
      `- Restart of a bank holding ${formatCount(TARGET_RESTART_TRANSFERS)} transfers: at most ${formatFixed(restartSeconds(slowest), 2)} s ` +
        `(after ${slowest.history.title}; target ≤ ${TARGET_RESTART_SECONDS} s: ${met(restartSeconds(slowest) <= TARGET_RESTART_SECONDS)}).`,
    );
  }
  const failed = restarts.filter((row) => row.failures.length > 0).length;
  lines.push(`- Every balance and transaction count exact after every run and every reopening: ${failed === 0 ? "yes" : `**no**, in ${failed} rows`}.`);
  return lines.join("\n");
}

/** How the benchmark measures, for the method region. */
export function methodBody(throughputRuns: number, restartRuns: number): string {
  return `
\`npm run bench:durable\` measures durable mode in the library itself (no HTTP): what the fsync
policy \`always\` costs, and how long a restart takes against the size of the history.

- **The floor.** Before and after the runs, the benchmark times 200 appends of one transfer's group
  and 200 of one batch's, each a write and its \`fdatasync\` as the store does them, in a temporary
  directory of the file system the data directories are made in (\`--data-root\`). No durable
  figure can beat it; every table is printed beside it.
- **Throughput.** 10,000 accounts of 1,000,000.00, then transfers of 0.01 to 10.00 between random
  accounts (sfc32, seed 1, drawn before the clock starts), through \`bank.transfer\` or
  \`bank.transferBatch\`, in four ways of awaiting \`bank.sync()\`: after every transfer; from ${CALLERS}
  callers at once, each awaiting its own; once after N transfers made in one turn; after every batch
  of 8,190. The same workload runs on a durable bank (\`openBank\`, a fresh data directory, fsync
  \`always\`) and on an in-memory one (\`new Bank()\`, where \`sync()\` resolves at once), in turns,
  ${throughputRuns} runs of each (the order of the two swapped every round); figures are medians.
  The clock runs from the first transfer to the last \`sync()\` resolved. After each run every
  balance is checked against the draws, to the cent; a durable bank is then closed and reopened
  (untimed), and checked again. "Other CPU" is the machine's busy CPU beyond the benchmark's own
  process, in cores: other work on this shared machine, and for a durable run the kernel's own I/O
  threads (ext4's journal commits), so it is above zero there even on a quiet machine.
- **Restart.** For each history size, three data directories are filled by a builder process,
  batches of 8,190 (16 bodies whose transfers cancel out, cycled) with \`await bank.sync()\` after
  each: one closed cleanly (\`bank.close()\` writes a snapshot), one whose builder is killed with
  SIGKILL by the benchmark right after its last sync (the store's default snapshots, so recovery
  reads the newest snapshot and the journal after it, and a snapshot half-written at the kill is
  cut off), and one the same but with snapshots off, so that the whole journal is replayed: the
  worst case. Then, in turns, a fresh process per run times \`openBank({ dataDir })\` until it
  resolves (${restartRuns} runs each), reports its peak resident memory (\`maxRSS\`), and the bank it
  opened is checked against the builder's last state: every balance and the transaction count. The
  process exits without closing, so the directory stays the same for the next run. The files are
  in the operating system's page cache (they were written moments before): from a cold disk, add
  the time to read the MB shown at the disk's rate. Data directories are removed at the end.
- Timings are never asserted; a failed check exits non-zero.
`;
}

export interface RunFacts {
  readonly title: string;
  readonly command: string;
  readonly date: string;
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly fsyncBefore: FsyncLatency;
  readonly fsyncAfter: FsyncLatency;
}

/** The body of a results region. */
export function resultsBody(facts: RunFacts, throughput: readonly ThroughputRow[], restarts: readonly RestartRow[]): string {
  const host = machine();
  return `
### ${facts.title}

Run on ${facts.date} with ${facts.command}. Machine: ${host.cpu}, ${host.cpuCount} cores,
${host.memoryGiB.toFixed(1)} GiB, Node ${host.node}, ${host.platform}.
Load average (1 min) before the run: ${facts.loadBefore.toFixed(2)}, after: ${facts.loadAfter.toFixed(2)}.

${fsyncParagraph(facts.fsyncBefore, facts.fsyncAfter)}

**Library throughput** (medians; durable / in memory is the ratio of the medians)

${throughputTable(throughput)}

**Restart time against history size** (\`openBank\` until it resolves, in a fresh process)

${restartTable(restarts)}

${verdict(throughput, restarts, facts.fsyncBefore)}
`;
}
