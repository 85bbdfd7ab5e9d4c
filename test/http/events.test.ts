// GET /events over a real socket: Server-Sent Events of every committed transaction, resumed by
// Last-Event-ID or ?after= with no gap and no repeat, filtered to one account, kept alive by
// heartbeats, and a client that falls too far behind let go with where to resume.

import http from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bank } from "../../src/index.js";
import { ledgerOf } from "../../src/core/internal.js";
import { buildApp, type AppOptions, type BankApp } from "../../src/http/app.js";
import { HolderTokens } from "../../src/http/auth/index.js";
import { ADMIN_SECRET, bearer, testKeys } from "./auth/support.js";
import { EVENTS_LAG_MAX, EVENTS_WRITE_INTERVAL_MS } from "../../src/http/limits.js";
import { expectProblem, request } from "./helpers.js";

const apps: BankApp[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const app of apps.splice(0)) await app.close();
});

async function serve(options: { heartbeatMs?: number; access?: AppOptions["access"] } = {}): Promise<{ bank: Bank; app: BankApp; url: string }> {
  const bank = new Bank({ clock: () => 1_700_000_000_000 });
  bank.createAccount("alice", 1_000_000);
  bank.createAccount("bob");
  const app = buildApp({
    bank,
    ...(options.heartbeatMs !== undefined && { eventsHeartbeatMs: options.heartbeatMs }),
    ...(options.access !== undefined && { access: options.access }),
  });
  apps.push(app);
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { bank, app, url };
}

interface Frame {
  id?: string;
  event?: string;
  data?: unknown;
  comment?: string;
}

/** An open stream: its frames as they come, and how to stop reading. */
interface Stream {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  frames(count: number): Promise<Frame[]>;
  /** Resolves when the server ends the stream, with every frame seen. */
  ended(): Promise<Frame[]>;
  readonly response: http.IncomingMessage;
  close(): void;
}

function open(url: string, path: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const outgoing = http.get(`${url}${path}`, { headers }, (response) => {
      const frames: Frame[] = [];
      const waiters: (() => void)[] = [];
      let buffer = "";
      let ended = false;
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const text = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const frame: Frame = {};
          for (const line of text.split("\n")) {
            if (line.startsWith(":")) frame.comment = line.slice(1).trim();
            else if (line.startsWith("id: ")) frame.id = line.slice(4);
            else if (line.startsWith("event: ")) frame.event = line.slice(7);
            else if (line.startsWith("data: ")) frame.data = JSON.parse(line.slice(6));
          }
          if (frame.id !== undefined || frame.event !== undefined || frame.comment !== undefined) frames.push(frame);
        }
        for (const waiter of waiters.splice(0)) waiter();
      });
      const finish = () => {
        ended = true;
        for (const waiter of waiters.splice(0)) waiter();
      };
      response.on("end", finish);
      response.on("close", finish);
      const until = (ready: () => boolean) =>
        new Promise<void>((done) => {
          const check = () => (ready() ? done() : waiters.push(check));
          check();
        });
      resolve({
        status: response.statusCode as number,
        headers: response.headers,
        response,
        async frames(count) {
          await until(() => frames.filter((frame) => frame.event !== undefined).length >= count || ended);
          return frames.filter((frame) => frame.event !== undefined).slice(0, count);
        },
        async ended() {
          await until(() => ended);
          return frames;
        },
        close: () => outgoing.destroy(),
      });
    });
    outgoing.on("error", reject);
  });
}

/**
 * Resolves once the server waits on a full socket: its last write was refused (write() answered
 * false) and no other came for 200 ms.
 */
async function socketFull(writes: { mock: { results: { value: unknown }[] } }): Promise<void> {
  for (let waited = 0; waited < 20_000; waited += 200) {
    const count = writes.mock.results.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (count > 0 && writes.mock.results.length === count && writes.mock.results[count - 1]?.value === false) return;
  }
  throw new Error("the socket never filled");
}

const idsOf = (frames: Frame[]) => frames.map((frame) => Number(frame.id));

describe("GET /events", () => {
  it("when opened after 0, sends the history then each new transaction, as text/event-stream with ids", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events?after=0");
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(stream.headers["cache-control"]).toBe("no-cache");
    expect(idsOf(await stream.frames(2))).toEqual([1, 2]);
    bank.transfer("alice", "bob", 25.5);
    bank.transferBatch([{ sender: "bob", recipient: "alice", amount: 1 }, { sender: "alice", recipient: "bob", amount: 2 }]);
    const frames = await stream.frames(5);
    expect(idsOf(frames)).toEqual([1, 2, 3, 4, 5]);
    expect(frames[2]).toEqual({
      id: "3",
      event: "transaction",
      data: {
        id: 3,
        type: "transfer_out",
        account: "alice",
        amount: 25.5,
        balance_after: 999_974.5,
        counterparty: "bob",
        counterparty_balance_after: 25.5,
        timestamp: "2023-11-14T22:13:20.000Z",
        description: "Transferred to: 25.50 bob",
      },
    });
    stream.close();
  });

  it("when holds and references are recorded, their events carry the reference and the hold's id, and no others do", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events?after=2");
    bank.hold("alice", "bob", 30, { reference: "order-7" });
    bank.postHold(1, 20);
    bank.deposit("bob", 1, { reference: "inv-1" });
    bank.deposit("bob", 2);
    const frames = await stream.frames(4);
    expect(frames.map((frame) => frame.data)).toEqual([
      {
        id: 3, type: "hold_created", amount: 30, balance_after: 1_000_000, counterparty: "bob", timestamp: "2023-11-14T22:13:20.000Z",
        description: "Held: 30.00 for bob", reference: "order-7", hold_id: 1, incoming: false, account: "alice", counterparty_balance_after: 0,
      },
      {
        id: 4, type: "hold_posted", amount: 20, balance_after: 999_980, counterparty: "bob", timestamp: "2023-11-14T22:13:20.000Z",
        description: "Hold posted: 20.00 to bob", reference: "order-7", hold_id: 1, incoming: false, account: "alice", counterparty_balance_after: 20,
      },
      {
        id: 5, type: "deposit", amount: 1, balance_after: 21, counterparty: null, timestamp: "2023-11-14T22:13:20.000Z",
        description: "Deposited: 1.00", reference: "inv-1", account: "bob", counterparty_balance_after: null,
      },
      {
        id: 6, type: "deposit", amount: 2, balance_after: 23, counterparty: null, timestamp: "2023-11-14T22:13:20.000Z",
        description: "Deposited: 2.00", account: "bob", counterparty_balance_after: null,
      },
    ]);
    stream.close();
  });

  it("when resumed with Last-Event-ID (which wins over ?after=), misses nothing and repeats nothing", async () => {
    const { bank, url } = await serve();
    bank.deposit("bob", 1);
    bank.deposit("bob", 2);
    const resumed = await open(url, "/events?after=0", { "last-event-id": "3" });
    const next = resumed.frames(2);
    bank.deposit("alice", 3);
    expect(idsOf(await next)).toEqual([4, 5]);
    resumed.close();
  });

  it("when filtered to an account, sends its transactions as it sees them", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events?account=bob&after=0");
    bank.transfer("alice", "bob", 5);
    bank.deposit("alice", 1);
    bank.withdraw("bob", 1);
    const frames = await stream.frames(3);
    expect(frames.map((frame) => [(frame.data as { id: number }).id, (frame.data as { type: string }).type])).toEqual([
      [2, "account_opened"], [3, "transfer_in"], [5, "withdrawal"],
    ]);
    stream.close();
  });

  it("when an account's holder reads its stream or transfers, it sees its own balances and never another account's", async () => {
    const tokens = new HolderTokens();
    const { app, url } = await serve({ access: { keys: testKeys(), tokens } });
    const alice = bearer(tokens.issue("alice"));
    const transfer = await request(app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5 }, alice);
    expect(transfer.body).toMatchObject({ sender: { name: "alice", balance: 999_995 }, recipient: { name: "bob" } });
    expect((transfer.body as { recipient: object }).recipient).not.toHaveProperty("balance");
    const asAdmin = await request(app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 5 }, bearer(ADMIN_SECRET));
    expect(asAdmin.body).toMatchObject({ recipient: { name: "bob", balance: 10 } });
    const holder = await open(url, "/events?account=alice&after=2", alice);
    const admin = await open(url, "/events?account=alice&after=2", bearer(ADMIN_SECRET));
    const seen = async (stream: Stream) => (await stream.frames(2)).map((frame) => (frame.data as { counterparty_balance_after: unknown }).counterparty_balance_after);
    expect(await seen(holder)).toEqual([null, null]);
    expect(await seen(admin)).toEqual([5, 10]);
    // Without ?account=, a holder's stream is its own account's; another account's is refused.
    const own = await open(url, "/events?after=0", alice);
    expect((await own.frames(3)).map((frame) => (frame.data as { id: number; account: string }))).toMatchObject([
      { id: 1, account: "alice" }, { id: 3, account: "alice" }, { id: 4, account: "alice" },
    ]);
    expect((await open(url, "/events?account=bob", alice)).status).toBe(403);
    holder.close();
    admin.close();
    own.close();
  });

  it("when events keep coming faster than a stream writes, sends every one, in order, once", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events");
    // A deposit every 5 ms: several arrive within each write interval, and go out together.
    const deposits = (EVENTS_WRITE_INTERVAL_MS * 4) / 5;
    for (let index = 0; index < deposits; index++) {
      bank.deposit("bob", 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    bank.deposit("bob", 1);
    expect(idsOf(await stream.frames(deposits + 1))).toEqual(Array.from({ length: deposits + 1 }, (_, index) => index + 3));
    stream.close();
  });

  it("when idle, sends heartbeat comments", async () => {
    const { url } = await serve({ heartbeatMs: 20 });
    const stream = await open(url, "/events");
    await new Promise((resolve) => setTimeout(resolve, 120));
    stream.close();
    const frames = await stream.ended();
    expect(frames.filter((frame) => frame.comment === "heartbeat").length).toBeGreaterThanOrEqual(2);
  });

  it("when a client falls too far behind, it is sent where to resume and let go, and the bank goes on", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events?after=0");
    stream.response.pause();
    const batch = Array.from({ length: 8_190 }, (_, index) => ({ sender: index % 2 === 0 ? "alice" : "bob", recipient: index % 2 === 0 ? "bob" : "alice", amount: 0.01 }));
    const batches = Math.ceil((EVENTS_LAG_MAX * 1.5) / batch.length);
    for (let round = 0; round < batches; round++) {
      bank.transferBatch(batch);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    stream.response.resume();
    const frames = await stream.ended();
    const last = frames[frames.length - 1] as Frame;
    expect(last.event).toBe("lagged");
    const resumeAfter = (last.data as { resume_after: number }).resume_after;
    const sent = idsOf(frames.filter((frame) => frame.event === "transaction"));
    // Every event up to where to resume, in order, once.
    expect(sent).toEqual(Array.from({ length: resumeAfter }, (_, index) => index + 1));
    expect(bank.transactionCount).toBe(2 + batches * batch.length);
  });

  it("when a client stops reading, its full socket is waited for until it falls too far behind, then it is let go", async () => {
    const { bank, url } = await serve();
    const batch = Array.from({ length: 8_190 }, (_, index) => ({ sender: index % 2 === 0 ? "alice" : "bob", recipient: index % 2 === 0 ? "bob" : "alice", amount: 0.01 }));
    // Less than a client may lag, and more than the sockets between hold (about 20 MB of frames).
    for (let round = 0; round < 7; round++) bank.transferBatch(batch);
    const writes = vi.spyOn(http.ServerResponse.prototype, "write");
    const stream = await open(url, "/events?after=0");
    stream.response.pause();
    await socketFull(writes);
    // Now more than it may lag, however much of the first part it was sent.
    for (let round = 0; round < 9; round++) bank.transferBatch(batch);
    // Long enough for the server to look at its lag while it waits.
    await new Promise((resolve) => setTimeout(resolve, 200));
    stream.response.resume();
    const frames = await stream.ended();
    const last = frames[frames.length - 1] as Frame;
    expect(last.event).toBe("lagged");
    const sent = idsOf(frames.filter((frame) => frame.event === "transaction"));
    expect(sent).toEqual(Array.from({ length: (last.data as { resume_after: number }).resume_after }, (_, index) => index + 1));
  });

  it("when a client that stopped reading goes away, its stream is closed and the bank stops telling it", async () => {
    const { bank, url } = await serve();
    const batch = Array.from({ length: 8_190 }, (_, index) => ({ sender: index % 2 === 0 ? "alice" : "bob", recipient: index % 2 === 0 ? "bob" : "alice", amount: 0.01 }));
    for (let round = 0; round < 7; round++) bank.transferBatch(batch);
    const removed = vi.spyOn(ledgerOf(bank), "removeListener");
    const writes = vi.spyOn(http.ServerResponse.prototype, "write");
    const stream = await open(url, "/events?after=0");
    stream.response.pause();
    await socketFull(writes);
    expect(removed).not.toHaveBeenCalled();
    stream.close();
    await expect.poll(() => removed.mock.calls.length).toBe(1);
  });

  it("when more is recorded at once than a client may lag behind, it is let go at once with where to resume", async () => {
    const { bank, url } = await serve();
    const stream = await open(url, "/events");
    const batch = Array.from({ length: 8_190 }, (_, index) => ({ sender: index % 2 === 0 ? "alice" : "bob", recipient: index % 2 === 0 ? "bob" : "alice", amount: 0.01 }));
    // In one synchronous run: the stream wakes to find every batch recorded already.
    for (let round = 0; round * batch.length <= EVENTS_LAG_MAX; round++) bank.transferBatch(batch);
    const frames = await stream.ended();
    const last = frames[frames.length - 1] as Frame;
    expect(last.event).toBe("lagged");
    const sent = idsOf(frames.filter((frame) => frame.event === "transaction"));
    expect(sent[0]).toBe(3);
    expect(sent[sent.length - 1]).toBe((last.data as { resume_after: number }).resume_after);
  });

  it("when asked for an id past the last or an unknown account, answers a problem, not a stream", async () => {
    const { app } = await serve();
    expectProblem(await request(app, "GET", "/events?after=99"), 400, "INVALID_ARGUMENT");
    expectProblem(await request(app, "GET", "/events?account=carol"), 404, "ACCOUNT_NOT_FOUND");
    expectProblem(await request(app, "GET", "/events", undefined, { "last-event-id": "x1" }), 400, "INVALID_REQUEST");
  });
});

describe("GET /summary and GET /accounts?prefix=", () => {
  it("when money moves, the summary counts accounts and transactions and keeps the total exact", async () => {
    const { bank, app } = await serve();
    bank.createAccount("albert", 0.1);
    bank.deposit("bob", 0.2);
    bank.transfer("alice", "bob", 100);
    bank.withdraw("bob", 0.05);
    expect((await request(app, "GET", "/summary")).body).toEqual({ accounts: 3, transactions: 6, total_balance: 1_000_000.25 });
    const page = await request(app, "GET", "/accounts?prefix=al&limit=1");
    expect(page.body).toEqual({ accounts: [{ name: "albert", balance: 0.1, available: 0.1, held: 0, incoming_held: 0 }], next_after: "albert" });
    expect((await request(app, "GET", "/accounts?prefix=al&after=albert")).body).toEqual({ accounts: [{ name: "alice", balance: 999_900, available: 999_900, held: 0, incoming_held: 0 }], next_after: null });
    expect((await request(app, "GET", "/accounts?prefix=zz")).body).toEqual({ accounts: [], next_after: null });
  });
});
