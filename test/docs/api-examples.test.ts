// docs/API.md cannot drift from the code: every example in it is run, in order, with bash and curl
// against one fresh server, and what the server answers must be what the document shows.
//
// The format of an example, in docs/API.md:
//
//   ```bash                      the commands, run by `bash -c` in a temporary directory shared by
//   curl -si http://127.0.0.1:8000/health    all examples (files made by one are there for the
//   ```                          next); the URL http://127.0.0.1:8000 is replaced by the server's
//
//   ```http                      what the commands print: one HTTP response, as `curl -si` prints
//   HTTP/1.1 200 OK              it. The status line must be the same; each header shown must have
//   content-type: application/json; charset=utf-8      this value (headers not shown, such as
//                                date or content-length, are not compared); then a blank line and
//   {"status":"ok"}              the body, which must be the same once every ISO-8601 timestamp
//   ```                          (2025-01-02T03:04:05.678Z) in either is read as the same time. A
//                                body whose last line is `...` is compared up to that line only.
//
// Every ```bash block must be followed by its ```http block, with nothing but blank lines between,
// and every ```http block must follow a ```bash block. A ```bash block that is not an example (it
// starts a server, say) carries `<!-- not run: the reason -->` on the line before; that should be
// rare. Ids are not normalised: the examples run in order on a fresh bank, so they are the same on
// every run, and later commands may use them (`?before=4`). Provisional responses (100 Continue)
// before the final one are skipped.
//
// To add an example, write its ```bash block and an ```http block holding only a status line and
// the headers to show (`HTTP/1.1 200 OK`, `content-type: ?`), then run
// `UPDATE_API_EXAMPLES=1 npx vitest run test/docs`: it rewrites every ```http block with what the
// server answered (the status, the values of the headers shown, the body; bodies ending in `...`
// are kept), and the diff is reviewed before it is committed. A section added before others shifts
// the ids after it: the update rewrites the responses, and a command that needs an id takes it
// from an earlier answer (as the history section takes its cursor) rather than writing it out.

import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BankApp } from "../../src/http/app.js";
import { adminKey, parseApiKeys, parseRateLimit } from "../../src/http/auth/index.js";
import { startServer, type ServerOptions } from "../../src/http/server.js";

const DOC_PATH = new URL("../../docs/API.md", import.meta.url);
const DOC_URL = "http://127.0.0.1:8000";

// The secrets of the access-control section, as it names them: ADMIN_API_KEY's, and the two keys
// of its keys file (the second given there by its digest only).
const SECRETS = { ADMIN_API_KEY: "admin-Xr5Lq8Nv2Tc6Wm3Jd9", OPS_KEY: "ops-9Yq3vTn2Lw8Rb5XeG4", AUDIT_KEY: "audit-Hc7Km2Pq9Wd4Zs6Tb1" };

/** The keys file of the access-control section: its one ```json block, read from the document. */
function keysFileOf(doc: string): string {
  const section = doc.slice(doc.indexOf("### API keys and scopes"));
  return section.slice(section.indexOf("```json\n") + 8, section.indexOf("\n```", section.indexOf("```json\n")));
}

/**
 * The servers the document's URLs stand for: the open sandbox (8000) for most sections; in the
 * access-control section, one with keys (8001), another for the failed-authentication lockout
 * (8002), and an open one with a rate limit of 2/min (8003).
 */
function serversOf(doc: string): Map<string, Partial<ServerOptions>> {
  const apiKeys = [adminKey(SECRETS.ADMIN_API_KEY), ...parseApiKeys(keysFileOf(doc), "docs/API.md keys file")];
  return new Map<string, Partial<ServerOptions>>([
    [DOC_URL, {}],
    ["http://127.0.0.1:8001", { apiKeys }],
    ["http://127.0.0.1:8002", { apiKeys }],
    ["http://127.0.0.1:8003", { rateLimit: parseRateLimit("2/min") }],
  ]);
}
const UPDATE = process.env.UPDATE_API_EXAMPLES === "1";
const COMMAND_TIMEOUT_MS = 30_000;

/** Any ISO-8601 UTC timestamp, as the API writes them. */
const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;
/** Any holder token: random, so read as the same token wherever it appears. */
const TOKEN = /bst_[A-Za-z0-9_-]{43}/g;
const ELLIPSIS = "\n...";

interface Fence {
  language: string;
  /** The text between the fences, without the last newline. */
  text: string;
  /** 1-based lines of the opening and closing fences. */
  start: number;
  end: number;
  /** The reason given by a `<!-- not run: ... -->` on the line before, if any. */
  notRun: string | null;
}

interface Example {
  /** The section it is in and its line, to name its test. */
  title: string;
  commands: string;
  expected: Fence;
}

interface Response {
  statusLine: string;
  headers: Map<string, string>;
  body: string;
}

/** Every fenced block of `text`, in order. */
function fencesOf(text: string): Fence[] {
  const lines = text.split("\n");
  const fences: Fence[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\w*)\s*$/.exec(lines[index] as string);
    if (open === null) continue;
    const close = lines.indexOf("```", index + 1);
    if (close === -1) throw new Error(`docs/API.md:${index + 1}: a fence is never closed`);
    const marker = /^<!-- not run: (.+) -->$/.exec(lines[index - 1] ?? "");
    fences.push({
      language: open[1] as string,
      text: lines.slice(index + 1, close).join("\n"),
      start: index + 1,
      end: close + 1,
      notRun: marker === null ? null : (marker[1] as string),
    });
    index = close;
  }
  return fences;
}

/** The examples of the document, checked for the format above. */
function examplesOf(text: string): Example[] {
  const lines = text.split("\n");
  const fences = fencesOf(text);
  const examples: Example[] = [];
  const sectionAt = (line: number) => lines.slice(0, line).reverse().find((candidate) => candidate.startsWith("#"))?.replace(/^#+\s*/, "") ?? "";
  for (let index = 0; index < fences.length; index++) {
    const fence = fences[index] as Fence;
    const next = fences[index + 1];
    const where = `docs/API.md:${fence.start}`;
    if (fence.language === "http") throw new Error(`${where}: an http block that follows no bash block`);
    if (fence.language !== "bash" || fence.notRun !== null) continue;
    const between = next === undefined ? "x" : lines.slice(fence.end, next.start - 1).join("").trim();
    if (next?.language !== "http" || between !== "") throw new Error(`${where}: a bash block not followed by its http block`);
    examples.push({ title: `${sectionAt(fence.start)} (line ${fence.start})`, commands: fence.text, expected: next });
    index++;
  }
  return examples;
}

/** What `curl -si` printed, as the final response: provisional 1xx responses are skipped. */
function parseResponse(text: string): Response {
  let rest = text;
  for (;;) {
    const headEnd = rest.search(/\r?\n\r?\n/);
    const head = headEnd === -1 ? rest : rest.slice(0, headEnd);
    const body = headEnd === -1 ? "" : rest.slice(headEnd).replace(/^\r?\n\r?\n/, "");
    const [statusLine = "", ...headerLines] = head.split(/\r?\n/);
    if (/^HTTP\/1\.1 1\d\d /.test(statusLine) && body.startsWith("HTTP/")) {
      rest = body;
      continue;
    }
    const headers = new Map<string, string>();
    for (const line of headerLines) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    return { statusLine: statusLine.trim(), headers, body: body.replace(/\n$/, "") };
  }
}

function normalised(body: string): string {
  return body.replace(TIMESTAMP, "<timestamp>").replace(TOKEN, "<token>").trimEnd();
}

/** Runs one example's commands in `cwd` with the servers' URLs in place of the document's. */
function runCommands(commands: string, urls: Map<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let script = commands;
  for (const [documented, actual] of urls) script = script.replaceAll(documented, actual);
  return new Promise((resolve) => {
    execFile("bash", ["-c", script], { cwd, timeout: COMMAND_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...SECRETS } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr }));
  });
}

/** The http block for `actual`: the headers `expected` shows, with the values the server sent. */
function updatedBlock(expected: Fence, actual: Response): string {
  const shown = parseResponse(expected.text);
  const headers = [...shown.headers.keys()].filter((name) => actual.headers.has(name)).map((name) => `${name}: ${actual.headers.get(name)}`);
  const body = shown.body.endsWith(ELLIPSIS) ? shown.body : actual.body;
  return [actual.statusLine, ...headers, "", body].join("\n");
}

const curlFound = spawnSync("curl", ["--version"]).status === 0;
if (!curlFound) console.warn("Skipping the examples of docs/API.md: curl is not installed (the CI machines have it).");

describe.skipIf(!curlFound && process.env.CI === undefined)("docs/API.md, every example run against one fresh server", () => {
  const doc = readFileSync(DOC_PATH, "utf8");
  const examples = examplesOf(doc);
  const updates = new Map<Fence, string>();
  const apps: BankApp[] = [];
  const urls = new Map<string, string>();
  let cwd: string;

  beforeAll(async () => {
    for (const [documented, options] of serversOf(doc)) {
      const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", ...options });
      apps.push(app);
      urls.set(documented, url);
    }
    cwd = mkdtempSync(join(tmpdir(), "api-examples-"));
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    rmSync(cwd, { recursive: true, force: true });
    if (UPDATE && updates.size > 0) {
      const lines = doc.split("\n");
      // From the end, so that the earlier blocks' lines stay where they are.
      for (const [fence, block] of [...updates].sort(([a], [b]) => b.start - a.start)) lines.splice(fence.start, fence.end - fence.start - 1, block);
      writeFileSync(DOC_PATH, lines.join("\n"));
    }
  });

  it("has examples, each a bash block and its http block, and skips few", () => {
    expect(examples.length).toBeGreaterThan(40);
    expect(fencesOf(doc).filter((fence) => fence.notRun !== null).length).toBeLessThanOrEqual(2);
  });

  it.each(examples.map((example) => [example.title, example] as const))("%s", async (_title, example) => {
    const ran = await runCommands(example.commands, urls, cwd);
    expect(ran.code, ran.stderr).toBe(0);
    const actual = parseResponse(ran.stdout);
    if (UPDATE) {
      updates.set(example.expected, updatedBlock(example.expected, actual));
      return;
    }
    const expected = parseResponse(example.expected.text);
    expect(actual.statusLine).toBe(expected.statusLine);
    for (const [name, value] of expected.headers) expect(`${name}: ${actual.headers.get(name)}`).toBe(`${name}: ${value}`);
    if (expected.body.endsWith(ELLIPSIS)) {
      const prefix = normalised(expected.body.slice(0, -ELLIPSIS.length));
      expect(normalised(actual.body).slice(0, prefix.length)).toBe(prefix);
    } else {
      expect(normalised(actual.body)).toBe(normalised(expected.body));
    }
  });
});

describe("the example reader", () => {
  it("pairs each bash block with its http block and refuses the document when one is alone", () => {
    const good = "# A\n\n```bash\ncurl -si x\n```\n\n```http\nHTTP/1.1 200 OK\n\n{}\n```\n\n<!-- not run: starts a server -->\n```bash\nnpm start\n```\n";
    expect(examplesOf(good).map((example) => example.title)).toEqual(["A (line 3)"]);
    expect(() => examplesOf("```bash\ncurl x\n```\ntext\n```http\nHTTP/1.1 200 OK\n```\n")).toThrow("not followed by its http block");
    expect(() => examplesOf("```bash\ncurl x\n```\n")).toThrow("not followed by its http block");
    expect(() => examplesOf("```http\nHTTP/1.1 200 OK\n```\n")).toThrow("follows no bash block");
    expect(() => examplesOf("```bash\ncurl x\n")).toThrow("never closed");
  });

  it("reads the final response after a 100 Continue, with CRLF or LF line ends", () => {
    const response = parseResponse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 413 Payload Too Large\r\nContent-Type: a/b\r\n\r\n{}");
    expect(response).toEqual({ statusLine: "HTTP/1.1 413 Payload Too Large", headers: new Map([["content-type", "a/b"]]), body: "{}" });
    expect(parseResponse("HTTP/1.1 204 No Content")).toEqual({ statusLine: "HTTP/1.1 204 No Content", headers: new Map(), body: "" });
  });

  it("when updating, keeps the headers shown with the values sent, and a body that ends in ...", () => {
    const actual = parseResponse("HTTP/1.1 200 OK\r\nDate: x\r\nContent-Type: a/b\r\n\r\n<html>");
    const fence = (text: string): Fence => ({ language: "http", text, start: 1, end: 2, notRun: null });
    expect(updatedBlock(fence("HTTP/1.1 404 Not Found\ncontent-type: c/d\nvary: accept\n\nold"), actual)).toBe("HTTP/1.1 200 OK\ncontent-type: a/b\n\n<html>");
    expect(updatedBlock(fence("HTTP/1.1 200 OK\n\n<ht\n..."), actual)).toBe("HTTP/1.1 200 OK\n\n<ht\n...");
  });
});
