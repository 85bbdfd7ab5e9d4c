// POST /transfers/batch through app.inject(): atomic batches (all or nothing, the refused transfer
// named), independent batches (a result per transfer), the limits of the route and its OpenAPI entry.

import { describe, expect, it } from "vitest";
import { BATCH_SIZE_MAX } from "../../src/index.js";
import { BATCH_BODY_LIMIT_BYTES, BODY_LIMIT_BYTES } from "../../src/http/limits.js";
import { appWith, expectProblem, FIXED_TIMESTAMP, request, snapshot, type JsonResponse } from "./helpers.js";

interface Transfer {
  sender: string;
  recipient: string;
  amount: number | string;
}

interface BatchBody {
  atomic: boolean;
  applied: number;
  refused: number;
  first_transaction_id: number | null;
  last_transaction_id: number | null;
  results?: { index: number; status: string; transaction_id?: number; code?: string; detail?: string }[];
}

interface HistoryPage {
  transactions: { id: number; type: string; amount: number; balance_after: number; counterparty: string | null; description: string }[];
}

function batch(app: Parameters<typeof request>[0], body: unknown): Promise<JsonResponse> {
  return request(app, "POST", "/transfers/batch", body);
}

/**
 * Asserts the problem of a refused atomic batch: the usual five members plus `index` and
 * `refusal` ({code, detail}) of the refused transfer. Returns the refusal.
 */
function expectBatchRefused(response: JsonResponse, index: number): { code: string; detail: string } {
  expect(response.status, response.text).toBe(400);
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = response.body as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["code", "detail", "index", "refusal", "status", "title", "type"]);
  expect(body).toMatchObject({ type: "/problems/batch-refused", title: "Batch refused", status: 400, code: "BATCH_REFUSED", index });
  const refusal = body.refusal as { code: string; detail: string };
  expect(Object.keys(refusal).sort()).toEqual(["code", "detail"]);
  expect(body.detail).toBe(`Transfer ${index} of the batch was refused, so none was applied: ${refusal.detail}`);
  return refusal;
}

describe("POST /transfers/batch, atomic", () => {
  it("when every transfer passes, applies all with consecutive ids and both sides' history", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0, carol: 0 });
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 25 },
        { sender: "alice", recipient: "carol", amount: "10.50" },
        { sender: "bob", recipient: "carol", amount: 5 },
      ],
      atomic: true,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ atomic: true, applied: 3, refused: 0, first_transaction_id: 4, last_transaction_id: 6 });
    expect(bank.getAccount("alice").balance).toBe(64.5);
    expect(bank.getAccount("bob").balance).toBe(20);
    expect(bank.getAccount("carol").balance).toBe(15.5);
    expect(bank.transactionCount).toBe(3 + 3);

    const alice = (await request(app, "GET", "/accounts/alice/history")).body as HistoryPage;
    expect(alice.transactions.slice(0, 2)).toEqual([
      expect.objectContaining({ id: 5, type: "transfer_out", amount: 10.5, balance_after: 64.5, counterparty: "carol", description: "Transferred to: 10.50 carol" }),
      expect.objectContaining({ id: 4, type: "transfer_out", amount: 25, balance_after: 75, counterparty: "bob", description: "Transferred to: 25.00 bob" }),
    ]);
    const bob = (await request(app, "GET", "/accounts/bob/history")).body as HistoryPage;
    expect(bob.transactions.map((t) => [t.id, t.description])).toEqual([
      [6, "Transferred to: 5.00 carol"],
      [4, "Received from: 25.00 alice"],
      [2, "Account created with balance: 0.00"],
    ]);
    const received = bank.getAccount("carol").getTransactionHistory().slice(1);
    expect(received.map((t) => [t.id, t.description, t.balanceAfter])).toEqual([
      [5, "Received from: 10.50 alice", 10.5],
      [6, "Received from: 5.00 bob", 15.5],
    ]);
    expect(new Set(received.map((t) => new Date(t.timeMs).toISOString()))).toEqual(new Set([FIXED_TIMESTAMP]));
  });

  it("when atomic is omitted, the batch is atomic: a refusal applies nothing and the answer says atomic", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const applied = await batch(app, { transfers: [{ sender: "alice", recipient: "bob", amount: 1 }] });
    expect(applied.body).toMatchObject({ atomic: true, applied: 1, refused: 0 });
    expect(applied.body).not.toHaveProperty("results");

    const before = snapshot(bank);
    const refused = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 1 },
        { sender: "bob", recipient: "alice", amount: 500 },
      ],
    });
    expect(expectBatchRefused(refused, 1).code).toBe("INSUFFICIENT_FUNDS");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when a later transfer needs money an earlier one brings, sees the earlier one's balance", async () => {
    const { app, bank } = appWith({ alice: 10, bob: 0, carol: 0 });
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 10 },
        { sender: "bob", recipient: "carol", amount: 10 },
        { sender: "carol", recipient: "alice", amount: 4 },
      ],
    });
    expect(response.body).toMatchObject({ applied: 3, first_transaction_id: 4, last_transaction_id: 6 });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 4, available: 4, held: 0, incoming_held: 0 });
    expect((await request(app, "GET", "/accounts/bob")).body).toEqual({ name: "bob", balance: 0, available: 0, held: 0, incoming_held: 0 });
    expect((await request(app, "GET", "/accounts/carol")).body).toEqual({ name: "carol", balance: 6, available: 6, held: 0, incoming_held: 0 });
    expect(bank.transactionCount).toBe(3 + 3);
  });

  it("when an earlier transfer spends what a later one needs, refuses the later one and applies nothing", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 60 },
        { sender: "alice", recipient: "bob", amount: 60 },
      ],
    });
    expect(expectBatchRefused(response, 1)).toEqual({
      code: "INSUFFICIENT_FUNDS",
      detail: "Cannot withdraw 60.00; balance is only 40.00",
    });
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("alice").balance).toBe(100);
  });

  it.each<[string, Transfer, string, string]>([
    ["an unknown recipient", { sender: "alice", recipient: "ghost", amount: 1 }, "ACCOUNT_NOT_FOUND", "Account 'ghost' not found"],
    ["an unknown sender", { sender: "ghost", recipient: "bob", amount: 1 }, "ACCOUNT_NOT_FOUND", "Account 'ghost' not found"],
    ["the same account twice", { sender: "bob", recipient: "bob", amount: 1 }, "SAME_ACCOUNT", "Cannot transfer to the same account"],
    ["an amount of 0.001", { sender: "alice", recipient: "bob", amount: 0.001 }, "INVALID_AMOUNT", "Amount must have at most 2 decimal places"],
    ["an amount of \"abc\"", { sender: "alice", recipient: "bob", amount: "abc" }, "INVALID_AMOUNT",
      'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["an amount of -5", { sender: "alice", recipient: "bob", amount: -5 }, "NEGATIVE_AMOUNT", "Amount must be positive"],
    ["an amount of 0", { sender: "alice", recipient: "bob", amount: 0 }, "NEGATIVE_AMOUNT", "Amount must be positive"],
    ["a name with a control character", { sender: "alice", recipient: "b\tb", amount: 1 }, "INVALID_NAME",
      "Account name cannot contain control characters"],
  ])("when transfer 2 has %s, answers 400 naming it and its refusal, and changes nothing", async (_case, refused, code, detail) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 1 },
        { sender: "alice", recipient: "bob", amount: 2 },
        refused,
        { sender: "alice", recipient: "bob", amount: 3 },
      ],
      atomic: true,
    });
    expect(expectBatchRefused(response, 2)).toEqual({ code, detail });
    expect(snapshot(bank)).toEqual(before);
  });

  it("when earlier transfers of the batch fill a recipient to the balance limit, refuses the next credit", async () => {
    const { app, bank } = appWith({ alice: 100, full: 999_999_999_998 });
    const before = snapshot(bank);
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "full", amount: 2 },
        { sender: "alice", recipient: "full", amount: 0.01 },
      ],
    });
    expect(expectBatchRefused(response, 1)).toEqual({
      code: "BALANCE_LIMIT_EXCEEDED",
      detail: "Balance of 'full' cannot exceed 1000000000000.00",
    });
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the first refusal comes before another, names the first one", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 1 },
        { sender: "bob", recipient: "alice", amount: 1000 },
        { sender: "alice", recipient: "ghost", amount: 1 },
      ],
    });
    expect(expectBatchRefused(response, 1).code).toBe("INSUFFICIENT_FUNDS");
  });
});

describe("POST /transfers/batch, independent", () => {
  it("when atomic is false, applies or refuses each on its own and answers a result per transfer in order", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const response = await batch(app, {
      transfers: [
        { sender: "alice", recipient: "bob", amount: 60 },
        { sender: "alice", recipient: "bob", amount: 60 },
        { sender: "alice", recipient: "ghost", amount: 1 },
        { sender: "bob", recipient: "alice", amount: "0.001" },
        { sender: "bob", recipient: "alice", amount: 10 },
        { sender: "alice", recipient: "alice", amount: 1 },
      ],
      atomic: false,
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      atomic: false,
      applied: 2,
      refused: 4,
      first_transaction_id: 3,
      last_transaction_id: 4,
      results: [
        { index: 0, status: "applied", transaction_id: 3 },
        { index: 1, status: "refused", code: "INSUFFICIENT_FUNDS", detail: "Cannot withdraw 60.00; balance is only 40.00" },
        { index: 2, status: "refused", code: "ACCOUNT_NOT_FOUND", detail: "Account 'ghost' not found" },
        { index: 3, status: "refused", code: "INVALID_AMOUNT", detail: 'Amount must be a decimal with at most 2 decimal places, like "25.50"' },
        { index: 4, status: "applied", transaction_id: 4 },
        { index: 5, status: "refused", code: "SAME_ACCOUNT", detail: "Cannot transfer to the same account" },
      ],
    } satisfies BatchBody);
    expect(bank.getAccount("alice").balance).toBe(50);
    expect(bank.getAccount("bob").balance).toBe(50);
    expect(bank.transactionCount).toBe(2 + 2);
    const bob = (await request(app, "GET", "/accounts/bob/history")).body as HistoryPage;
    expect(bob.transactions.map((t) => t.description)).toEqual([
      "Transferred to: 10.00 alice",
      "Received from: 60.00 alice",
      "Account created with balance: 0.00",
    ]);
  });

  it("when every transfer of an independent batch is refused, applies nothing and has no ids", async () => {
    const { app, bank } = appWith({ alice: 1, bob: 0 });
    const before = snapshot(bank);
    const response = await batch(app, {
      transfers: [{ sender: "bob", recipient: "alice", amount: 1 }],
      atomic: false,
    });
    expect(response.body).toMatchObject({ applied: 0, refused: 1, first_transaction_id: null, last_transaction_id: null });
    expect((response.body as BatchBody).results?.[0]?.code).toBe("INSUFFICIENT_FUNDS");
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("POST /transfers/batch with holds", () => {
  it("when an atomic batch makes, posts and voids holds among transfers, applies them all and says which holds it made", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 10 });
    const response = await batch(app, {
      transfers: [
        { type: "hold", sender: "alice", recipient: "bob", amount: 30, timeout_seconds: 60, reference: "order-1" },
        { type: "hold", sender: "alice", recipient: "bob", amount: 5 },
        { type: "post", hold_id: 2, amount: 20 },
        { type: "void", hold_id: 1 },
        { type: "transfer", sender: "alice", recipient: "bob", amount: 1, reference: "tip" },
      ],
    });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      atomic: true, applied: 5, refused: 0, first_transaction_id: 4, last_transaction_id: 8, first_hold_id: 2, last_hold_id: 3,
    });
    expect((await request(app, "GET", "/accounts/alice")).body).toEqual({ name: "alice", balance: 79, available: 74, held: 5, incoming_held: 0 });
    expect((await request(app, "GET", "/holds/2")).body).toMatchObject({ status: "posted", posted_amount: 20, reference: "order-1" });
    expect((await request(app, "GET", "/holds/1")).body).toMatchObject({ status: "voided" });
    const history = (await request(app, "GET", "/accounts/bob/history?limit=5")).body as { transactions: Record<string, unknown>[] };
    expect(history.transactions.map((t) => [t.id, t.type, t.reference, t.hold_id])).toEqual([
      [8, "transfer_in", "tip", undefined],
      [7, "hold_voided", undefined, 1],
      [6, "hold_posted", "order-1", 2],
      [5, "hold_created", undefined, 3],
      [4, "hold_created", "order-1", 2],
    ]);
    expect(bank.transactionCount).toBe(8);
  });

  it("when an atomic batch posts and voids the same hold, refuses the void, naming it, and changes nothing", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 10 });
    const before = snapshot(bank);
    const response = await batch(app, { transfers: [{ type: "post", hold_id: 1 }, { type: "void", hold_id: 1 }] });
    expect(expectBatchRefused(response, 1)).toEqual({ code: "HOLD_NOT_PENDING", detail: "Hold 1 was already posted" });
    expect(snapshot(bank)).toEqual(before);
    expect((await request(app, "GET", "/holds/1")).body).toMatchObject({ status: "pending" });
  });

  it("when an independent batch posts and voids the same hold, applies the post, refuses the void, and gives each item's hold", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 10 });
    const response = await batch(app, {
      transfers: [
        { type: "post", hold_id: 1, amount: 4 },
        { type: "void", hold_id: 1 },
        { type: "hold", sender: "alice", recipient: "bob", amount: 500 },
        { type: "hold", sender: "alice", recipient: "bob", amount: 50 },
        { sender: "alice", recipient: "bob", amount: 50 },
      ],
      atomic: false,
    });
    expect(response.body).toEqual({
      atomic: false,
      applied: 2,
      refused: 3,
      first_transaction_id: 4,
      last_transaction_id: 5,
      first_hold_id: 2,
      last_hold_id: 2,
      results: [
        { index: 0, status: "applied", transaction_id: 4, hold_id: 1 },
        { index: 1, status: "refused", code: "HOLD_NOT_PENDING", detail: "Hold 1 was already posted", hold_id: 1 },
        { index: 2, status: "refused", code: "INSUFFICIENT_FUNDS", detail: "Cannot withdraw 500.00; balance is only 96.00" },
        { index: 3, status: "applied", transaction_id: 5, hold_id: 2 },
        { index: 4, status: "refused", code: "INSUFFICIENT_FUNDS", detail: "Cannot withdraw 50.00; available is only 46.00 (50.00 of the balance is held)" },
      ],
    });
    expect(bank.getAccount("alice").available).toBe(46);
  });

  it("when a batch has no hold of its own to make, its answer says nothing of hold ids", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    await request(app, "POST", "/holds", { sender: "alice", recipient: "bob", amount: 10 });
    const response = await batch(app, { transfers: [{ type: "void", hold_id: 1 }, { sender: "alice", recipient: "bob", amount: 1 }] });
    expect(response.body).toEqual({ atomic: true, applied: 2, refused: 0, first_transaction_id: 4, last_transaction_id: 5 });
  });

  it("when an item's type names no kind, or a hold's step lacks its hold, refuses the body naming the field", async () => {
    const { app } = appWith({ alice: 100, bob: 0 });
    const refused = async (item: unknown) => expectProblem(await batch(app, { transfers: [item] }), 400, "INVALID_REQUEST");
    expect(await refused({ type: "refund", hold_id: 1 })).toBe("body/transfers/0/type must be one of transfer, hold, post, void");
    expect(await refused({ type: "post" })).toBe("body/transfers/0 must have required property 'hold_id'");
    expect(await refused({ type: "void", hold_id: 1, amount: 1 })).toBe("body/transfers/0 must not have the unknown property 'amount'");
    expect(await refused({ type: "hold", sender: "alice", recipient: "bob", amount: true })).toBe("body/transfers/0/amount must be number or string");
    expect(await refused({ sender: "alice", recipient: "bob", amount: 1, hold_id: 1 })).toBe("body/transfers/0 must not have the unknown property 'hold_id'");
    expect(await refused({ sender: "alice", amount: 1 })).toBe("body/transfers/0 must have required property 'recipient'");
    expect(await refused("alice")).toBe("body/transfers/0 must be object");
  });
});

describe("POST /transfers/batch, limits", () => {
  it(`when a batch holds ${BATCH_SIZE_MAX} transfers, a body far over the single-operation limit, applies them all`, async () => {
    const { app, bank } = appWith({ alice: 100_000, bob: 0 });
    const transfers = Array.from({ length: BATCH_SIZE_MAX }, (_, i) =>
      i % 2 === 0 ? { sender: "alice", recipient: "bob", amount: 2 } : { sender: "bob", recipient: "alice", amount: 1 },
    );
    const body = JSON.stringify({ transfers, atomic: true });
    expect(body.length).toBeGreaterThan(4 * BODY_LIMIT_BYTES);
    const response = await request(app, "POST", "/transfers/batch", body);
    expect(response.status, response.text.slice(0, 300)).toBe(200);
    expect(response.body).toEqual({
      atomic: true,
      applied: BATCH_SIZE_MAX,
      refused: 0,
      first_transaction_id: 3,
      last_transaction_id: 2 + BATCH_SIZE_MAX,
    });
    expect(bank.transactionCount).toBe(2 + BATCH_SIZE_MAX);
    expect(bank.getAccount("bob").balance).toBe(BATCH_SIZE_MAX / 2);
    expect(bank.getAccount("alice").balance).toBe(100_000 - BATCH_SIZE_MAX / 2);
    expect(bank.getAccount("bob").historyLength).toBe(1 + BATCH_SIZE_MAX);
  });

  it(`when a batch holds ${BATCH_SIZE_MAX + 1} transfers, answers 400 naming the limit and changes nothing`, async () => {
    const { app, bank } = appWith({ alice: 100_000, bob: 0 });
    const before = snapshot(bank);
    const transfers = Array.from({ length: BATCH_SIZE_MAX + 1 }, () => ({ sender: "alice", recipient: "bob", amount: 1 }));
    const detail = expectProblem(await batch(app, { transfers }), 400, "INVALID_REQUEST");
    expect(detail).toBe(`body/transfers must NOT have more than ${BATCH_SIZE_MAX} items`);
    expect(snapshot(bank)).toEqual(before);
  });

  it.each<[string, unknown, string]>([
    ["transfers is empty", { transfers: [] }, "body/transfers must NOT have fewer than 1 items"],
    ["transfers is missing", { atomic: true }, "body must have required property 'transfers'"],
    ["the body has an unknown field", { transfers: [{ sender: "alice", recipient: "bob", amount: 1 }], memo: "x" },
      "body must not have the unknown property 'memo'"],
    ["a transfer has an unknown field", { transfers: [{ sender: "alice", recipient: "bob", amount: 1, memo: "x" }] },
      "body/transfers/0 must not have the unknown property 'memo'"],
    ["a transfer lacks its amount", { transfers: [{ sender: "alice", recipient: "bob" }] },
      "body/transfers/0 must have required property 'amount'"],
    ["atomic is \"yes\"", { transfers: [{ sender: "alice", recipient: "bob", amount: 1 }], atomic: "yes" },
      "body/atomic must be boolean"],
    ["an amount is true", { transfers: [{ sender: "alice", recipient: "bob", amount: true }] },
      "body/transfers/0/amount must be number or string"],
    ["transfers is not an array", { transfers: { sender: "alice", recipient: "bob", amount: 1 } },
      "body/transfers must be array"],
  ])("when %s, answers 400 and changes nothing", async (_case, body, detail) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    expect(expectProblem(await batch(app, body), 400, "INVALID_REQUEST")).toBe(detail);
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the body is over the batch body limit, answers 413 and changes nothing", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const head = '{"transfers":[{"sender":"alice","recipient":"bob","amount":1}],"pad":"';
    const body = `${head}${"x".repeat(BATCH_BODY_LIMIT_BYTES - head.length)}"}`;
    expect(body.length).toBeGreaterThan(BATCH_BODY_LIMIT_BYTES);
    const detail = expectProblem(await request(app, "POST", "/transfers/batch", body), 413, "BODY_TOO_LARGE");
    expect(detail).toBe("Request body is too large");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when the body is not JSON, answers 415; when it is malformed JSON, 400; neither changes anything", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const before = snapshot(bank);
    const plain = await request(app, "POST", "/transfers/batch", "transfers=1", { "content-type": "text/plain" });
    expectProblem(plain, 415, "UNSUPPORTED_MEDIA_TYPE");
    const malformed = await request(app, "POST", "/transfers/batch", '{"transfers": [{"sender": "alice",');
    expectProblem(malformed, 400, "MALFORMED_JSON");
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("POST /transfers/batch in the OpenAPI document", () => {
  interface Operation {
    parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[];
    requestBody?: { content: Record<string, { schema: { properties: Record<string, Record<string, unknown>>; required: string[]; additionalProperties: boolean } }> };
    responses: Record<string, { content?: Record<string, unknown> }>;
  }

  async function paths(): Promise<Record<string, Record<string, Operation>>> {
    const { app } = appWith();
    const response = await request(app, "GET", "/openapi.json");
    expect(response.status).toBe(200);
    return (response.body as { paths: Record<string, Record<string, Operation>> }).paths;
  }

  it(`documents the body: 1 to ${BATCH_SIZE_MAX} strict items, transfers first, and atomic defaulting to true`, async () => {
    const operation = (await paths())["/transfers/batch"]?.post;
    const schema = operation?.requestBody?.content["application/json"]?.schema;
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.properties.transfers).toMatchObject({ type: "array", minItems: 1, maxItems: BATCH_SIZE_MAX });
    const items = schema?.properties.transfers?.items as { anyOf: Record<string, unknown>[] };
    expect(items.anyOf.map((item) => item.title)).toEqual(["Transfer", "Hold", "Post", "Void"]);
    expect(items.anyOf[0]).toMatchObject({
      additionalProperties: false,
      required: ["sender", "recipient", "amount"],
    });
    for (const item of items.anyOf.slice(1)) expect(item).toMatchObject({ additionalProperties: false, required: expect.arrayContaining(["type"]) });
    expect(schema?.properties.atomic).toMatchObject({ type: "boolean", default: true });
    expect(Object.keys(operation?.responses ?? {}).sort()).toEqual(["200", "400", "405", "408", "409", "413", "415", "422", "431", "500"]);
  });

  it("documents atomic as optional, as the route treats it: only transfers is required", async () => {
    const schema = (await paths())["/transfers/batch"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(schema?.required).toEqual(["transfers"]);
  });

  it("documents the Idempotency-Key header, 409 and 422 on every POST route and on no GET route", async () => {
    const documented = await paths();
    const posts = Object.entries(documented).filter(([, methods]) => methods.post !== undefined);
    expect(posts.map(([path]) => path).sort()).toEqual([
      "/accounts",
      "/accounts/{name}/deposits",
      "/accounts/{name}/withdrawals",
      "/holds",
      "/holds/{id}/post",
      "/holds/{id}/void",
      "/transfers",
      "/transfers/batch",
    ]);
    for (const [path, methods] of posts) {
      const header = methods.post?.parameters?.find((parameter) => parameter.in === "header");
      expect(header, path).toMatchObject({
        name: "idempotency-key",
        required: false,
        schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
      });
      expect(methods.post?.responses, path).toHaveProperty("409");
      expect(methods.post?.responses, path).toHaveProperty("422");
      expect(Object.keys(methods.post?.responses["422"]?.content ?? {}), path).toEqual(["application/problem+json"]);
    }
    const gets = Object.entries(documented).filter(([, methods]) => methods.get !== undefined);
    expect(gets.length).toBeGreaterThanOrEqual(4);
    for (const [path, methods] of gets) {
      expect(methods.get?.parameters?.some((parameter) => parameter.name === "idempotency-key") ?? false, path).toBe(false);
      expect(methods.get?.responses, path).not.toHaveProperty("422");
    }
  });
});
