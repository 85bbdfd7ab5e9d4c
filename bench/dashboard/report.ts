// The dashboard benchmark's figures as Markdown, and the one region of docs/BENCHMARKS.md it owns:
// between <!-- bench:dashboard:start --> and <!-- bench:dashboard:end -->, added at the end if absent.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

const START = "<!-- bench:dashboard:start -->";
const END = "<!-- bench:dashboard:end -->";

/** Replaces the region's body, adding the region at the end of the file if it has none. */
export function writeRegion(path: string, body: string): void {
  let text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const block = `${START}\n${body.trim()}\n${END}`;
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from === -1 || to === -1) text = `${text.trimEnd()}\n\n${block}\n`;
  else text = text.slice(0, from) + block + text.slice(to + END.length);
  writeFileSync(path, text);
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.arch()}, Node ${process.version}`;
}

export const count = (value: number) => Math.round(value).toLocaleString("en-US");
export const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  const rule = header.map((_, index) => (index === 0 ? "---" : "--:"));
  return [line(header), line(rule), ...rows.map(line)].join("\n");
}
