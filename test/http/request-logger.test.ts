// Each request's logger is made on its first line: the lines are those Fastify's own child would
// write, with the request's id, and a request that logs nothing makes no child.

import type { FastifyBaseLogger } from "fastify";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/app.js";
import { requestLoggerFactory } from "../../src/http/request-logger.js";

/** A logger that records its children and the lines written through them, at `level` and above. */
function recordingLogger(level: string, aware = true) {
  const order = ["trace", "debug", "info", "warn", "error", "fatal"];
  const children: { bindings: Record<string, unknown>; lines: unknown[][] }[] = [];
  const make = (bindings: Record<string, unknown>): FastifyBaseLogger => {
    const lines: unknown[][] = [];
    const write = (name: string) => (...args: unknown[]) => void lines.push([name, ...args]);
    const logger = {
      level,
      fatal: write("fatal"), error: write("error"), warn: write("warn"), info: write("info"),
      debug: write("debug"), trace: write("trace"), silent: () => undefined,
      child: (more: Record<string, unknown>) => {
        const child = make({ ...bindings, ...more });
        return child;
      },
      ...(aware && { isLevelEnabled: (name: string) => order.indexOf(name) >= order.indexOf(logger.level) }),
    };
    if (Object.keys(bindings).length > 0) children.push({ bindings, lines });
    return logger as unknown as FastifyBaseLogger;
  };
  return { root: make({}), children };
}

describe("requestLoggerFactory", () => {
  it("when nothing at an enabled level is logged, makes no child", () => {
    const { root, children } = recordingLogger("warn");
    const logger = requestLoggerFactory(root, { reqId: "req-1" }, {});
    logger.info("hidden");
    logger.debug("hidden");
    logger.trace("hidden");
    logger.silent("hidden");
    expect(logger.level).toBe("warn");
    expect(children).toEqual([]);
  });

  it("when a line is logged, makes the child once, with the bindings, and writes through it", () => {
    const { root, children } = recordingLogger("warn");
    const logger = requestLoggerFactory(root, { reqId: "req-2" }, {});
    logger.warn("first");
    logger.error({ err: 1 }, "second");
    logger.fatal("third");
    logger.info("hidden");
    expect(children).toHaveLength(1);
    expect(children[0]?.bindings).toEqual({ reqId: "req-2" });
    expect(children[0]?.lines).toEqual([["warn", "first"], ["error", { err: 1 }, "second"], ["fatal", "third"], ["info", "hidden"]]);
  });

  it("when the level is set or a child asked for, makes the child and passes it on", () => {
    const { root, children } = recordingLogger("warn");
    const logger = requestLoggerFactory(root, { reqId: "req-3" }, {});
    logger.level = "debug";
    expect(logger.level).toBe("debug");
    logger.child({ part: "x" }).debug("deep");
    expect(children.map((child) => child.bindings)).toEqual([{ reqId: "req-3" }, { reqId: "req-3", part: "x" }]);
    expect(children[1]?.lines).toEqual([["debug", "deep"]]);
  });

  it("when the parent cannot say which levels it logs, makes the child for every line", () => {
    const { root, children } = recordingLogger("warn", false);
    requestLoggerFactory(root, { reqId: "req-4" }, {}).debug("asked");
    expect(children[0]?.lines).toEqual([["debug", "asked"]]);
  });

  it("when a route has options of its own, makes the child at once, as Fastify does", () => {
    const { root, children } = recordingLogger("warn");
    requestLoggerFactory(root, { reqId: "req-5" }, { level: "info" });
    expect(children).toHaveLength(1);
  });
});

describe("an app with a logger", () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } };
  }

  it("when logging at info, writes each request's lines with its id, as Fastify's own children do", async () => {
    const { lines, stream } = capture();
    const app = buildApp({ logger: { level: "info", stream } });
    await app.inject({ method: "GET", url: "/health" });
    const request = lines.filter((line) => line.reqId !== undefined);
    expect(request.map((line) => line.msg)).toEqual(["incoming request", "request completed"]);
    expect(new Set(request.map((line) => line.reqId)).size).toBe(1);
    await app.close();
  });

  it("when logging at warn, writes a request's warning with its id and nothing below", async () => {
    const { lines, stream } = capture();
    const app = buildApp({ logger: { level: "warn", stream } });
    app.get("/logs", (request) => {
      request.log.info("not written");
      request.log.warn("written");
      return { ok: true };
    });
    expect((await app.inject({ method: "GET", url: "/logs" })).statusCode).toBe(200);
    expect(lines.map((line) => [line.msg, typeof line.reqId])).toEqual([["written", "string"]]);
    await app.close();
  });
});
