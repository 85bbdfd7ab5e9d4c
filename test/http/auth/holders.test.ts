// Account-holder tokens over HTTP: given once when an account opens, good for that account only,
// rotated by an admin; a holder's refusals never say whether another account exists; idempotency
// keys are the credential's own, and no token is ever kept for a replay.

import { describe, expect, it } from "vitest";
import { HolderTokens, type HolderTokenChange } from "../../../src/http/auth/index.js";
import { digestOf } from "../../../src/http/auth/secrets.js";
import { expectProblem, expectReplay, request, snapshot } from "../helpers.js";
import { ADMIN_SECRET, bearer, MOVER_SECRET, securedApp } from "./support.js";

const admin = bearer(ADMIN_SECRET);
const TOKEN = /^bst_[A-Za-z0-9_-]{43}$/;

describe("POST /accounts with access control on", () => {
  it("answers the new account's token once; the token reads the account, and only the digest is kept", async () => {
    const { app, tokens } = securedApp();
    const created = await request(app, "POST", "/accounts", { name: "carol", initial_balance: 10 }, admin);
    expect(created.status).toBe(201);
    const { token } = created.body as { token: string };
    expect(token).toMatch(TOKEN);
    expect(tokens.entries()).toContainEqual(["carol", digestOf(token)]);
    expect(JSON.stringify(tokens.entries())).not.toContain(token);
    const read = await request(app, "GET", "/accounts/carol", undefined, bearer(token));
    expect(read.body).toEqual({ name: "carol", balance: 10, available: 10, held: 0, incoming_held: 0 });
    const listed = await request(app, "GET", "/accounts", undefined, admin);
    expect(listed.text).not.toContain("bst_");
  });

  it("issues the token in the same synchronous step as the opening, and tells the listener its digest", async () => {
    const changes: [HolderTokenChange, number][] = [];
    const tokens = new HolderTokens();
    const { app, bank } = securedApp({ access: { tokens } });
    tokens.onChange = (change) => changes.push([change, bank.transactionCount]);
    const countBefore = bank.transactionCount;
    const created = await request(app, "POST", "/accounts", { name: "dora", initial_balance: 1 }, admin);
    const { token } = created.body as { token: string };
    // The listener ran with the opening already applied, within the same handler call.
    expect(changes).toEqual([[{ kind: "issued", account: "dora", hash: digestOf(token) }, countBefore + 1]]);
  });

  it("when an account cannot be opened, issues no token", async () => {
    const { app, tokens } = securedApp();
    const before = tokens.entries();
    expectProblem(await request(app, "POST", "/accounts", { name: "alice", initial_balance: 1 }, admin), 409, "ACCOUNT_EXISTS");
    expect(tokens.entries()).toEqual(before);
  });

  it("when a creation is replayed for its idempotency key, the replay has no token", async () => {
    const { app } = securedApp();
    const key = { ...admin, "idempotency-key": "open-carol" };
    const first = await request(app, "POST", "/accounts", { name: "carol", initial_balance: 1 }, key);
    const retry = await request(app, "POST", "/accounts", { name: "carol", initial_balance: 1 }, key);
    expect(first.body).toMatchObject({ token: expect.stringMatching(TOKEN) });
    expect(retry.status).toBe(201);
    expect(retry.headers["idempotency-replayed"]).toBe("true");
    expect(retry.headers.location).toBe("/accounts/carol");
    expect(retry.body).toEqual({ name: "carol", balance: 1, message: "Account 'carol' created." });
  });

  it("with access control off, answers no token, as before", async () => {
    const { appWith } = await import("../helpers.js");
    const { app } = appWith();
    const created = await request(app, "POST", "/accounts", { name: "carol", initial_balance: 1 });
    expect(created.body).toEqual({ name: "carol", balance: 1, message: "Account 'carol' created." });
    expect((await request(app, "POST", "/accounts/carol/token")).status).toBe(404);
  });
});

describe("what a holder token may do", () => {
  it("reads its account and history, withdraws, and transfers and batches from it", async () => {
    const { app, bank, alice } = securedApp();
    const as = bearer(alice);
    expect((await request(app, "GET", "/accounts/alice", undefined, as)).body).toEqual({ name: "alice", balance: 100, available: 100, held: 0, incoming_held: 0 });
    expect((await request(app, "GET", "/accounts/alice/history", undefined, as)).status).toBe(200);
    expect((await request(app, "POST", "/accounts/alice/withdrawals", { amount: 10 }, as)).status).toBe(200);
    expect((await request(app, "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 20 }, as)).status).toBe(200);
    const batch = { transfers: [{ sender: "alice", recipient: "bob", amount: 5 }, { sender: "alice", recipient: "bob", amount: 5 }] };
    expect((await request(app, "POST", "/transfers/batch", batch, as)).body).toMatchObject({ applied: 2 });
    expect(bank.getAccount("alice").balance).toBe(60);
    expect(bank.getAccount("bob").balance).toBe(80);
  });

  it("learns whether a recipient exists from a payment's refusal, as any payer does", async () => {
    const { app, alice } = securedApp();
    const response = await request(app, "POST", "/transfers", { sender: "alice", recipient: "ghost", amount: 1 }, bearer(alice));
    expectProblem(response, 404, "ACCOUNT_NOT_FOUND");
  });

  it("when rotated by an admin, the old token is refused at once and the new one works", async () => {
    const changes: HolderTokenChange[] = [];
    const { app, tokens, alice } = securedApp();
    tokens.onChange = (change) => changes.push(change);
    const rotated = await request(app, "POST", "/accounts/alice/token", undefined, admin);
    expect(rotated.status).toBe(200);
    const { token } = rotated.body as { token: string };
    expect(rotated.body).toEqual({ name: "alice", token, message: "Token of 'alice' rotated; the previous one no longer works." });
    expect(changes).toEqual([{ kind: "rotated", account: "alice", hash: digestOf(token) }]);
    expectProblem(await request(app, "GET", "/accounts/alice", undefined, bearer(alice)), 401, "UNAUTHORIZED");
    expect((await request(app, "GET", "/accounts/alice", undefined, bearer(token))).status).toBe(200);
  });

  it("when an account had no token (opened before access control was on), a rotation gives it one", async () => {
    const { app, bank } = securedApp();
    bank.createAccount("legacy", 5);
    const rotated = await request(app, "POST", "/accounts/legacy/token", undefined, admin);
    const { token } = rotated.body as { token: string };
    expect((await request(app, "GET", "/accounts/legacy", undefined, bearer(token))).body).toEqual({ name: "legacy", balance: 5, available: 5, held: 0, incoming_held: 0 });
  });

  it("when an admin rotates the token of an unknown account, it is a 404 (an admin may know)", async () => {
    const { app } = securedApp();
    expectProblem(await request(app, "POST", "/accounts/ghost/token", undefined, admin), 404, "ACCOUNT_NOT_FOUND");
  });

  it("when a rotation is sent with a body, refuses it (the route takes none) and rotates nothing", async () => {
    const { app, alice } = securedApp();
    const response = await request(app, "POST", "/accounts/alice/token", { name: "bob" }, admin);
    expect(expectProblem(response, 400, "INVALID_REQUEST")).toBe("This route takes no body");
    expect((await request(app, "GET", "/accounts/alice", undefined, bearer(alice))).status).toBe(200);
  });
});

// [what, method, url, body]: bob's token, none of them its own business.
const NOT_BOBS: [string, "GET" | "POST", string, unknown][] = [
  ["an account that exists", "GET", "/accounts/alice", undefined],
  ["an account that does not", "GET", "/accounts/ghost", undefined],
  ["a name over the length limit", "GET", `/accounts/${"g".repeat(65)}`, undefined],
  ["a name with a NUL", "GET", "/accounts/%00", undefined],
  ["history of an account that does not exist", "GET", "/accounts/ghost/history?limit=0", undefined],
  ["a withdrawal from an unknown account with a bad amount", "POST", "/accounts/ghost/withdrawals", { amount: "lots" }],
  ["a transfer from an unknown sender", "POST", "/transfers", { sender: "ghost", recipient: "bob", amount: 1 }],
  ["a transfer from alice with a bad amount", "POST", "/transfers", { sender: "alice", recipient: "bob", amount: 0.001 }],
  ["a transfer with no sender", "POST", "/transfers", { recipient: "bob", amount: 1 }],
  ["a batch with one transfer from alice (the fast reader's)", "POST", "/transfers/batch",
    { transfers: [{ sender: "bob", recipient: "alice", amount: 1 }, { sender: "alice", recipient: "bob", amount: 1 }] }],
  ["a batch with one transfer from an unknown sender (the ordinary reader's)", "POST", "/transfers/batch",
    { transfers: [{ sender: "bob", recipient: "alice", amount: 1 }, { sender: "ghost", recipient: "bob", amount: 1 }] }],
  ["a batch that is not a batch", "POST", "/transfers/batch", { transfers: "all of them" }],
  ["a batch that is JSON null", "POST", "/transfers/batch", "null"],
  ["a transfer that is JSON null", "POST", "/transfers", "null"],
];

describe("a holder's refusals say nothing about other accounts", () => {
  it.each(NOT_BOBS)("bob's token and %s: 403, the same answer, nothing changed", async (_what, method, url, body) => {
    const { app, bank, bob } = securedApp();
    const reference = await request(app, "GET", "/accounts/alice", undefined, bearer(bob));
    const before = snapshot(bank);
    const response = await request(app, method, url, body, bearer(bob));
    expectProblem(response, 403, "FORBIDDEN");
    expect(response.text).toBe(reference.text);
    expect(snapshot(bank)).toEqual(before);
  });

  it("when no credential or a key without the scope asks for an unknown account, it is a 401 or 403, never a 404", async () => {
    const { app } = securedApp();
    expectProblem(await request(app, "GET", "/accounts/ghost"), 401, "UNAUTHORIZED");
    expectProblem(await request(app, "GET", "/accounts/ghost", undefined, bearer(MOVER_SECRET)), 403, "FORBIDDEN");
  });
});

describe("idempotency keys, per credential", () => {
  it("when two credentials send the same key, they are two keys; each retry replays its own", async () => {
    const { app, bank, alice } = securedApp();
    const body = { sender: "alice", recipient: "bob", amount: 1 };
    const byAlice = await request(app, "POST", "/transfers", body, { ...bearer(alice), "idempotency-key": "k" });
    const byAdmin = await request(app, "POST", "/transfers", body, { ...admin, "idempotency-key": "k" });
    expect(byAdmin.headers["idempotency-replayed"]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(98);
    expectReplay(await request(app, "POST", "/transfers", body, { ...bearer(alice), "idempotency-key": "k" }), byAlice);
    expectReplay(await request(app, "POST", "/transfers", body, { ...admin, "idempotency-key": "k" }), byAdmin);
    expect(bank.getAccount("alice").balance).toBe(98);
  });

  it("when a holder's batch is refused for its senders, the key is not used up", async () => {
    const { app, bank, alice } = securedApp();
    const headers = { ...bearer(alice), "idempotency-key": "batch-1" };
    const mixed = { transfers: [{ sender: "bob", recipient: "alice", amount: 1 }] };
    expectProblem(await request(app, "POST", "/transfers/batch", mixed, headers), 403, "FORBIDDEN");
    const own = { transfers: [{ sender: "alice", recipient: "bob", amount: 1 }] };
    const response = await request(app, "POST", "/transfers/batch", own, headers);
    expect(response.status).toBe(200);
    expect(response.headers["idempotency-replayed"]).toBeUndefined();
    expect(bank.getAccount("alice").balance).toBe(99);
  });

  it("when a rotation is replayed for its idempotency key, the replay has no token and rotates nothing", async () => {
    const { app, tokens } = securedApp();
    const headers = { ...admin, "idempotency-key": "rotate-1" };
    const first = await request(app, "POST", "/accounts/alice/token", undefined, headers);
    const after = tokens.entries();
    const retry = await request(app, "POST", "/accounts/alice/token", undefined, headers);
    expect(retry.headers["idempotency-replayed"]).toBe("true");
    expect(retry.body).toEqual({ name: "alice", message: (first.body as { message: string }).message });
    expect(tokens.entries()).toEqual(after);
  });
});
