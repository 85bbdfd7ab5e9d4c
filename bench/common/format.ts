// Numbers and Markdown tables as every benchmark prints them and writes them to docs/: one
// formatter, so that a figure reads the same in every table. A leaf: it imports nothing.

const grouped = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** "–" stands for a figure that does not exist (a scenario that did not run, a ratio without a base). */
const NONE = "–";

/** A whole number with thousands separators: 1234567.8 -> "1,234,568". */
export function formatCount(value: number): string {
  return Number.isNaN(value) ? NONE : grouped.format(value);
}

/** A number with a fixed count of decimals: (0.6789, 2) -> "0.68". */
export function formatFixed(value: number, digits: number): string {
  return Number.isNaN(value) ? NONE : value.toFixed(digits);
}

/** Seconds with about four significant digits, from 0.00025 to 123.4. */
export function formatSeconds(seconds: number): string {
  if (Number.isNaN(seconds)) return NONE;
  if (seconds < 0.1) return seconds.toFixed(5);
  if (seconds < 10) return seconds.toFixed(3);
  return seconds.toFixed(2);
}

/** The middle value, or the mean of the two middle ones; NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[middle] as number;
  return ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A column of a Markdown table: its heading, and whether figures line up on the right. */
export interface Column {
  readonly title: string;
  readonly align: "left" | "right";
}

/** A Markdown table of already formatted cells, one array of cells per row. */
export function markdownTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = `|${columns.map((column) => (column.align === "right" ? "--:" : "---")).join("|")}|`;
  return [line(columns.map((column) => column.title)), rule, ...rows.map(line)].join("\n");
}
