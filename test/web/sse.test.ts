// The dashboard's Server-Sent Events reader, fed as a network feeds it: in chunks cut anywhere,
// with every line ending the standard allows.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SseParser, type SseMessage } from "../../src/web/sse.js";

function parseAll(chunks: string[]): { messages: SseMessage[]; retryMs: number | null } {
  const parser = new SseParser();
  const messages = chunks.flatMap((chunk) => parser.push(chunk));
  return { messages, retryMs: parser.retryMs };
}

const STREAM = 'retry: 2000\n\nid: 1\nevent: transaction\ndata: {"id":1}\n\n: heartbeat\n\nid: 2\nevent: transaction\ndata: {"id":2}\n\nevent: lagged\ndata: {"resume_after":2}\n\n';

describe("SseParser", () => {
  it("when a stream is read whole, gives each message with its id and event, skips comments and keeps retry", () => {
    const { messages, retryMs } = parseAll([STREAM]);
    expect(messages).toEqual([
      { id: "1", event: "transaction", data: '{"id":1}' },
      { id: "2", event: "transaction", data: '{"id":2}' },
      { id: "2", event: "lagged", data: '{"resume_after":2}' },
    ]);
    expect(retryMs).toBe(2000);
  });

  it("when the stream is cut into chunks anywhere, with LF, CR or CRLF line ends, reads the same messages", () => {
    const whole = parseAll([STREAM]).messages;
    fc.assert(
      fc.property(fc.constantFrom("\n", "\r", "\r\n"), fc.array(fc.nat(STREAM.length), { maxLength: 12 }), (end, cuts) => {
        const text = STREAM.replaceAll("\n", end);
        const points = [...new Set(cuts.map((cut) => Math.min(cut, text.length)))].sort((a, b) => a - b);
        const chunks = [0, ...points].map((start, index) => text.slice(start, points[index] ?? text.length));
        expect(parseAll(chunks).messages).toEqual(whole);
      }),
    );
  });

  it("when a message has several data lines, no event, a field without a colon or a BOM, reads it as the standard says", () => {
    const { messages } = parseAll(["\uFEFFdata: one\ndata:two\ndata\nid\nfoo: bar\n\n", "data: x\nretry: soon\n\n"]);
    expect(messages).toEqual([
      { id: "", event: "message", data: "one\ntwo\n" },
      { id: "", event: "message", data: "x" },
    ]);
  });

  it("when a block has no data, or an id holds NUL, dispatches nothing and keeps the previous id", () => {
    const { messages } = parseAll(["id: 7\nevent: transaction\n\nid: 8\0\ndata: y\n\n"]);
    expect(messages).toEqual([{ id: "7", event: "message", data: "y" }]);
  });
});
