// The dashboard's event stream client against a scripted server: it resumes after the last id it
// saw when a connection drops, at once after `lagged`, starts afresh when the server no longer
// has that id, and stops at a 401.

import { describe, expect, it } from "vitest";
import { EventStreamClient, type StreamStatus } from "../../src/web/event-stream.js";
import type { StreamTransaction } from "../../src/web/types.js";

const frame = (id: number) => `id: ${id}\nevent: transaction\ndata: ${JSON.stringify({ id, type: "deposit" })}\n\n`;

/** A body that sends `chunks` and ends, or errors when `fail` says so. */
function body(chunks: string[], fail = false): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const rest = [...chunks];
  return new ReadableStream({
    pull(controller) {
      const chunk = rest.shift();
      if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
      else if (fail) controller.error(new TypeError("network error"));
      else controller.close();
    },
  });
}

interface Script {
  readonly status?: number;
  readonly chunks?: string[];
  readonly fail?: boolean;
  readonly throws?: boolean;
}

/** Runs a client against `script` (one answer per connection) until the script is used up. */
async function run(script: Script[], after?: number) {
  const urls: string[] = [];
  const headers: Record<string, string>[] = [];
  const waits: number[] = [];
  const statuses: StreamStatus[] = [];
  const ids: number[] = [];
  let unauthorized = 0;
  let resets = 0;
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const client: EventStreamClient = new EventStreamClient({
    path: "/events?account=alice",
    ...(after !== undefined && { after }),
    headers: () => ({ authorization: "Bearer k" }),
    onTransactions: (transactions: StreamTransaction[]) => ids.push(...transactions.map((t) => t.id)),
    onStatus: (status) => {
      statuses.push(status);
      if (status === "stopped") finish();
    },
    onUnauthorized: () => unauthorized++,
    onReset: () => resets++,
    sleep: async (ms) => {
      waits.push(ms);
    },
    fetch: async (url, init) => {
      urls.push(String(url));
      headers.push(init?.headers as Record<string, string>);
      const answer = script.shift();
      if (answer === undefined) {
        client.stop();
        finish();
        throw new DOMException("aborted", "AbortError");
      }
      if (answer.throws === true) throw new TypeError("connection refused");
      const status = answer.status ?? 200;
      return new Response(status === 200 ? body(answer.chunks ?? [], answer.fail) : "{}", { status });
    },
  });
  client.start();
  client.start();
  await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 2000))]);
  return { urls, headers, waits, statuses, ids, unauthorized, resets, lastId: client.lastId };
}

describe("EventStreamClient", () => {
  it("when the connection drops or is refused, reconnects after the server's retry, backing off, resuming after the last id", async () => {
    const result = await run([
      { chunks: ["retry: 500\n\n", frame(4), frame(5).slice(0, 10)], fail: true },
      { throws: true },
      { status: 503 },
      { chunks: [frame(5) + frame(6)] },
    ], 3);
    expect(result.urls).toEqual([
      "/events?account=alice&after=3",
      "/events?account=alice&after=4",
      "/events?account=alice&after=4",
      "/events?account=alice&after=4",
      "/events?account=alice&after=6",
    ]);
    expect(result.headers[0]).toEqual({ accept: "text/event-stream", authorization: "Bearer k" });
    expect(result.ids).toEqual([4, 5, 6]);
    expect(result.waits).toEqual([500, 1000, 2000, 500]);
    expect(result.statuses).toContain("live");
  });

  it("when the server lets it go as lagged, resumes at once after the id it was given", async () => {
    const result = await run([{ chunks: [frame(1), 'event: lagged\ndata: {"resume_after":9}\n\n', frame(99)] }, { chunks: [frame(10)] }]);
    expect(result.urls.slice(0, 2)).toEqual(["/events?account=alice", "/events?account=alice&after=9"]);
    expect(result.ids).toEqual([1, 10]);
    expect(result.waits[0]).toBe(2000);
  });

  it("when the server no longer has the id, starts afresh; at a 401 it stops and says so", async () => {
    const result = await run([{ status: 400 }, { status: 401 }], 50);
    expect(result.urls).toEqual(["/events?account=alice&after=50", "/events?account=alice"]);
    expect(result).toMatchObject({ resets: 1, unauthorized: 1, lastId: undefined });
    expect(result.statuses.at(-1)).toBe("stopped");
  });

  it("when the account is unknown or not the credential's, stops", async () => {
    for (const status of [403, 404]) {
      const result = await run([{ status }]);
      expect(result.urls).toHaveLength(1);
      expect(result.statuses.at(-1)).toBe("stopped");
    }
  });
});
