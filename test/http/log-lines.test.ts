// Logs as a person reads them at a terminal (one line per request) and as a collector reads them
// elsewhere (pino's JSON), and the listening address, printed at every level but silent.

import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.js";
import { logFormatFor, loggerOptions, readable, type Output } from "../../src/http/log-lines.js";
import { startServer } from "../../src/http/server.js";

/** An output that keeps what is written, a terminal or not. */
function capture(isTTY: boolean): Output & { text: () => string } {
  const chunks: string[] = [];
  return { isTTY, write: (text: string) => chunks.push(text), text: () => chunks.join("") };
}

const TIME = new Date(2025, 0, 2, 21, 4, 5).getTime();
const REQUEST_LINE = /^\d\d:\d\d:\d\d GET \/health 200 \d+\.\dms$/;

describe("readable", () => {
  it("when a request is answered, gives one line: time, method, URL, status, duration", () => {
    const entry = { level: 30, time: TIME, msg: "request completed", res: { statusCode: 200, method: "POST", url: "/transfers" }, responseTime: 1.234 };
    expect(readable(entry)).toBe("21:04:05 POST /transfers 200 1.2ms");
  });

  it("when a request arrives, gives nothing: its answer's line says it all", () => {
    expect(readable({ level: 30, time: TIME, msg: "incoming request" })).toBeNull();
  });

  it("when a message is not about a request, gives its level (unless info) and its text, and an error's stack", () => {
    expect(readable({ level: 30, time: TIME, msg: "Closing: finishing requests in flight" })).toBe("21:04:05 Closing: finishing requests in flight");
    expect(readable({ level: 40, time: TIME, msg: "journal recovered" })).toBe("21:04:05 WARN journal recovered");
    expect(readable({ level: 50, time: TIME, msg: "request failed", err: { message: "boom", stack: "Error: boom\n    at x" } }))
      .toBe("21:04:05 ERROR request failed\nError: boom\n    at x");
    expect(readable({ level: 70, time: TIME, err: { message: "odd" } })).toBe("21:04:05 \nodd");
    expect(readable({ level: 50, time: TIME, err: {} })).toBe("21:04:05 ERROR \n");
  });

  it("when a request errored, gives its line with the level and the error", () => {
    const entry = { level: 50, time: TIME, msg: "request errored", res: { statusCode: 500, method: "GET" }, responseTime: 3, err: { message: "reset" } };
    expect(readable(entry)).toBe("21:04:05 GET  500 3.0ms ERROR request errored\nreset");
  });
});

describe("logFormatFor", () => {
  it("chooses readable lines for a terminal and JSON for anything else", () => {
    expect(logFormatFor({ isTTY: true, write: () => true })).toBe("lines");
    expect(logFormatFor({ write: () => true })).toBe("json");
    expect(logFormatFor(process.stdout)).toBe(process.stdout.isTTY ? "lines" : "json");
  });
});

describe("loggerOptions", () => {
  async function logOf(format: "json" | "lines", level = "info"): Promise<string> {
    const output = capture(false);
    const app = buildApp({ logger: loggerOptions(level, format, output) });
    await app.inject({ method: "GET", url: "/health" });
    await app.close();
    return output.text();
  }

  it("in lines, logs one readable line per request", async () => {
    const lines = (await logOf("lines")).trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(REQUEST_LINE);
  });

  it("in json, logs pino's lines as before, with the request's arrival and answer", async () => {
    const lines = (await logOf("json")).trimEnd().split("\n").map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toEqual(["incoming request", "request completed"]);
  });

  it("at warn, logs no line per request in either format", async () => {
    expect(await logOf("lines", "warn")).toBe("");
    expect(await logOf("json", "warn")).toBe("");
  });

  it("given stdout, leaves pino its own destination", () => {
    expect(loggerOptions("info", "json", process.stdout)).toEqual({ level: "info" });
  });
});

describe("startServer's output", () => {
  it.each(["fatal", "error", "warn", "info", "debug"])("at %s, says first where the API is, then one line per request from info on", async (logLevel) => {
    const output = capture(true);
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel, output });
    await fetch(`${url}/health`);
    await app.close();
    const lines = output.text().trimEnd().split("\n");
    const logged = logLevel === "info" || logLevel === "debug";
    // Where the logger logs info, the address is its line; elsewhere it is printed as it is.
    expect(lines[0]).toMatch(new RegExp(`^${logged ? "\\d\\d:\\d\\d:\\d\\d " : ""}Bank API at ${url}, docs at ${url}/docs; the bank is kept in memory$`));
    expect(lines.filter((line) => REQUEST_LINE.test(line))).toHaveLength(logged ? 1 : 0);
  });

  it("at silent, prints nothing at all", async () => {
    const output = capture(true);
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", output });
    await fetch(`${url}/health`);
    await app.close();
    expect(output.text()).toBe("");
  });

  it("when not a terminal, logs JSON lines only, the address first", async () => {
    const output = capture(false);
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "info", output });
    await fetch(`${url}/health`);
    await app.close();
    const messages = output.text().trimEnd().split("\n").map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages[0]).toBe(`Bank API at ${url}, docs at ${url}/docs; the bank is kept in memory`);
    expect(messages).toContain("request completed");
  });

  it("when not a terminal and info is not logged, prints the address as a line of its own", async () => {
    const output = capture(false);
    const { app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "error", output });
    await app.close();
    expect(output.text()).toBe(`Bank API at ${url}, docs at ${url}/docs; the bank is kept in memory\n`);
  });
});
