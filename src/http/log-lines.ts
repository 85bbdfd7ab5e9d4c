// How the server logs. For a log collector, pino's JSON lines, as Fastify writes them. For a person
// at a terminal, one readable line per request, "21:04:05 POST /transfers 200 1.2ms", and the
// other messages as "21:04:05 WARN text": pino still decides what is logged at which level, and a
// small destination turns each of its JSON lines into text (docs/ARCHITECTURE.md says why this is
// not pino-pretty).

import type { FastifyServerOptions } from "fastify";

/** `json`: pino's JSON lines; `lines`: readable lines, one per request. */
export type LogFormat = "json" | "lines";

/** Where the server writes its logs and its address: stdout unless a test says otherwise. */
export interface Output {
  write(text: string): unknown;
  /** Whether it is a terminal, where a person reads it. */
  readonly isTTY?: boolean;
}

/** The format for `output`: readable lines on a terminal, JSON anywhere else. */
export function logFormatFor(output: Output): LogFormat {
  return output.isTTY === true ? "lines" : "json";
}

/** Fastify's logger option for `level` and `format`, writing to `output`. */
export function loggerOptions(level: string, format: LogFormat, output: Output): NonNullable<FastifyServerOptions["logger"]> {
  if (format === "json") return output === process.stdout ? { level } : { level, stream: output };
  return {
    level,
    stream: { write: (line: string) => writeReadable(line, output) },
    // The request's method and URL beside its status, so that one line can say it all. Fastify
    // gives this serializer the reply, which knows its request.
    serializers: {
      res: (reply) => ({ statusCode: reply.statusCode, method: reply.request?.method, url: reply.request?.url }),
    },
  };
}

/** The fields of pino's JSON lines that a readable line shows. */
interface Entry {
  level: number;
  time: number;
  msg?: string;
  res?: { statusCode: number; method?: string; url?: string };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

const LEVEL_LABELS: Readonly<Record<number, string>> = { 10: "TRACE ", 20: "DEBUG ", 30: "", 40: "WARN ", 50: "ERROR ", 60: "FATAL " };

function writeReadable(line: string, output: Output): void {
  const text = readable(JSON.parse(line) as Entry);
  if (text !== null) output.write(`${text}\n`);
}

/**
 * One JSON line of pino as text, or null for the line Fastify logs as a request arrives: the line
 * logged when it is answered says it all.
 *
 * @example readable({ level: 30, time, res: { statusCode: 200, method: "GET", url: "/health" }, responseTime: 1.23 })
 * // "21:04:05 GET /health 200 1.2ms"
 */
export function readable(entry: Entry): string | null {
  if (entry.msg === "incoming request") return null;
  const time = new Date(entry.time).toTimeString().slice(0, 8);
  const label = LEVEL_LABELS[entry.level] ?? "";
  const error = entry.err === undefined ? "" : `\n${entry.err.stack ?? entry.err.message ?? ""}`;
  const { res, responseTime } = entry;
  if (res?.method !== undefined && responseTime !== undefined) {
    const failed = label === "" ? "" : ` ${label}${entry.msg ?? ""}`;
    return `${time} ${res.method} ${res.url ?? ""} ${res.statusCode} ${responseTime.toFixed(1)}ms${failed}${error}`;
  }
  return `${time} ${label}${entry.msg ?? ""}${error}`;
}
