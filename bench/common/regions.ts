// The one writer of docs/BENCHMARKS.md. Each benchmark owns a section ("## HTTP") and named regions
// in it, between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->`; a run rewrites only the
// bodies of its own regions, so hand-written text around them and other sections stay as they are.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// Relative to the compiled file, dist-bench/common/regions.js, so that any working directory will do.
export const DOCS_DIRECTORY = fileURLToPath(new URL("../../docs/", import.meta.url));
export const BENCHMARKS_MD = fileURLToPath(new URL("../../docs/BENCHMARKS.md", import.meta.url));

/** A benchmark's part of the file: its heading, and its regions in their order there. */
export interface Section {
  /** A whole heading line, e.g. "## HTTP". */
  readonly heading: string;
  /** Each region with the text it holds until a run writes it. */
  readonly regions: readonly { readonly name: string; readonly placeholder: string }[];
}

const start = (name: string) => `<!-- bench:${name}:start -->`;
const end = (name: string) => `<!-- bench:${name}:end -->`;
const block = (name: string, body: string) => `${start(name)}\n${body.trim()}\n${end(name)}`;
const has = (text: string, name: string) => text.includes(start(name)) && text.includes(end(name));

/**
 * Replaces the bodies of the given regions of `section` in the file at `path`. A region the file
 * lacks is first added next to its neighbours in the section's order, and a missing section at the
 * end of the file.
 */
export function writeRegions(path: string, section: Section, bodies: Readonly<Record<string, string>>): void {
  const names = section.regions.map((region) => region.name);
  const unknown = Object.keys(bodies).filter((name) => !names.includes(name));
  if (unknown.length > 0) throw new Error(`regions ${unknown.join(", ")} are not in the section ${section.heading}`);
  let text = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  text = withAllRegions(text, section);
  for (const [name, body] of Object.entries(bodies)) {
    const from = text.indexOf(start(name));
    const to = text.indexOf(end(name)) + end(name).length;
    text = text.slice(0, from) + block(name, body) + text.slice(to);
  }
  writeFileSync(path, text);
}

function withAllRegions(text: string, section: Section): string {
  const names = section.regions.map((region) => region.name);
  section.regions.forEach(({ name, placeholder }, index) => {
    if (has(text, name)) return;
    const region = block(name, placeholder);
    const before = names.slice(0, index).reverse().find((other) => has(text, other));
    const after = names.slice(index + 1).find((other) => has(text, other));
    if (before !== undefined) {
      const at = text.indexOf(end(before)) + end(before).length;
      text = `${text.slice(0, at)}\n\n${region}${text.slice(at)}`;
    } else if (after !== undefined) {
      const at = text.indexOf(start(after));
      text = `${text.slice(0, at)}${region}\n\n${text.slice(at)}`;
    } else {
      text = withSection(text, section.heading, region);
    }
  });
  return text;
}

/** Puts the region at the end of the section, adding the section at the end of the file if missing. */
function withSection(text: string, heading: string, region: string): string {
  const line = new RegExp(`^${heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}[ \\t]*$`, "m").exec(text);
  if (line === null) return `${text.trimEnd()}\n\n${heading}\n\n${region}\n`;
  const at = sectionEnd(text, line.index + line[0].length);
  return `${text.slice(0, at).trimEnd()}\n\n${region}\n${at < text.length ? "\n" : ""}${text.slice(at)}`;
}

/** Where the next "## " section after `from` begins, or the end of the text. */
function sectionEnd(text: string, from: number): number {
  const next = text.slice(from).search(/^## /m);
  return next === -1 ? text.length : from + next;
}
