// Holds over HTTP: POST /holds reserves money (the sender's available drops, its balance does not),
// POST /holds/{id}/post moves all or part of it, /void releases it, GET /holds/{id} reads it; a
// finished hold refuses any further step with a 409; idempotency keys on every step; expiry with an
// injected clock, and once in real time.

import { describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp } from "../../src/http/app.js";
import { appWith, expectProblem, expectReplay, FIXED_TIMESTAMP, request, snapshot } from "./helpers.js";

interface HoldBody {
  id: number;
  status: string;
  amount: number;
  posted_amount: number;
  created_at: string;
  expires_at: string;
  reference: string | null;
}

interface HistoryPage {
  transactions: { id: number; type: string; amount: number; balance_after: number; description: string; reference?: string; hold_id?: number }[];
}

const KEY = "idempotency-key";

describe("POST /holds", () => {
  it("when the sender has the money, answers 201 with the pending hold and its URL, and only available drops", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    const response = await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30, reference: "order-7" });
    expect(response.status, response.text).toBe(201);
    expect(response.headers.location).toBe("/holds/1");
    expect(response.body).toEqual({
      id: 1,
      sender: "alice",
      recipient: "bob",
      amount: 30,
      status: "pending",
      posted_amount: 0,
      created_at: FIXED_TIMESTAMP,
      expires_at: new Date(Date.parse(FIXED_TIMESTAMP) + 7 * 24 * 3600 * 1000).toISOString(),
      reference: "order-7",
    });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 100, available: 70, held: 30, incoming_held: 0 });
    expect((await request(app, "GET", "/accounts/bob")).body).toEqual({ name: "bob", balance: 0, available: 0, held: 0, incoming_held: 30 });
    expect((await request(app, "GET", "/accounts")).body).toEqual({
      accounts: [{ name: "alice", balance: 100, available: 70, held: 30, incoming_held: 0 }, { name: "bob", balance: 0, available: 0, held: 0, incoming_held: 30 }],
      next_after: null,
    });
    expect((await request(app, "GET", "/holds/1")).body).toEqual(response.body);
    for (const [name, description] of [["alice", "Held: 30.00 for bob"], ["bob", "Hold from alice: 30.00"]]) {
      const [created] = ((await request(app, "GET", `/accounts/${name}/history?limit=1`)).body as HistoryPage).transactions;
      expect(created).toMatchObject({ id: 3, type: "hold_created", amount: 30, description, reference: "order-7", hold_id: 1 });
    }
  });

  it("when given a timeout, the hold expires that many seconds after it was made", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    const response = await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 1, timeout_seconds: 90 });
    expect((response.body as HoldBody).expires_at).toBe(new Date(Date.parse(FIXED_TIMESTAMP) + 90_000).toISOString());
    expect((response.body as HoldBody).reference).toBeNull();
  });

  it("when a withdrawal or a transfer asks for more than is available, refuses it naming what is held, and changes nothing", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 80 });
    const before = snapshot(bank);
    const detail = "Cannot withdraw 30.00; available is only 20.00 (80.00 of the balance is held)";
    expect(expectProblem(await request(app, "POST", "/accounts/alice/withdrawals", { amount: 30 }), 400, "INSUFFICIENT_FUNDS")).toBe(detail);
    const transfer = await request(app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 30 });
    expect(expectProblem(transfer, 400, "INSUFFICIENT_FUNDS")).toBe(detail);
    const hold = await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 });
    expect(expectProblem(hold, 400, "INSUFFICIENT_FUNDS")).toBe(detail);
    expect(snapshot(bank)).toEqual(before);
    expect((await request(app, "POST", "/accounts/alice/withdrawals", { amount: 20 })).status).toBe(200);
  });
});

describe("POST /holds/{id}/post and /void", () => {
  it("when posted for part of it, moves that part to the recipient and releases the rest", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 });
    const response = await request(app, "POST", "/holds/1/post", { amount: "12.50" });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ id: 1, status: "posted", amount: 30, posted_amount: 12.5 });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 87.5, available: 87.5, held: 0, incoming_held: 0 });
    expect((await request(app, "GET", "/accounts/bob")).body).toEqual({ name: "bob", balance: 12.5, available: 12.5, held: 0, incoming_held: 0 });
    const [posted] = ((await request(app, "GET", "/accounts/bob/history?limit=1")).body as HistoryPage).transactions;
    expect(posted).toEqual({
      id: 4, type: "hold_posted", amount: 12.5, balance_after: 12.5, counterparty: "alice", timestamp: FIXED_TIMESTAMP,
      description: "Received from hold: 12.50 alice", hold_id: 1, incoming: true,
    });
  });

  it("when posted with no body at all, or an empty one, moves all of it", async () => {
    for (const body of [undefined, {}]) {
      const { app, bank } = appWith({ alice: 100, bob: 0 });
      await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 });
      const response = await request(app, "POST", "/holds/1/post", body);
      expect(response.body).toMatchObject({ status: "posted", posted_amount: 30 });
      expect(bank.getAccount("bob").balance).toBe(30);
    }
  });

  it("when voided, releases all of it, and the history of both says so", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 });
    const response = await request(app, "POST", "/holds/1/void");
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ id: 1, status: "voided", posted_amount: 0 });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 100, available: 100, held: 0, incoming_held: 0 });
    expect(bank.getAccount("bob").incomingHeld).toBe(0);
    expect(bank.getAccount("bob").getTransactionHistory().map((transaction) => transaction.description)).toEqual([
      "Account created with balance: 0.00", "Hold from alice: 30.00", "Hold voided: 30.00 from alice",
    ]);
  });

  it.each<[string, string, string]>([
    ["void", "post", "Hold 1 was already voided"],
    ["post", "void", "Hold 1 was already posted"],
    ["post", "post", "Hold 1 was already posted"],
    ["void", "void", "Hold 1 was already voided"],
  ])("when a hold was %sed, a %s is refused with 409 and changes nothing", async (first, then, detail) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 });
    expect((await request(app, "POST", `/holds/1/${first}`)).status).toBe(200);
    const before = snapshot(bank);
    expect(expectProblem(await request(app, "POST", `/holds/1/${then}`), 409, "HOLD_NOT_PENDING")).toBe(detail);
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the hold does not exist, every route answers 404", async () => {
    const { app } = appWith({ alice: 100 });
    for (const [method, url] of [["GET", "/holds/1"], ["POST", "/holds/1/post"], ["POST", "/holds/1/void"]] as const) {
      expect(expectProblem(await request(app, method, url), 404, "HOLD_NOT_FOUND")).toBe("Hold 1 not found");
    }
  });
});

describe("idempotency keys on the steps of a hold", () => {
  it("when each step is retried with its key, the retry is a replay, even of a post that would now be refused", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const create = () => request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30 }, { [KEY]: "hold-1" });
    const created = await create();
    const again = await create();
    expectReplay(again, created);
    expect(again.headers.location).toBe("/holds/1");
    // The default timeout is part of the request: leaving it out or sending it is the same request.
    expectReplay(await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30, timeout_seconds: 604_800 },
      { [KEY]: "hold-1" }), created);
    expect((await request(app, "GET", "/holds/2")).status).toBe(404);

    const posted = await request(app, "POST", "/holds/1/post", { amount: 10 }, { [KEY]: "post-1" });
    expectReplay(await request(app, "POST", "/holds/1/post", { amount: 10 }, { [KEY]: "post-1" }), posted);
    expectProblem(await request(app, "POST", "/holds/1/post", { amount: 5 }, { [KEY]: "post-1" }), 422, "IDEMPOTENCY_KEY_REUSED");
    expect(bank.getAccount("bob").balance).toBe(10);

    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 5 });
    const voided = await request(app, "POST", "/holds/2/void", undefined, { [KEY]: "void-2" });
    expect(voided.status).toBe(200);
    // No body and an empty one are the same request.
    expectReplay(await request(app, "POST", "/holds/2/void", {}, { [KEY]: "void-2" }), voided);
    const refused = await request(app, "POST", "/holds/2/void", undefined, { [KEY]: "void-2b" });
    expectProblem(refused, 409, "HOLD_NOT_PENDING");
    expectReplay(await request(app, "POST", "/holds/2/void", undefined, { [KEY]: "void-2b" }), refused);
  });
});

describe("expiry over HTTP", () => {
  it("when the clock passes a hold's timeout, a GET shows it expired and the sender's available is back", async () => {
    let nowMs = Date.UTC(2025, 5, 1, 12, 0, 0);
    const bank = new Bank({ clock: () => nowMs });
    bank.createAccount("alice", 100);
    bank.createAccount("bob", 0);
    const app = buildApp({ bank });
    const hold = (await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30, timeout_seconds: 60 })).body as HoldBody;
    expect(hold.expires_at).toBe("2025-06-01T12:01:00.000Z");
    nowMs += 59_999;
    expect(((await request(app, "GET", "/holds/1")).body as HoldBody).status).toBe("pending");
    expect((await request(app, "GET", "/accounts/alice")).body).toMatchObject({ available: 70, held: 30, incoming_held: 0 });
    nowMs += 1;
    expect((await request(app, "GET", "/holds/1")).body).toMatchObject({ status: "expired", posted_amount: 0 });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 100, available: 100, held: 0, incoming_held: 0 });
    const [expired] = ((await request(app, "GET", "/accounts/alice/history?limit=1")).body as HistoryPage).transactions;
    expect(expired).toMatchObject({ type: "hold_expired", amount: 30, description: "Hold expired: 30.00 for bob", timestamp: "2025-06-01T12:01:00.000Z" });
    expect(expectProblem(await request(app, "POST", "/holds/1/post"), 409, "HOLD_NOT_PENDING")).toBe("Hold 1 has expired");
  });

  it("when a hold of one second is left alone, it expires on its own, in real time", async () => {
    const bank = new Bank();
    bank.createAccount("alice", 100);
    bank.createAccount("bob", 0);
    const app = buildApp({ bank });
    const created = await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 30, timeout_seconds: 1 });
    expect(created.status).toBe(201);
    const startMs = Date.now();
    // The bank's timer records the expiry with no request to prompt it: the journal grows by itself.
    while (bank.transactionCount === 3 && Date.now() - startMs < 5_000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bank.transactionCount).toBe(4);
    expect(Date.now() - startMs).toBeLessThan(5_000);
    expect((await request(app, "GET", "/holds/1")).body).toMatchObject({ status: "expired" });
    expect((await request(app, "GET", "/accounts/alice")).body).toMatchObject({ available: 100, held: 0, incoming_held: 0 });
    await app.close();
  });
});
