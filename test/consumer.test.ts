// The package as a new user gets it: `npm pack`, the tarball installed with
// `npm install --engine-strict` into a fresh ES module project and a fresh CommonJS one, the
// README's library examples compiled there with strict types (skipLibCheck off, nodenext) and
// run, and what they print compared with what the README says. Run `npm run build` first.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimedFloors, isClaimed, mustRun, nodeVersionPreload, npm, ROOT, run, type Ran } from "./commands.js";

const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");
const STEP_TIMEOUT_MS = 120_000;
const INSTALL = ["install", "--engine-strict", "--prefer-offline", "--no-audit", "--no-fund"];
// The files a package always has at its top; everything else it ships is under dist/.
const TOP_FILES = ["LICENSE", "README.md", "package.json"];

/** One README example made runnable: its code with each annotated value printed, and those values. */
interface Example {
  code: string;
  expected: string[];
}

// A comment that opens with a value (a string, an array or a number) says what the statement it
// follows gives: `account.balance; // 400`, or the comment alone on the line under the statement.
const VALUE_COMMENT = /^\/\/ ('(?:[^'\\]|\\.)*'|\[.*\]|-?\d+(?:\.\d+)?)/;
const STATEMENT_AND_COMMENT = /^(.*?;)\s*(\/\/ .*)$/;
const STATEMENT = /^(\s*)(if \(.*?\) )?(.+);$/;

/** Rewrites each statement the README annotates with a value to print its value as JSON. */
function runnable(block: string): Example {
  const lines = block.trimEnd().split("\n");
  const code: string[] = [];
  const expected: string[] = [];
  lines.forEach((line, index) => {
    const inline = STATEMENT_AND_COMMENT.exec(line);
    const below = lines[index + 1]?.trim() ?? "";
    const [statement, comment] = inline !== null ? [inline[1] as string, inline[2] as string] : [line, below];
    const value = VALUE_COMMENT.exec(comment);
    const parts = STATEMENT.exec(statement);
    if (value === null || parts === null) return void code.push(line);
    const [, indent, condition = "", expression] = parts;
    code.push(`${indent}${condition}console.log(JSON.stringify(${expression}));${inline !== null ? ` ${comment}` : ""}`);
    expected.push(JSON.stringify(runInNewContext(value[1] as string)));
  });
  return { code: `${code.join("\n")}\n`, expected };
}

/** The README's code blocks in a language under "## The library", made runnable. */
function readmeExamples(language: "ts" | "js"): Example[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((part) => part.startsWith("The library\n")) ?? "";
  const blocks = [...section.matchAll(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "gm"))];
  return blocks.map((block) => runnable(block[1] as string));
}

const TS_EXAMPLES = readmeExamples("ts");
const JS_EXAMPLES = readmeExamples("js");

// Each consumer installs as npm would on the oldest Node version `engines` claims, where a
// dependency that wants a newer Node would make `--engine-strict` refuse.
const FLOOR = claimedFloors(PACKAGE.engines.node)[0] as string;
const COMPILER_OPTIONS = {
  strict: true,
  skipLibCheck: false,
  module: "nodenext",
  moduleResolution: "nodenext",
  target: "es2022",
  rootDir: ".",
  outDir: "out",
};

type ProjectType = "module" | "commonjs";

/** A consumer project: where it is, how its `npm install` went and what tsc said. */
interface Consumer {
  project: string;
  installed: Ran;
  compiled: Ran | undefined;
}

/** A fresh project in `dir` with the given package.json and the README's examples in it. */
function freshProject(dir: string, name: string, manifest: object): string {
  const project = join(dir, name);
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, ...manifest }, null, 2));
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include: ["*.ts"] }, null, 2));
  TS_EXAMPLES.forEach((example, index) => writeFileSync(join(project, `readme-${index + 1}.ts`), example.code));
  JS_EXAMPLES.forEach((example, index) => writeFileSync(join(project, `readme-require-${index + 1}.cjs`), example.code));
  return project;
}

/** Installs `tarball` into a fresh project of `type` as if on Node FLOOR, then compiles the examples. */
async function consumer(dir: string, tarball: string, type: ProjectType): Promise<Consumer> {
  const project = freshProject(dir, type, { type });
  const installed = await npm([...INSTALL, tarball], { cwd: project, timeoutMs: STEP_TIMEOUT_MS, preload: nodeVersionPreload(dir, FLOOR) });
  if (installed.code !== 0) return { project, installed, compiled: undefined };
  // With the repository's own TypeScript. It writes the JavaScript even when the types fail,
  // so the examples are run whatever the type-check says.
  const compiled = await run(process.execPath, [TSC, "-p", "."], { cwd: project, timeoutMs: STEP_TIMEOUT_MS });
  return { project, installed, compiled };
}

let dir: string;
let tarball: string;
let packed: string[];
let consumers: Record<ProjectType, Consumer>;
let installedOnThisNode: Ran;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/index.js"))) throw new Error("dist/ is missing: run `npm run build` before this test");
  dir = mkdtempSync(join(tmpdir(), "banking-system-consumer-"));
  // --ignore-scripts: `npm test` has just built dist/; `prepare` would build it again.
  const pack = await npm(["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: ROOT, timeoutMs: STEP_TIMEOUT_MS });
  if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
  const [report] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(dir, report.filename);
  packed = report.files.map((file) => file.path).sort();
  // The three installs at once: each takes seconds, and they share only npm's cache.
  const thisNode = freshProject(dir, "this-node", {});
  const [module, commonjs, onThisNode] = await Promise.all([
    consumer(dir, tarball, "module"),
    consumer(dir, tarball, "commonjs"),
    npm([...INSTALL, tarball], { cwd: thisNode, timeoutMs: STEP_TIMEOUT_MS }),
  ]);
  consumers = { module, commonjs };
  installedOnThisNode = onThisNode;
}, 2 * STEP_TIMEOUT_MS);

// Removing the installed trees takes seconds, more on a busy machine than the default 10 s allow.
afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
}, STEP_TIMEOUT_MS);

describe("the README's library examples", () => {
  it("are found, and the first says the seed's history and a balance of 400", () => {
    expect(TS_EXAMPLES.length).toBeGreaterThanOrEqual(2);
    expect(JS_EXAMPLES.length).toBeGreaterThanOrEqual(1);
    for (const example of [...TS_EXAMPLES, ...JS_EXAMPLES]) expect(example.expected.length).toBeGreaterThan(0);
    expect(TS_EXAMPLES[0]?.expected).toEqual([
      JSON.stringify(["Account created with balance: 100.00", "Deposited: 500.00", "Withdrawn: 200.00"]),
      "400",
    ]);
    expect(TS_EXAMPLES[0]?.code).toContain("console.log(JSON.stringify(account.balance)); // 400");
  });
});

describe("the packed tarball", () => {
  it("holds LICENSE, the README, package.json and dist/'s JavaScript and types", () => {
    expect(packed).toEqual(expect.arrayContaining([...TOP_FILES, "dist/index.js", "dist/index.d.ts", "dist/cli/main.js"]));
    expect(packed.filter((path) => !TOP_FILES.includes(path) && !path.startsWith("dist/"))).toEqual([]);
  });

  it("holds nothing but what src/ compiles to: no tests, no benchmarks, no stale files", () => {
    const orphans = packed.filter((path) => {
      const source = /^dist\/(.+?)(?:\.d\.ts|\.js)(?:\.map)?$/.exec(path);
      // The dashboard's page, style and icon are copied from src/web as they are.
      const copied = /^dist\/web\/[^/]+\.(html|css|svg)$/.test(path) && existsSync(join(ROOT, "src", path.slice("dist/".length)));
      return path.startsWith("dist/") && !copied && (source === null || !existsSync(join(ROOT, "src", `${source[1]}.ts`)));
    });
    expect(orphans).toEqual([]);
    expect(packed.filter((path) => /(^|\/)(test|bench)s?(\/|$)|\.test\./.test(path))).toEqual([]);
  });

  it("ships a source map only with the sources it points at", () => {
    const missing: string[] = [];
    for (const path of packed.filter((name) => name.endsWith(".map"))) {
      const map = JSON.parse(readFileSync(join(ROOT, path), "utf8")) as { sourceRoot?: string; sources: string[] };
      for (const source of map.sources) {
        const target = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? "", source));
        if (!packed.includes(target)) missing.push(`${path} -> ${target}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe.each(["module", "commonjs"] as const)(`a fresh %s project, after npm install --engine-strict on Node ${FLOOR}`, (type) => {
  let project: string;
  let compiled: Ran | undefined;

  beforeAll(() => {
    const { installed } = consumers[type];
    if (installed.code !== 0) throw new Error(`npm install --engine-strict as Node ${FLOOR} failed:\n${installed.stderr}`);
    ({ project, compiled } = consumers[type]);
  });

  it("type-checks the README's TypeScript examples with strict, skipLibCheck false and nodenext", () => {
    expect((compiled?.stdout ?? "") + (compiled?.stderr ?? "")).toBe("");
    expect(compiled?.code).toBe(0);
  });

  it("runs every example, and each prints what the README's comments say", async () => {
    const scripts = [
      ...TS_EXAMPLES.map((example, index) => ({ example, path: `out/readme-${index + 1}.js` })),
      ...JS_EXAMPLES.map((example, index) => ({ example, path: `readme-require-${index + 1}.cjs` })),
    ];
    for (const { example, path } of scripts) {
      const ran = await mustRun(process.execPath, [path], { cwd: project, timeoutMs: STEP_TIMEOUT_MS });
      expect(ran.stdout.trimEnd().split("\n"), path).toEqual(example.expected);
    }
  });

  it("loads the package in the module system the project uses", async () => {
    const probe = type === "module" ? "probe.mjs" : "probe.cjs";
    const load = type === "module" ? 'const pkg = await import("banking-system");' : 'const pkg = require("banking-system");';
    writeFileSync(join(project, probe), `${load}\nconsole.log(typeof pkg.Bank, typeof pkg.InsufficientFundsError);\n`);
    const ran = await mustRun(process.execPath, [probe], { cwd: project, timeoutMs: STEP_TIMEOUT_MS });
    expect(ran.stdout).toBe("function function\n");
  });
});

describe(`npm install --engine-strict of the tarball on this Node (${process.version})`, () => {
  it(`succeeds if engines (${PACKAGE.engines.node}) claims this version, and is refused if it does not`, () => {
    if (isClaimed(process.version, PACKAGE.engines.node)) {
      expect(installedOnThisNode.code, installedOnThisNode.stderr).toBe(0);
    } else {
      expect(installedOnThisNode.code).not.toBe(0);
      expect(installedOnThisNode.stderr).toContain("EBADENGINE");
    }
  });
});
