// Summaries of repeated runs (medians) and their Markdown tables, as printed and as written to docs/.

import type { RunResult } from "./run.js";

/** One row of a table: the medians of all runs of one size. */
export interface Row {
  readonly count: number;
  readonly runs: number;
  readonly seconds: number;
  readonly transfersPerSecond: number;
  readonly refused: number;
  readonly retainedBytes: number;
  readonly bytesPerTransfer: number;
}

export const BYTES_PER_MB = 1_000_000;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Medians taken column by column: the machine is shared, so single runs are noisy. */
export function summarize(count: number, results: readonly RunResult[]): Row {
  const retainedBytes = median(results.map((result) => result.retainedBytes));
  return {
    count,
    runs: results.length,
    seconds: median(results.map((result) => result.seconds)),
    transfersPerSecond: median(results.map((result) => count / result.seconds)),
    refused: median(results.map((result) => result.refused)),
    retainedBytes,
    bytesPerTransfer: retainedBytes / count,
  };
}

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return grouped.format(value);
}

/** Seconds with about four significant digits, from 0.00025 to 123.4. */
export function formatSeconds(seconds: number): string {
  if (seconds < 0.1) return seconds.toFixed(5);
  if (seconds < 10) return seconds.toFixed(3);
  return seconds.toFixed(2);
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = [
    "| N | Time (s) | Txn/s | Refused | Retained MB | Bytes/transfer |",
    "|--:|--:|--:|--:|--:|--:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${formatCount(row.count)} | ${formatSeconds(row.seconds)} | ` +
        `${formatCount(row.transfersPerSecond)} | ${formatCount(row.refused)} | ` +
        `${(row.retainedBytes / BYTES_PER_MB).toFixed(2)} | ${row.bytesPerTransfer.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}
