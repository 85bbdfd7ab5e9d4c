// The shape of the code as it runs: the compiled modules (dist/, built before the tests) import one
// another without any cycle, so no module can ever see another half-loaded.

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DIST = fileURLToPath(new URL("../dist/", import.meta.url));

/** Every compiled module, by path relative to dist/. */
function modules(): string[] {
  return readdirSync(DIST, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => file.split(path.sep).join("/"));
}

// `import ... from "./x.js"`, `export ... from "./x.js"` and `import "./x.js"`: what loads at run time
// (type-only imports are gone from the compiled code).
const RELATIVE_IMPORT = /^\s*(?:import|export)\b[^"'`]*?(?:from\s*)?["'](\.{1,2}\/[^"']+)["']/gm;

function importsOf(module: string): string[] {
  const text = readFileSync(path.join(DIST, module), "utf8");
  return [...text.matchAll(RELATIVE_IMPORT)].map((match) => path.posix.join(path.posix.dirname(module), match[1] as string));
}

/** The first cycle found, as the modules around it, or null. */
function findCycle(graph: ReadonlyMap<string, string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (module: string): string[] | null => {
    if (state.get(module) === "done") return null;
    if (state.get(module) === "open") return [...stack.slice(stack.indexOf(module)), module];
    state.set(module, "open");
    stack.push(module);
    for (const next of graph.get(module) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(module, "done");
    return null;
  };
  for (const module of graph.keys()) {
    const cycle = visit(module);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe("the compiled modules", () => {
  it("when their imports are followed, every one resolves to a module and none leads back to itself", () => {
    const all = modules();
    expect(all).toContain("core/bank.js");
    const graph = new Map(all.map((module) => [module, importsOf(module)]));
    for (const [module, imports] of graph) for (const target of imports) expect(all, `${module} imports ${target}`).toContain(target);
    expect(findCycle(graph)).toBeNull();
  });

  it("when a cycle is planted, the search finds it", () => {
    const graph = new Map([["a.js", ["b.js"]], ["b.js", ["c.js"]], ["c.js", ["a.js"]], ["d.js", []]]);
    expect(findCycle(graph)).toEqual(["a.js", "b.js", "c.js", "a.js"]);
  });
});
