// Summaries of repeated runs (medians) and their Markdown table, as printed and as written to docs/.

import { formatCount, formatSeconds, markdownTable, median, type Column } from "../common/format.js";
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

const COLUMNS: readonly Column[] = ["N", "Time (s)", "Txn/s", "Refused", "Retained MB", "Bytes/transfer"].map(
  (title) => ({ title, align: "right" }),
);

export function rowsTable(rows: readonly Row[]): string {
  return markdownTable(
    COLUMNS,
    rows.map((row) => [
      formatCount(row.count),
      formatSeconds(row.seconds),
      formatCount(row.transfersPerSecond),
      formatCount(row.refused),
      (row.retainedBytes / BYTES_PER_MB).toFixed(2),
      row.bytesPerTransfer.toFixed(1),
    ]),
  );
}
