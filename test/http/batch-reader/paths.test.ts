// POST /transfers/batch by its two readers: the usual body, which the fast reader takes straight to
// account indexes and minor units, and the same batch written another way (an escape, a third
// decimal zero, an exponent), which goes through JSON.parse and the schema. Both must answer the same
// bytes and leave the same bank; invalid bodies keep their usual problems; and an idempotency key
// does not care which reader read the first request or its retry.

import { afterEach, describe, expect, it, vi } from "vitest";
import { BATCH_SIZE_MAX, type Bank } from "../../../src/index.js";
import type { BankApp } from "../../../src/http/app.js";
import { runBatch, runResolvedBatch } from "../../../src/core/batch.js";
import type * as batchModule from "../../../src/core/batch.js";
import { ledgerOf } from "../../../src/core/internal.js";
import { ScannedBatch } from "../../../src/http/batch-reader/scan.js";
import { appWith, expectProblem, expectReplay, REPLAYED, request, snapshot, type JsonResponse } from "../helpers.js";

// The core's two batch doors, watched: the route runs a fast-read batch resolved, any other by names.
vi.mock("../../../src/core/batch.js", async (importOriginal) => {
  const actual = await importOriginal<typeof batchModule>();
  return { ...actual, runBatch: vi.fn(actual.runBatch), runResolvedBatch: vi.fn(actual.runResolvedBatch) };
});


/** One transfer, its amount as the JSON number text it is sent as (e.g. "10.5"). */
type Row = [sender: string, recipient: string, amount: string];

/** How a batch is written: each name and amount as JSON text. */
interface Writing {
  name: (name: string) => string;
  amount: (amount: string) => string;
}

/** The usual body: plain names and amounts, which the fast reader takes. */
const USUAL: Writing = { name: (name) => JSON.stringify(name), amount: (amount) => amount };

/** `"\u0061lice"` for "alice": the same string to JSON.parse, an escape to the fast reader. */
function escapedFirstLetter(name: string): string {
  return `"\\u${name.charCodeAt(0).toString(16).padStart(4, "0")}${name.slice(1)}"`;
}

/** "10.500" for "10.5" and "25.000" for "25": the same number to JSON.parse, a third decimal to the fast reader. */
function threeDecimals(amount: string): string {
  const [whole, fraction = ""] = amount.split(".");
  return `${whole ?? ""}.${fraction.padEnd(3, "0")}`;
}

/** Writings that mean the same batch but that the fast reader declines. */
const DECLINED: [string, Writing][] = [
  ["names with an escaped first letter", { name: escapedFirstLetter, amount: USUAL.amount }],
  ["amounts with a third decimal zero", { name: USUAL.name, amount: threeDecimals }],
  ["amounts with an exponent", { name: USUAL.name, amount: (amount) => `${amount}e0` }],
];

function bodyText(rows: readonly Row[], atomic: boolean | undefined, writing: Writing): string {
  const transfers = rows.map(
    ([sender, recipient, amount]) =>
      `{"sender":${writing.name(sender)},"recipient":${writing.name(recipient)},"amount":${writing.amount(amount)}}`,
  );
  return `{"transfers":[${transfers.join(",")}]${atomic === undefined ? "" : `,"atomic":${String(atomic)}`}}`;
}

/** How often the route ran a batch of this bank through each of the core's two batch doors. */
function watchBatches(bank: Bank): { readonly resolved: number; readonly named: number } {
  const ledger = ledgerOf(bank);
  const callsOf = (door: typeof runBatch | typeof runResolvedBatch) =>
    vi.mocked(door).mock.calls.filter(([called]) => called === ledger).length;
  return {
    get resolved() {
      return callsOf(runResolvedBatch);
    },
    get named() {
      return callsOf(runBatch);
    },
  };
}

function postBatch(app: BankApp, body: string, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return request(app, "POST", "/transfers/batch", body, headers);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the app's switch for the fast reader", () => {
  it.each<[string, boolean | undefined]>([
    ["an atomic batch", true],
    ["an independent batch with a refusal", false],
  ])("when it is off, %s takes the ordinary path and answers the same bytes, leaving the same bank", async (_kind, atomic) => {
    const rows: Row[] = [["alice", "bob", "12.5"], ["bob", "carol", "2"], ...(atomic ? [] : [["carol", "alice", "99"] as Row])];
    const body = bodyText(rows, atomic, USUAL);
    const on = appWith({ alice: 100, bob: 0, carol: 0 });
    const off = appWith({ alice: 100, bob: 0, carol: 0 }, { fastBatchReader: false });
    const [onCalls, offCalls] = [watchBatches(on.bank), watchBatches(off.bank)];
    const onResponse = await postBatch(on.app, body);
    const offResponse = await postBatch(off.app, body);
    expect([onCalls.resolved, onCalls.named]).toEqual([1, 0]);
    expect([offCalls.resolved, offCalls.named]).toEqual([0, 1]);
    expect(offResponse.status).toBe(200);
    expect(offResponse.text).toBe(onResponse.text);
    expect(snapshot(off.bank)).toEqual(snapshot(on.bank));
  });
});

describe("the declined writings themselves", () => {
  it("when written the declined ways, the body still parses to the usual one", () => {
    const rows: Row[] = [["alice", "bob", "25"], ["bob", "carol", "10.5"], ["carol", "alice", "0.01"]];
    const usual = JSON.parse(bodyText(rows, false, USUAL)) as unknown;
    for (const [, writing] of DECLINED) {
      const text = bodyText(rows, false, writing);
      expect(text).not.toBe(bodyText(rows, false, USUAL));
      expect(JSON.parse(text)).toEqual(usual);
    }
  });
});

describe.each(DECLINED)("a batch read the usual way and with %s", (_writing, declined) => {
  /**
   * Sends the batch the usual way to one app and the declined way to an identical one, checks each
   * took the reader expected, that both answered the same bytes and both banks are the same, and
   * returns the answer, the fast-read bank and its state before the batch.
   */
  async function sendBothWays(
    balances: Record<string, number>, rows: Row[], atomic: boolean | undefined,
  ): Promise<{ response: JsonResponse; bank: Bank; before: unknown }> {
    const fast = appWith(balances);
    const ordinary = appWith(balances);
    const before = snapshot(fast.bank);
    const fastCalls = watchBatches(fast.bank);
    const ordinaryCalls = watchBatches(ordinary.bank);
    const fastResponse = await postBatch(fast.app, bodyText(rows, atomic, USUAL));
    const ordinaryResponse = await postBatch(ordinary.app, bodyText(rows, atomic, declined));
    expect([fastCalls.resolved, fastCalls.named]).toEqual([1, 0]);
    expect([ordinaryCalls.resolved, ordinaryCalls.named]).toEqual([0, 1]);
    expect(ordinaryResponse.status, ordinaryResponse.text).toBe(fastResponse.status);
    expect(ordinaryResponse.headers["content-type"]).toBe(fastResponse.headers["content-type"]);
    expect(ordinaryResponse.text).toBe(fastResponse.text);
    expect(snapshot(ordinary.bank)).toEqual(snapshot(fast.bank));
    return { response: fastResponse, bank: fast.bank, before };
  }

  it("when an atomic batch passes, both apply it with the same ids, balances and histories", async () => {
    const { response, bank } = await sendBothWays(
      { alice: 100, bob: 0, carol: 0 },
      [["alice", "bob", "25"], ["alice", "carol", "10.5"], ["bob", "carol", "5"], ["carol", "alice", "0.01"]],
      true,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ atomic: true, applied: 4, refused: 0, first_transaction_id: 4, last_transaction_id: 7 });
    expect(bank.listAccounts().map((account) => [account.name, account.balance])).toEqual([
      ["alice", 64.51], ["bob", 20], ["carol", 15.49],
    ]);
    expect(bank.getAccount("carol").getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 0.00",
      "Received from: 10.50 alice",
      "Received from: 5.00 bob",
      "Transferred to: 0.01 alice",
    ]);
  });

  it("when atomic is left out and the batch passes, both answer it as atomic", async () => {
    const { response, bank } = await sendBothWays({ alice: 100, bob: 0 }, [["alice", "bob", "99.99"]], undefined);
    expect(bank.getAccount("alice").balance).toBe(0.01);
    expect(response.body).toEqual({ atomic: true, applied: 1, refused: 0, first_transaction_id: 3, last_transaction_id: 3 });
  });

  it("when an atomic batch is short of funds at transfer 2, both refuse it naming transfer 2 and apply nothing", async () => {
    const { response, bank, before } = await sendBothWays(
      { alice: 100, bob: 0, carol: 0 },
      [["alice", "bob", "60"], ["bob", "carol", "10"], ["bob", "carol", "70"], ["alice", "carol", "1"]],
      true,
    );
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(response.body).toMatchObject({
      index: 2,
      refusal: { code: "INSUFFICIENT_FUNDS", detail: "Cannot withdraw 70.00; balance is only 50.00" },
      detail: "Transfer 2 of the batch was refused, so none was applied: Cannot withdraw 70.00; balance is only 50.00",
    });
    expect(snapshot(bank)).toEqual(before);
  });

  it("when an atomic batch fills a recipient past the limit, both refuse it naming the recipient", async () => {
    const { response, bank, before } = await sendBothWays(
      { alice: 100, full: 999_999_999_998 }, [["alice", "full", "2"], ["alice", "full", "0.01"]], true,
    );
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(snapshot(bank)).toEqual(before);
    expect(response.body).toMatchObject({
      index: 1,
      refusal: { code: "BALANCE_LIMIT_EXCEEDED", detail: "Balance of 'full' cannot exceed 1000000000000.00" },
    });
  });

  it("when an atomic batch names one account twice, both refuse it as SAME_ACCOUNT", async () => {
    const { response, bank, before } = await sendBothWays({ alice: 100, bob: 0 }, [["alice", "bob", "1"], ["bob", "bob", "1"]], true);
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(snapshot(bank)).toEqual(before);
    expect(response.body).toMatchObject({ index: 1, refusal: { code: "SAME_ACCOUNT", detail: "Cannot transfer to the same account" } });
  });

  it("when an independent batch has refusals among its transfers, both answer the same result per transfer", async () => {
    const { response, bank } = await sendBothWays(
      { alice: 100, bob: 0, full: 1_000_000_000_000 },
      [
        ["alice", "bob", "60"],
        ["alice", "bob", "60"],
        ["bob", "alice", "10"],
        ["alice", "alice", "1"],
        ["alice", "full", "0.01"],
        ["bob", "alice", "50"],
      ],
      false,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({
      atomic: false,
      applied: 3,
      refused: 3,
      first_transaction_id: 4,
      last_transaction_id: 6,
      results: [
        { index: 0, status: "applied", transaction_id: 4 },
        { index: 1, status: "refused", code: "INSUFFICIENT_FUNDS", detail: "Cannot withdraw 60.00; balance is only 40.00" },
        { index: 2, status: "applied", transaction_id: 5 },
        { index: 3, status: "refused", code: "SAME_ACCOUNT", detail: "Cannot transfer to the same account" },
        { index: 4, status: "refused", code: "BALANCE_LIMIT_EXCEEDED", detail: "Balance of 'full' cannot exceed 1000000000000.00" },
        { index: 5, status: "applied", transaction_id: 6 },
      ],
    });
    expect(bank.listAccounts().map((account) => [account.name, account.balance])).toEqual([
      ["alice", 100], ["bob", 0], ["full", 1_000_000_000_000],
    ]);
    expect(bank.getAccount("bob").getTransactionHistory().map((t) => t.id)).toEqual([2, 4, 5, 6]);
    expect(bank.transactionCount).toBe(6);
  });
});

describe("the two readers on a bank with pending holds", () => {
  it.each<[string, boolean]>([
    ["an atomic batch", true],
    ["an independent batch", false],
  ])("when %s spends what holds reserve, both readers refuse the same transfer with the same words", async (_kind, atomic) => {
    const rows: Row[] = [["alice", "carol", "20"], ["alice", "carol", "20"], ["bob", "carol", "1"]];
    const answers: JsonResponse[] = [];
    const banks: Bank[] = [];
    for (const [writing, options] of [[USUAL, {}], [DECLINED[0]?.[1] as Writing, {}], [USUAL, { fastBatchReader: false }]] as const) {
      const { app, bank } = appWith({ alice: 100, bob: 0, carol: 0 }, options);
      bank.hold("alice", "bob", 70);
      answers.push(await postBatch(app, bodyText(rows, atomic, writing)));
      banks.push(bank);
    }
    const [fast, ...others] = answers as [JsonResponse, ...JsonResponse[]];
    for (const other of others) expect(other.text).toBe(fast.text);
    for (const bank of banks.slice(1)) expect(snapshot(bank)).toEqual(snapshot(banks[0] as Bank));
    expect(fast.text).toContain("Cannot withdraw 20.00; available is only 10.00 (70.00 of the balance is held)");
    expect((banks[0] as Bank).getAccount("alice").availableMinor).toBe(atomic ? 3000 : 1000);
  });

  it("when a transfer carries a reference, the body is read the ordinary way, and answers as the same batch without one", async () => {
    const plain = appWith({ alice: 100, bob: 0 });
    const referenced = appWith({ alice: 100, bob: 0 });
    const [plainCalls, referencedCalls] = [watchBatches(plain.bank), watchBatches(referenced.bank)];
    const plainAnswer = await postBatch(plain.app, '{"transfers":[{"sender":"alice","recipient":"bob","amount":5}]}');
    const referencedAnswer = await postBatch(referenced.app, '{"transfers":[{"sender":"alice","recipient":"bob","amount":5,"reference":"inv-9"}]}');
    expect([plainCalls.resolved, plainCalls.named]).toEqual([1, 0]);
    expect([referencedCalls.resolved, referencedCalls.named]).toEqual([0, 1]);
    expect(referencedAnswer.text).toBe(plainAnswer.text);
    expect(referenced.bank.getAccount("bob").getTransactionHistory().at(-1)?.reference).toBe("inv-9");
    expect(plain.bank.getAccount("bob").getTransactionHistory().at(-1)?.reference).toBeNull();
  });
});

describe("a body the fast reader declines for being invalid", () => {
  const ONE = '{"sender":"alice","recipient":"bob","amount":1}';
  const NOT_JSON = "Body is not valid JSON but content-type is set to 'application/json'";
  const many = (count: number) => `{"transfers":[${new Array<string>(count).fill(ONE).join(",")}]}`;

  it.each<[string, string, string, string]>([
    ["the body has an unknown key", `{"transfers":[${ONE}],"memo":"x"}`, "INVALID_REQUEST", "body must not have the unknown property 'memo'"],
    ["a transfer has an unknown key", '{"transfers":[{"sender":"alice","recipient":"bob","amount":1,"memo":"x"}]}',
      "INVALID_REQUEST", "body/transfers/0 must not have the unknown property 'memo'"],
    [`it holds ${BATCH_SIZE_MAX + 1} transfers`, many(BATCH_SIZE_MAX + 1), "INVALID_REQUEST", `body/transfers must NOT have more than ${BATCH_SIZE_MAX} items`],
    ["its list of transfers is empty", '{"transfers":[]}', "INVALID_REQUEST", "body/transfers must NOT have fewer than 1 items"],
    ["it has no transfers", '{"atomic":true}', "INVALID_REQUEST", "body must have required property 'transfers'"],
    ["atomic is a string", `{"transfers":[${ONE}],"atomic":"true"}`, "INVALID_REQUEST", "body/atomic must be boolean"],
    ["it is cut off after a transfer", `{"transfers":[${ONE},`, "MALFORMED_JSON", NOT_JSON],
    ["it has a comma after its last transfer", `{"transfers":[${ONE},]}`, "MALFORMED_JSON", NOT_JSON],
  ])("when %s, answers the usual 400 and changes nothing", async (_case, body, code, detail) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const calls = watchBatches(bank);
    const before = snapshot(bank);
    expect(expectProblem(await postBatch(app, body), 400, code)).toBe(detail);
    expect(snapshot(bank)).toEqual(before);
    expect(calls.resolved).toBe(0);
    expect(calls.named).toBe(0);
  });

  it.each<[string, string, string, string]>([
    ["a string amount with 3 decimals", '"1.505"', "INVALID_AMOUNT", 'Amount must be a decimal with at most 2 decimal places, like "25.50"'],
    ["a number amount with 3 decimals", "1.505", "INVALID_AMOUNT", "Amount must have at most 2 decimal places"],
    ["an amount of zero", "0", "NEGATIVE_AMOUNT", "Amount must be positive"],
    ["an amount of 0.00", "0.00", "NEGATIVE_AMOUNT", "Amount must be positive"],
    ["a negative amount", "-1", "NEGATIVE_AMOUNT", "Amount must be positive"],
    ["an amount one cent over the limit", "1000000000000.01", "INVALID_AMOUNT", "Amount must not exceed 1000000000000.00"],
  ])("when transfer 1 has %s, refuses the atomic batch naming it and changes nothing", async (_case, amount, code, detail) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const calls = watchBatches(bank);
    const before = snapshot(bank);
    const body = `{"transfers":[${ONE},{"sender":"alice","recipient":"bob","amount":${amount}}]}`;
    const response = await postBatch(app, body);
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(response.body).toMatchObject({ index: 1, refusal: { code, detail } });
    expect(snapshot(bank)).toEqual(before);
    expect(calls.resolved).toBe(0);
  });

  it("when a body with a non-ASCII name is declined, it is read as UTF-8 and refused naming the account", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const calls = watchBatches(bank);
    const before = snapshot(bank);
    const response = await postBatch(app, '{"transfers":[{"sender":"alice","recipient":"zoë","amount":1}]}');
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(response.body).toMatchObject({ index: 0, refusal: { code: "ACCOUNT_NOT_FOUND", detail: "Account 'zoë' not found" } });
    expect(snapshot(bank)).toEqual(before);
    expect(calls.resolved).toBe(0);
  });

  it("when a transfer names an account that does not exist, refuses the batch as ACCOUNT_NOT_FOUND", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const calls = watchBatches(bank);
    const before = snapshot(bank);
    const response = await postBatch(app, '{"transfers":[{"sender":"alice","recipient":"dave","amount":1}]}');
    expectProblem(response, 400, "BATCH_REFUSED");
    expect(response.body).toMatchObject({ index: 0, refusal: { code: "ACCOUNT_NOT_FOUND", detail: "Account 'dave' not found" } });
    expect(snapshot(bank)).toEqual(before);
    expect(calls.resolved).toBe(0);
  });
});

describe("idempotency keys across the two readers", () => {
  it.each<[string, boolean | undefined, number]>([
    ["atomic", undefined, 400],
    ["independent", false, 200],
  ])("when an %s batch refused for an unknown account is retried after the account opened, the retry is a replay and applies nothing", async (_kind, atomic, status) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const body = bodyText([["alice", "bob", "5"], ["alice", "dave", "1.5"]], atomic, USUAL);
    const calls = watchBatches(bank);
    const first = await postBatch(app, body, { "idempotency-key": "across-1" });
    expect(first.status, first.text).toBe(status);
    expect(first.text).toContain("Account 'dave' not found");
    // The first was read the ordinary way: the fast reader knew no 'dave'.
    expect(calls.named).toBe(1);

    expect((await request(app, "POST", "/accounts", { name: "dave", initial_balance: 0 })).status).toBe(201);
    const before = snapshot(bank);
    const fastReads = vi.spyOn(ScannedBatch.prototype, "toJSON");
    const retry = await postBatch(app, body, { "idempotency-key": "across-1" });
    // The retry was read by the fast reader, and fingerprinted as JSON.parse would have read it.
    expect(fastReads).toHaveBeenCalled();
    expectReplay(retry, first);
    expect(snapshot(bank)).toEqual(before);
    expect(calls.resolved).toBe(0);
    expect(calls.named).toBe(1);
    expect(bank.getAccount("dave").historyLength).toBe(1);
    expect(bank.getAccount("bob").balance).toBe(atomic === false ? 5 : 0);
  });

  it.each(DECLINED)("when a fast-read batch is retried with %s, the retry is a replay and applies nothing", async (_writing, declined) => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const rows: Row[] = [["alice", "bob", "12.5"], ["bob", "alice", "2"]];
    const first = await postBatch(app, bodyText(rows, true, USUAL), { "idempotency-key": "across-2" });
    expect(first.body).toMatchObject({ applied: 2, first_transaction_id: 3, last_transaction_id: 4 });
    const before = snapshot(bank);
    expectReplay(await postBatch(app, bodyText(rows, true, declined), { "idempotency-key": "across-2" }), first);
    expect(snapshot(bank)).toEqual(before);
  });

  it.each(DECLINED)("when a batch leaves atomic out and its retry, written with %s, sends the default, the retry is a replay", async (_writing, declined) => {
    for (const [first, retry] of [[USUAL, declined], [declined, USUAL]] as const) {
      const { app, bank } = appWith({ alice: 100, bob: 0 });
      const rows: Row[] = [["alice", "bob", "12.5"]];
      const answer = await postBatch(app, bodyText(rows, undefined, first), { "idempotency-key": "default-1" });
      expect(answer.body).toMatchObject({ atomic: true, applied: 1 });
      const before = snapshot(bank);
      expectReplay(await postBatch(app, bodyText(rows, true, retry), { "idempotency-key": "default-1" }), answer);
      expect(snapshot(bank)).toEqual(before);
      const reused = await postBatch(app, bodyText(rows, false, retry), { "idempotency-key": "default-1" });
      expectProblem(reused, 422, "IDEMPOTENCY_KEY_REUSED");
      expect(snapshot(bank)).toEqual(before);
    }
  });

  it("when a fast-read batch is retried with its keys reordered and other whitespace, the retry is a replay", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const calls = watchBatches(bank);
    const first = await postBatch(
      app,
      '{"transfers":[{"sender":"alice","recipient":"bob","amount":10},{"sender":"bob","recipient":"alice","amount":2.5}],"atomic":false}',
      { "idempotency-key": "reorder-1" },
    );
    expect(first.body).toMatchObject({ applied: 2, refused: 0 });
    expect(calls.resolved).toBe(1);
    const before = snapshot(bank);
    const reordered =
      '{ "atomic" : false,\n  "transfers" : [\n    { "amount": 10, "recipient": "bob", "sender": "alice" },\n' +
      '\t{"recipient":"alice","amount":2.50,"sender":"bob"}\r\n  ]\n}\n';
    expectReplay(await postBatch(app, reordered, { "idempotency-key": "reorder-1" }), first);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("bob").balance).toBe(7.5);
    expect(calls.resolved).toBe(1);
    expect(calls.named).toBe(0);
  });

  it("when a retry of a fast-read batch moves other money, the key is refused as reused and nothing is applied", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    await postBatch(app, bodyText([["alice", "bob", "10"]], undefined, USUAL), { "idempotency-key": "other-1" });
    const before = snapshot(bank);
    for (const body of [
      bodyText([["alice", "bob", "10.01"]], undefined, USUAL),
      bodyText([["bob", "alice", "10"]], undefined, USUAL),
      bodyText([["alice", "bob", "10"], ["alice", "bob", "10"]], undefined, USUAL),
      bodyText([["alice", "bob", "10"]], false, USUAL),
    ]) {
      expectProblem(await postBatch(app, body, { "idempotency-key": "other-1" }), 422, "IDEMPOTENCY_KEY_REUSED");
    }
    expect(snapshot(bank)).toEqual(before);
  });

  it("when a retry adds a __proto__ key the first body did not have, it is another body: refused as reused, not replayed", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const body = bodyText([["alice", "bob", "10"]], undefined, USUAL);
    const first = await postBatch(app, body, { "idempotency-key": "proto-1" });
    expect(first.status).toBe(200);
    const before = snapshot(bank);
    const other = `${body.slice(0, -1)},"__proto__":{"atomic":false}}`;
    const retry = await postBatch(app, other, { "idempotency-key": "proto-1" });
    expect(retry.headers[REPLAYED], retry.text).toBeUndefined();
    expectProblem(retry, 422, "IDEMPOTENCY_KEY_REUSED");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when a transfer is retried with its keys reordered and other whitespace, the retry is a replay", async () => {
    const { app, bank } = appWith({ alice: 100, bob: 0 });
    const first = await request(app, "POST", "/transfers", '{"sender":"alice","recipient":"bob","amount":7.25}', { "idempotency-key": "t-1" });
    expect(first.status, first.text).toBe(200);
    const before = snapshot(bank);
    const retry = await request(app, "POST", "/transfers", '{\n "amount" : 7.25,\n "recipient" : "bob",\n "sender" : "alice"\n}', {
      "idempotency-key": "t-1",
    });
    expectReplay(retry, first);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("bob").balance).toBe(7.25);
    expect(bank.getAccount("alice").historyLength).toBe(2);
  });
});
