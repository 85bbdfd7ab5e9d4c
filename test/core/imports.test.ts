// The core has no runtime dependencies: every file in src/core imports only other files of
// src/core, never a package or a `node:` module, and the package's entry imports only the core
// and durable mode (src/store: the core and Node's built-ins), so `import { Bank } from
// "banking-system"` loads no package and no server code.

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const CORE = fileURLToPath(new URL("../../src/core/", import.meta.url));
const ENTRY = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

/** Every module a file names: static and dynamic imports, re-exports, require() and type references. */
function specifiersOf(path: string): string[] {
  const info = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
  return [...info.importedFiles, ...info.typeReferenceDirectives, ...info.referencedFiles].map((ref) => ref.fileName);
}

describe("src/core", () => {
  const files = readdirSync(CORE, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".ts"));

  it("has files to check, and the check sees the imports they have", () => {
    expect(files).toContain("index.ts");
    expect(specifiersOf(join(CORE, "index.ts"))).toContain("./bank.js");
  });

  it("imports nothing outside itself: no package, no node: module, no file of another layer", () => {
    const outside: string[] = [];
    for (const file of files) {
      const path = join(CORE, file);
      for (const specifier of specifiersOf(path)) {
        // A relative import names the compiled .js; its source is the .ts beside it.
        const target = join(dirname(path), specifier).replace(/\.js$/, ".ts");
        const inside = specifier.startsWith(".") && !relative(CORE, target).startsWith("..") && existsSync(target);
        if (!inside) outside.push(`${file}: ${specifier}`);
      }
    }
    expect(outside).toEqual([]);
  });
});

describe("src/index.ts, the package's entry", () => {
  it("imports the core and durable mode's door, and nothing of the server", () => {
    expect(specifiersOf(ENTRY)).toEqual(["./core/index.js", "./store/index.js"]);
  });
});

describe("src/store, durable mode", () => {
  const STORE = fileURLToPath(new URL("../../src/store/", import.meta.url));
  const files = readdirSync(STORE, { encoding: "utf8" }).filter((name) => name.endsWith(".ts"));

  it("imports only the core, its own files and Node's built-ins: no package, nothing of the server", () => {
    expect(files).toContain("file-store.ts");
    for (const file of files) {
      for (const specifier of specifiersOf(join(STORE, file))) {
        const allowed = specifier.startsWith("node:") || specifier.startsWith("./") || specifier.startsWith("../core/");
        expect(allowed, `${file} imports ${specifier}`).toBe(true);
      }
    }
  });
});
