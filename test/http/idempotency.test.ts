// Idempotency-Key on every POST route: replays byte for byte with one effect, refusals kept, reuse
// refused (422), keys in progress (409), invalid keys, expiry and eviction, 5xx not kept, and the
// races of a real listening server (concurrent retries, a body still arriving, an aborted request).

import { connect, type AddressInfo, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type AppOptions, type BankApp } from "../../src/http/app.js";
import { appWith, expectProblem, expectReplay, FIXED_TIME_MS, REPLAYED, request, snapshot, type JsonResponse } from "./helpers.js";


/** POSTs `body` as JSON with `key` as its Idempotency-Key. */
function post(app: BankApp, url: string, body: unknown, key: string): Promise<JsonResponse> {
  return request(app, "POST", url, body, { "idempotency-key": key });
}

function bankWith(balances: Record<string, number>): Bank {
  const bank = new Bank({ clock: () => FIXED_TIME_MS });
  for (const [name, balance] of Object.entries(balances)) bank.createAccount(name, balance);
  return bank;
}

describe("a retry with the same key, route and body", () => {
  it("when the first succeeded, gets the same status and bytes, marked as a replay, with one effect", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const first = await post(app, "/accounts/alice/deposits", { amount: 25 }, "dep-1");
    expect(first.status).toBe(200);
    const second = await post(app, "/accounts/alice/deposits", { amount: 25 }, "dep-1");
    const third = await post(app, "/accounts/alice/deposits", { amount: 25 }, "dep-1");
    expectReplay(second, first);
    expectReplay(third, first);
    expect(bank.getAccount("alice").balance).toBe(125);
    expect(bank.getAccount("alice").historyLength).toBe(2);
    expect(bank.transactionCount).toBe(2);
  });

  it("when the first was refused for insufficient funds, stays refused even after funds arrived", async () => {
    const { app, bank } = appWith({ bob: 0 });
    const first = await post(app, "/accounts/bob/withdrawals", { amount: 50 }, "wd-1");
    expect(expectProblem(first, 400, "INSUFFICIENT_FUNDS")).toBe("Cannot withdraw 50.00; balance is only 0.00");
    bank.deposit("bob", 100);
    const before = snapshot(bank);
    const retry = await post(app, "/accounts/bob/withdrawals", { amount: 50 }, "wd-1");
    expectReplay(retry, first);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("bob").balance).toBe(100);
  });

  it.each<[string, unknown, string]>([
    ["the core refused the amount (0.001)", { amount: 0.001 }, "INVALID_AMOUNT"],
    ["the schema refused the body (amount true)", { amount: true }, "INVALID_REQUEST"],
  ])("when %s, the refusal is replayed too", async (_case, body, code) => {
    const { app, bank } = appWith({ alice: 100 });
    const before = snapshot(bank);
    const first = await post(app, "/accounts/alice/deposits", body, "bad-1");
    expectProblem(first, 400, code);
    const retry = await post(app, "/accounts/alice/deposits", body, "bad-1");
    expectReplay(retry, first);
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the bodies differ only in whitespace, they are the same request", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const first = await post(app, "/accounts/alice/deposits", '{"amount":5}', "ws-1");
    const retry = await post(app, "/accounts/alice/deposits", '{\n  "amount" : 5\n}\n', "ws-1");
    expectReplay(retry, first);
    expect(bank.getAccount("alice").balance).toBe(105);
  });

  it("when a POST carries no body at all, its refusal is kept and replayed like any other", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const before = snapshot(bank);
    const first = await request(app, "POST", "/transfers", undefined, { "idempotency-key": "empty-1" });
    expect(expectProblem(first, 400, "INVALID_REQUEST")).toBe("body must be object");
    const retry = await request(app, "POST", "/transfers", undefined, { "idempotency-key": "empty-1" });
    expectReplay(retry, first);
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("a key reused for another request", () => {
  it("when the body differs, answers 422 IDEMPOTENCY_KEY_REUSED and changes nothing", async () => {
    const { app, bank } = appWith({ alice: 100 });
    await post(app, "/accounts/alice/deposits", { amount: 5 }, "k-1");
    const before = snapshot(bank);
    const reused = await post(app, "/accounts/alice/deposits", { amount: 6 }, "k-1");
    expect(expectProblem(reused, 422, "IDEMPOTENCY_KEY_REUSED")).toBe(
      "Idempotency key 'k-1' was already used for a different request",
    );
    expect(reused.headers[REPLAYED]).toBeUndefined();
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the route differs, answers 422 and changes nothing; the first request still replays", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const first = await post(app, "/accounts/alice/deposits", { amount: 5 }, "k-2");
    const before = snapshot(bank);
    expectProblem(await post(app, "/accounts/alice/withdrawals", { amount: 5 }, "k-2"), 422, "IDEMPOTENCY_KEY_REUSED");
    expectProblem(await post(app, "/accounts/bob/deposits", { amount: 5 }, "k-2"), 422, "IDEMPOTENCY_KEY_REUSED");
    expect(snapshot(bank)).toEqual(before);
    expectReplay(await post(app, "/accounts/alice/deposits", { amount: 5 }, "k-2"), first);
  });

  it("when the same fields come in another order, it is the same body: replayed, one effect", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const first = await post(app, "/transfers", { sender: "alice", recipient: "bob", amount: 1 }, "k-3");
    const reordered = await post(app, "/transfers", { amount: 1, sender: "alice", recipient: "bob" }, "k-3");
    expectReplay(reordered, first);
    expect(bank.getAccount("bob").balance).toBe(1);
  });
});

describe("the key itself", () => {
  it.each<[string, string]>([
    ["empty", ""],
    ["256 characters", "k".repeat(256)],
    ["with a space", "two words"],
    ["not ASCII", "clé"],
    ["with a tab", "a\tb"],
  ])("when the key is %s, answers 400 and changes nothing", async (_case, key) => {
    const { app, bank } = appWith({ alice: 100 });
    const before = snapshot(bank);
    const response = await post(app, "/accounts/alice/deposits", { amount: 5 }, key);
    expect(expectProblem(response, 400, "INVALID_ARGUMENT")).toBe(
      "Idempotency key must be 1 to 255 visible ASCII characters",
    );
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the key has 255 visible characters, including punctuation, it is accepted and replayed", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const key = `!~"#${"k".repeat(251)}`;
    expect(key).toHaveLength(255);
    const first = await post(app, "/accounts/alice/deposits", { amount: 5 }, key);
    expect(first.status).toBe(200);
    expectReplay(await post(app, "/accounts/alice/deposits", { amount: 5 }, key), first);
    expect(bank.getAccount("alice").balance).toBe(105);
  });

  it("when a GET carries a key, even an invalid one, it is answered as usual and never replayed", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const first = await request(app, "GET", "/accounts/alice", undefined, { "idempotency-key": "two words" });
    expect(first.body).toEqual({ name: "alice", balance: 100, available: 100, held: 0, incoming_held: 0 });
    bank.deposit("alice", 5);
    const second = await request(app, "GET", "/accounts/alice", undefined, { "idempotency-key": "two words" });
    expect(second.body).toEqual({ name: "alice", balance: 105, available: 105, held: 0, incoming_held: 0 });
    expect(second.headers[REPLAYED]).toBeUndefined();
    const valid = await request(app, "GET", "/accounts/alice", undefined, { "idempotency-key": "g-1" });
    expect(valid.body).toEqual({ name: "alice", balance: 105, available: 105, held: 0, incoming_held: 0 });
    expect(valid.headers[REPLAYED]).toBeUndefined();
  });

  it("when a key is used on a POST, requests without a key are not affected", async () => {
    const { app, bank } = appWith({ alice: 100 });
    await post(app, "/accounts/alice/deposits", { amount: 5 }, "k-4");
    const plain = await request(app, "POST", "/accounts/alice/deposits", { amount: 5 });
    const again = await request(app, "POST", "/accounts/alice/deposits", { amount: 5 });
    expect(plain.headers[REPLAYED]).toBeUndefined();
    expect(again.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(115);
  });
});

describe("keys on every POST route", () => {
  it("when an account creation is retried, gets the same 201 and Location, not a 409, and one account", async () => {
    const { app, bank } = appWith();
    const first = await post(app, "/accounts", { name: "dora", initial_balance: 10 }, "open-1");
    expect(first.status).toBe(201);
    expect(first.headers.location).toBe("/accounts/dora");
    const retry = await post(app, "/accounts", { name: "dora", initial_balance: 10 }, "open-1");
    expectReplay(retry, first);
    expect(retry.headers.location).toBe("/accounts/dora");
    expect(bank.listAccounts().map((account) => account.name)).toEqual(["dora"]);
    expect(bank.transactionCount).toBe(1);
    expectProblem(await post(app, "/accounts", { name: "dora", initial_balance: 10 }, "open-2"), 409, "ACCOUNT_EXISTS");
  });

  it("when a withdrawal is retried, the money leaves once", async () => {
    const { app, bank } = appWith({ alice: 100 });
    const first = await post(app, "/accounts/alice/withdrawals", { amount: "30.00" }, "wd-2");
    expect(first.status).toBe(200);
    expectReplay(await post(app, "/accounts/alice/withdrawals", { amount: "30.00" }, "wd-2"), first);
    expect(bank.getAccount("alice").balance).toBe(70);
    expect(bank.getAccount("alice").historyLength).toBe(2);
  });

  it("when a transfer is retried, it moves the money once and both histories have one entry", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const body = { sender: "alice", recipient: "bob", amount: 40 };
    const first = await post(app, "/transfers", body, "tr-1");
    expect(first.status).toBe(200);
    expectReplay(await post(app, "/transfers", body, "tr-1"), first);
    expect(bank.getAccount("alice").balance).toBe(60);
    expect(bank.getAccount("bob").balance).toBe(40);
    expect(bank.getAccount("alice").historyLength).toBe(2);
    expect(bank.getAccount("bob").historyLength).toBe(2);
  });

  it("when a batch is retried, it is not applied twice", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const body = {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 10 },
        { sender: "alice", recipient: "bob", amount: 500 },
      ],
      atomic: false,
    };
    const first = await post(app, "/transfers/batch", body, "batch-1");
    expect(first.body).toMatchObject({ applied: 1, refused: 1, first_transaction_id: 3 });
    expectReplay(await post(app, "/transfers/batch", body, "batch-1"), first);
    expect(bank.getAccount("alice").balance).toBe(90);
    expect(bank.getAccount("bob").balance).toBe(10);
    expect(bank.transactionCount).toBe(3);
  });

  it("when a refused atomic batch is retried after funds arrived, it stays refused with the same bytes", async () => {
    const { app, bank } = appWith({ alice: 0, bob: 0 });
    const body = { transfers: [{ sender: "alice", recipient: "bob", amount: 10 }] };
    const first = await post(app, "/transfers/batch", body, "batch-2");
    expect(first.status).toBe(400);
    expect((first.body as { code: string }).code).toBe("BATCH_REFUSED");
    bank.deposit("alice", 10);
    expectReplay(await post(app, "/transfers/batch", body, "batch-2"), first);
    expect(bank.getAccount("bob").balance).toBe(0);
  });

  it("when a POST route brings hooks of its own, they are kept and run after the key's", async () => {
    const app = buildApp({ bank: bankWith({}) });
    const calls: string[] = [];
    app.post(
      "/probe",
      {
        onRequest: (_request, _reply, done) => {
          calls.push("onRequest");
          done();
        },
        preValidation: [
          (_request, _reply, done) => {
            calls.push("preValidation");
            done();
          },
        ],
      },
      () => ({ calls: calls.length }),
    );
    const first = await post(app, "/probe", { any: 1 }, "probe-1");
    expect(first.body).toEqual({ calls: 2 });
    const retry = await post(app, "/probe", { any: 1 }, "probe-1");
    expectReplay(retry, first);
    // A replay is answered in the key's preValidation hook, before the route's own.
    expect(calls).toEqual(["onRequest", "preValidation", "onRequest"]);
  });

  it("when a POST route answers on its own (a hijacked reply), nothing is kept and the key is freed", async () => {
    const app = buildApp({ bank: bankWith({}) });
    let runs = 0;
    app.post("/raw", (_request, reply) => {
      runs++;
      reply.hijack();
      reply.raw.writeHead(200, { "content-type": "text/plain" });
      reply.raw.end(`run ${runs}`);
    });
    const first = await post(app, "/raw", { any: 1 }, "raw-1");
    expect(first.text).toBe("run 1");
    const retry = await post(app, "/raw", { any: 1 }, "raw-1");
    expect(retry.status, retry.text).toBe(200);
    expect(retry.text).toBe("run 2");
    expect(retry.headers[REPLAYED]).toBeUndefined();
  });
});

describe("how long keys are kept", () => {
  it("when the time to live has passed, the same key runs again", async () => {
    let nowMs = 0;
    const bank = bankWith({ alice: 100 });
    const app = buildApp({ bank, idempotency: { clock: () => nowMs, ttlMs: 1000 } });
    const first = await post(app, "/accounts/alice/deposits", { amount: 5 }, "ttl-1");
    nowMs = 999;
    expectReplay(await post(app, "/accounts/alice/deposits", { amount: 5 }, "ttl-1"), first);
    expect(bank.getAccount("alice").balance).toBe(105);
    nowMs = 1000;
    const afterTtl = await post(app, "/accounts/alice/deposits", { amount: 5 }, "ttl-1");
    expect(afterTtl.status).toBe(200);
    expect(afterTtl.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(110);
    // The new run is kept from now on, for another time to live.
    nowMs = 1999;
    expectReplay(await post(app, "/accounts/alice/deposits", { amount: 5 }, "ttl-1"), afterTtl);
    expect(bank.getAccount("alice").historyLength).toBe(3);
  });

  it("when more keys than keysMax are used, the oldest is forgotten first", async () => {
    const bank = bankWith({ alice: 100 });
    const app = buildApp({ bank, idempotency: { keysMax: 2 } });
    for (const key of ["a", "b", "c"]) await post(app, "/accounts/alice/deposits", { amount: 1 }, key);
    expect(bank.getAccount("alice").balance).toBe(103);
    expect((await post(app, "/accounts/alice/deposits", { amount: 1 }, "c")).headers[REPLAYED]).toBe("true");
    expect((await post(app, "/accounts/alice/deposits", { amount: 1 }, "b")).headers[REPLAYED]).toBe("true");
    expect(bank.getAccount("alice").balance).toBe(103);
    const forgotten = await post(app, "/accounts/alice/deposits", { amount: 1 }, "a");
    expect(forgotten.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(104);
  });

  it("when kept responses exceed bytesMax, the oldest is forgotten first", async () => {
    const bank = bankWith({ alice: 100 });
    // One deposit's response and its bookkeeping fit, two do not.
    const app = buildApp({ bank, idempotency: { bytesMax: 1200 } });
    await post(app, "/accounts/alice/deposits", { amount: 1 }, "x");
    expect((await post(app, "/accounts/alice/deposits", { amount: 1 }, "x")).headers[REPLAYED]).toBe("true");
    await post(app, "/accounts/alice/deposits", { amount: 1 }, "y");
    expect(bank.getAccount("alice").balance).toBe(102);
    expect((await post(app, "/accounts/alice/deposits", { amount: 1 }, "y")).headers[REPLAYED]).toBe("true");
    const forgotten = await post(app, "/accounts/alice/deposits", { amount: 1 }, "x");
    expect(forgotten.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(103);
  });
});

describe("a server error", () => {
  it("when the first request fails with a 500, it is not kept: the retry runs for real", async () => {
    const bank = bankWith({ alice: 100 });
    const app = buildApp({ bank });
    vi.spyOn(bank, "deposit").mockImplementationOnce(() => {
      throw new Error("boom: the disk is on fire");
    });
    const failed = await post(app, "/accounts/alice/deposits", { amount: 5 }, "err-1");
    expect(expectProblem(failed, 500, "INTERNAL_ERROR")).toBe(
      "The server failed to handle this request; the error has been logged",
    );
    expect(failed.text).not.toContain("boom");
    expect(bank.getAccount("alice").balance).toBe(100);
    const retry = await post(app, "/accounts/alice/deposits", { amount: 5 }, "err-1");
    expect(retry.status).toBe(200);
    expect(retry.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(105);
    expectReplay(await post(app, "/accounts/alice/deposits", { amount: 5 }, "err-1"), retry);
    expect(bank.getAccount("alice").historyLength).toBe(2);
  });

  it("when the body is malformed JSON, the key is not kept: a corrected retry runs", async () => {
    const { app, bank } = appWith({ alice: 100 });
    expectProblem(await post(app, "/accounts/alice/deposits", '{"amount": 5', "mj-1"), 400, "MALFORMED_JSON");
    const corrected = await post(app, "/accounts/alice/deposits", '{"amount": 5}', "mj-1");
    expect(corrected.status).toBe(200);
    expect(corrected.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(105);
  });
});

// --- Over a real socket ---------------------------------------------------------------------

const opened: BankApp[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

interface Server {
  url: string;
  port: number;
  /** Resolves once the request sent with this `x-test-request` header has been through onRequest. */
  reached(name: string): Promise<void>;
}

/**
 * Listens on a free port, after `setup` has had the app. A preParsing hook (which runs after the
 * key's onRequest hook) records each request's `x-test-request` header, so a test knows when the
 * server holds a key.
 */
async function listen(options: AppOptions, setup: (app: BankApp) => void = () => {}): Promise<Server> {
  const app = buildApp(options);
  const seen = new Set<string>();
  app.addHook("preParsing", (request, _reply, payload, done) => {
    const name = request.headers["x-test-request"];
    if (typeof name === "string") seen.add(name);
    done(null, payload);
  });
  setup(app);
  opened.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, reached: (name) => until(() => seen.has(name), `${name} reached`) };
}

/** Waits for `condition`, checking every few milliseconds, at most about 10 seconds. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2000; attempt++) {
    if (condition()) return;
    await sleep(5);
  }
  throw new Error(`Gave up waiting: ${what}`);
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface RawRequest {
  /** Sends the rest of the body. */
  finish(): void;
  /** Closes the connection before the body is complete. */
  abort(): void;
  /** The response, once the server has answered and closed the connection. */
  response: Promise<RawResponse>;
}

/** A POST over a raw socket that sends its headers and only the first `sentChars` of its body. */
function partialPost(port: number, path: string, key: string, name: string, body: string, sentChars: number): RawRequest {
  const socket = connect(port, "127.0.0.1");
  sockets.push(socket);
  const chunks: Buffer[] = [];
  const response = new Promise<RawResponse>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(parseResponse(Buffer.concat(chunks).toString("utf8"))));
    socket.on("error", reject);
  });
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Idempotency-Key: ${key}\r\nX-Test-Request: ${name}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body.slice(0, sentChars)}`,
  );
  return {
    finish: () => socket.write(body.slice(sentChars)),
    abort: () => socket.destroy(),
    response,
  };
}

function parseResponse(text: string): RawResponse {
  const [head = "", body = ""] = text.split("\r\n\r\n", 2);
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

async function fetchPost(server: Server, path: string, body: unknown, key: string, name = "") {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "idempotency-key": key, "x-test-request": name },
    body: JSON.stringify(body),
  });
  return { status: response.status, replayed: response.headers.get(REPLAYED), text: await response.text() };
}

describe("a real listening server", () => {
  it("when 100 requests with one key arrive at once, the balance moves exactly once", async () => {
    const bank = new Bank();
    bank.createAccount("alice", 100);
    const server = await listen({ bank });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () => fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "burst-1")),
    );
    const done = responses.filter((response) => response.status === 200);
    const busy = responses.filter((response) => response.status === 409);
    expect(done.length + busy.length).toBe(100);
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(new Set(done.map((response) => response.text)).size).toBe(1);
    expect(done.filter((response) => response.replayed === null)).toHaveLength(1);
    for (const response of busy) expect(JSON.parse(response.text)).toMatchObject({ code: "IDEMPOTENCY_KEY_IN_PROGRESS" });
    expect(bank.getAccount("alice").balance).toBe(105);
    expect(bank.getAccount("alice").historyLength).toBe(2);
    const after = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "burst-1");
    expect(after).toEqual({ status: 200, replayed: "true", text: done[0]?.text });
    expect(bank.getAccount("alice").balance).toBe(105);
  });

  it("when a request with the key is still arriving, another gets 409; once answered, a third is a replay", async () => {
    const bank = bankWith({ alice: 100 });
    const server = await listen({ bank });
    const first = partialPost(server.port, "/accounts/alice/deposits", "slow-1", "first", '{"amount": 5}', 4);
    await server.reached("first");

    const busy = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "slow-1");
    expect(busy.status).toBe(409);
    expect(JSON.parse(busy.text)).toEqual({
      type: "/problems/idempotency-key-in-progress",
      title: "Idempotency key in progress",
      status: 409,
      detail: "A request with idempotency key 'slow-1' is still in progress; retry once it has been answered",
      code: "IDEMPOTENCY_KEY_IN_PROGRESS",
    });
    expect(bank.getAccount("alice").balance).toBe(100);

    first.finish();
    const answered = await first.response;
    expect(answered.status).toBe(200);
    expect(answered.headers[REPLAYED]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(105);

    const third = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "slow-1");
    expect(third).toEqual({ status: 200, replayed: "true", text: answered.body });
    expect(bank.getAccount("alice").historyLength).toBe(2);
  });

  it("when a request with the key is aborted before its body is complete, the key is freed for a retry", async () => {
    const bank = bankWith({ alice: 100 });
    const server = await listen({ bank });
    const aborted = partialPost(server.port, "/accounts/alice/deposits", "gone-1", "aborted", '{"amount": 5}', 4);
    await server.reached("aborted");
    aborted.abort();

    let retry = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "gone-1");
    for (let attempt = 0; retry.status === 409 && attempt < 500; attempt++) {
      await sleep(10);
      retry = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "gone-1");
    }
    expect(retry.status, retry.text).toBe(200);
    expect(retry.replayed).toBeNull();
    expect(bank.getAccount("alice").balance).toBe(105);
    expect(bank.getAccount("alice").historyLength).toBe(2);
  });

  it("when a retry's body arrives after the first response expired, the retry runs as a new request", async () => {
    let nowMs = 0;
    const bank = bankWith({ alice: 100 });
    const server = await listen({ bank, idempotency: { clock: () => nowMs, ttlMs: 1000 } });
    const first = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "late-1");
    expect(first.status).toBe(200);

    // The retry's headers find the key done; its body comes only after the key has expired.
    const retry = partialPost(server.port, "/accounts/alice/deposits", "late-1", "retry", '{"amount": 5}', 4);
    await server.reached("retry");
    nowMs = 1000;
    retry.finish();
    const answered = await retry.response;
    expect(answered.status).toBe(200);
    expect(answered.headers[REPLAYED]).toBeUndefined();
    expect(answered.body).not.toBe(first.text);
    expect(bank.getAccount("alice").balance).toBe(110);

    // The retry's response is the one kept now.
    const again = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "late-1");
    expect(again).toEqual({ status: 200, replayed: "true", text: answered.body });
    expect(bank.getAccount("alice").balance).toBe(110);
  });

  it("when a retry's body arrives after the key expired and another request took it, the retry gets 409", async () => {
    let nowMs = 0;
    const bank = bankWith({ alice: 100 });
    const server = await listen({ bank, idempotency: { clock: () => nowMs, ttlMs: 1000 } });
    expect((await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "late-2")).status).toBe(200);

    const retry = partialPost(server.port, "/accounts/alice/deposits", "late-2", "retry", '{"amount": 5}', 4);
    await server.reached("retry");
    nowMs = 1000;
    const other = partialPost(server.port, "/accounts/alice/deposits", "late-2", "other", '{"amount": 7}', 4);
    await server.reached("other");

    retry.finish();
    const refused = await retry.response;
    expect(refused.status).toBe(409);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "IDEMPOTENCY_KEY_IN_PROGRESS" });
    expect(bank.getAccount("alice").balance).toBe(105);

    other.finish();
    expect((await other.response).status).toBe(200);
    expect(bank.getAccount("alice").balance).toBe(112);
    expect(bank.getAccount("alice").historyLength).toBe(3);
  });

  it.each<[string, (bank: Bank) => unknown, number, string]>([
    ["a 500", (bank) => vi.spyOn(bank, "deposit").mockImplementationOnce(() => {
      throw new Error("boom");
    }), 500, '{"amount": 5}'],
    ["malformed JSON", () => undefined, 400, '{"amount": 5'],
  ])(
    "when a request that kept nothing (%s) ends after a retry took its key, the retry keeps the key",
    async (_case, arrange, status, body) => {
      const bank = bankWith({ alice: 100 });
      let release = (): void => {};
      let released = false;
      const held = new Promise<void>((resolve) => (release = resolve));
      // An onResponse hook of the app runs before the key's: it holds back the first request's end.
      // Once it returns, the key's own onResponse hook follows within the same turn of the loop.
      const server = await listen({ bank }, (app) =>
        app.addHook("onResponse", async (request) => {
          if (request.headers["x-test-request"] !== "first") return;
          await held;
          released = true;
        }),
      );
      arrange(bank);

      // The first request is answered, but its end (onResponse) is held back.
      const first = partialPost(server.port, "/accounts/alice/deposits", "race-1", "first", body, body.length);
      expect((await first.response).status).toBe(status);
      // Its retry takes the key and is still sending its body when the first request ends.
      const retry = partialPost(server.port, "/accounts/alice/deposits", "race-1", "retry", '{"amount": 5}', 4);
      await server.reached("retry");
      release();
      await until(() => released, "the first request has ended");

      // The retry holds the key, so a third request with it must wait, not run.
      const third = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "race-1");
      expect(third.status, third.text).toBe(409);
      retry.finish();
      const answered = await retry.response;
      expect(answered.status).toBe(200);
      expect(bank.getAccount("alice").balance).toBe(105);
      expect(bank.getAccount("alice").historyLength).toBe(2);
      const fourth = await fetchPost(server, "/accounts/alice/deposits", { amount: 5 }, "race-1");
      expect(fourth).toEqual({ status: 200, replayed: "true", text: answered.body });
    },
  );

  it("when the client goes away while a route's own hook holds its request, the key is freed at once", async () => {
    let runs = 0;
    let holding = false;
    let aborted = false;
    const server = await listen({ bank: bankWith({}) }, (app) => {
      // The app's onRequestAbort hook runs just before the key's: it tells the test when.
      app.addHook("onRequestAbort", (_request, done) => {
        aborted = true;
        done();
      });
      app.post(
        "/slow",
        {
          // Runs after the key's onRequest hook: the key is reserved while this one waits, forever.
          onRequest: async (request) => {
            if (request.headers["x-test-request"] !== "held") return;
            holding = true;
            await new Promise(() => {});
          },
        },
        () => ({ runs: ++runs }),
      );
    });
    const held = partialPost(server.port, "/slow", "slow-2", "held", '{"any": 1}', 0);
    await until(() => holding, "the route's hook holds the request");
    held.abort();
    await until(() => aborted, "the server has seen the abort");

    const retry = await fetchPost(server, "/slow", { any: 1 }, "slow-2");
    expect(retry).toEqual({ status: 200, replayed: null, text: '{"runs":1}' });
    expect(await fetchPost(server, "/slow", { any: 1 }, "slow-2")).toEqual({ status: 200, replayed: "true", text: '{"runs":1}' });
    expect(runs).toBe(1);
  });
});
