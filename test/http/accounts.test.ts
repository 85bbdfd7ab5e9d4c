// The account routes through app.inject(): opening (both seed spellings), listing in pages, reading
// one, and names that are awkward in JavaScript or in URLs.

import { describe, expect, it } from "vitest";
import { NAME_LENGTH_MAX, PAGE_SIZE_MAX } from "../../src/index.js";
import { appWith, expectProblem, request, snapshot } from "./helpers.js";

describe("POST /accounts", () => {
  it("when the body is valid, opens the account with 201, its URL in Location and the seed's message", async () => {
    const { app, bank } = appWith();
    const response = await request(app, "POST", "/accounts", { name: "alice", initial_balance: 100.5 });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe("/accounts/alice");
    expect(response.body).toEqual({ name: "alice", balance: 100.5, message: "Account 'alice' created." });
    expect(bank.getAccount("alice").balanceMinor).toBe(10050);
    expect(bank.getAccount("alice").getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 100.50",
    ]);
  });

  it("when posted to /accounts/ as the seed's clients do, opens the account the same way", async () => {
    const { app, bank } = appWith();
    const response = await request(app, "POST", "/accounts/", { name: "bob", initial_balance: "0.10" });
    expect(response.status).toBe(201);
    expect(bank.getAccount("bob").balance).toBe(0.1);
  });

  it("when the opening balance is zero, opens an empty account", async () => {
    const { app, bank } = appWith();
    expect((await request(app, "POST", "/accounts", { name: "zero", initial_balance: 0 })).status).toBe(201);
    expect(bank.getAccount("zero").balance).toBe(0);
  });

  it("when the name exists, refuses with 409 and keeps the first account", async () => {
    const { app, bank } = appWith({ alice: 5 });
    const response = await request(app, "POST", "/accounts", { name: "alice", initial_balance: 100 });
    expect(expectProblem(response, 409, "ACCOUNT_EXISTS")).toBe("Account 'alice' already exists");
    expect(bank.getAccount("alice").balance).toBe(5);
    expect(bank.accountCount).toBe(1);
  });

  it("when the name is exactly NAME_LENGTH_MAX code points, even outside the BMP, accepts it", async () => {
    const { app, bank } = appWith();
    const name = "😀".repeat(NAME_LENGTH_MAX);
    const response = await request(app, "POST", "/accounts", { name, initial_balance: 1 });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(`/accounts/${encodeURIComponent(name)}`);
    expect(bank.hasAccount(name)).toBe(true);
    const read = await request(app, "GET", response.headers.location as string);
    expect(read.body).toEqual({ name, balance: 1, available: 1, held: 0, incoming_held: 0 });
  });

  it("when the name is one code point over NAME_LENGTH_MAX, refuses with 400 and opens nothing", async () => {
    const { app, bank } = appWith();
    const response = await request(app, "POST", "/accounts", { name: "a".repeat(NAME_LENGTH_MAX + 1), initial_balance: 1 });
    expect(expectProblem(response, 400, "INVALID_REQUEST")).toContain(`${NAME_LENGTH_MAX} characters`);
    expect(bank.accountCount).toBe(0);
  });
});

describe("awkward names", () => {
  const names = ["__proto__", "constructor", "hasOwnProperty", "Ada Lovelace", "José", "東京", "a/b?c#d%e", "😀"];

  it.each(names)("when the account is named %j, every route finds it through its URL-encoded name", async (name) => {
    const { app, bank } = appWith({ other: 100 });
    const encoded = `/accounts/${encodeURIComponent(name)}`;
    const created = await request(app, "POST", "/accounts", { name, initial_balance: 10 });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(encoded);
    expect((await request(app, "GET", encoded)).body).toEqual({ name, balance: 10, available: 10, held: 0, incoming_held: 0 });
    expect((await request(app, "POST", `${encoded}/deposits`, { amount: 5 })).status).toBe(200);
    expect((await request(app, "POST", `${encoded}/withdrawals`, { amount: 2 })).status).toBe(200);
    expect((await request(app, "POST", "/transfers", { sender: "other", recipient: name, amount: 1 })).status).toBe(200);
    const history = await request(app, "GET", `${encoded}/history`);
    expect((history.body as { transactions: unknown[] }).transactions).toHaveLength(4);
    expect(bank.getAccount(name).balance).toBe(14);
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, "balance")).toBe(false);
  });

  it("when a name that exists only on Object.prototype is asked for, it is not found", async () => {
    const { app } = appWith();
    for (const name of ["constructor", "__proto__", "toString"]) {
      expectProblem(await request(app, "GET", `/accounts/${name}`), 404, "ACCOUNT_NOT_FOUND");
    }
  });
});

describe("GET /accounts", () => {
  it("when there are accounts, lists them sorted by name with no next page", async () => {
    const { app } = appWith({ carol: 3, alice: 1, bob: 2 });
    const response = await request(app, "GET", "/accounts");
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      accounts: [
        { name: "alice", balance: 1, available: 1, held: 0, incoming_held: 0 },
        { name: "bob", balance: 2, available: 2, held: 0, incoming_held: 0 },
        { name: "carol", balance: 3, available: 3, held: 0, incoming_held: 0 },
      ],
      next_after: null,
    });
  });

  it("when there are none, lists an empty page, also at /accounts/", async () => {
    const { app } = appWith();
    expect((await request(app, "GET", "/accounts/")).body).toEqual({ accounts: [], next_after: null });
  });

  it("when paged with limit and after, walks every account exactly once", async () => {
    const { app } = appWith({ a: 1, b: 2, c: 3, d: 4, e: 5 });
    const seen: string[] = [];
    let url = "/accounts?limit=2";
    for (;;) {
      const page = (await request(app, "GET", url)).body as { accounts: { name: string }[]; next_after: string | null };
      seen.push(...page.accounts.map((account) => account.name));
      if (page.next_after === null) break;
      url = `/accounts?limit=2&after=${encodeURIComponent(page.next_after)}`;
    }
    expect(seen).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("when limit is PAGE_SIZE_MAX it is accepted, and one more is refused with 400", async () => {
    const { app } = appWith({ a: 1 });
    expect((await request(app, "GET", `/accounts?limit=${PAGE_SIZE_MAX}`)).status).toBe(200);
    expectProblem(await request(app, "GET", `/accounts?limit=${PAGE_SIZE_MAX + 1}`), 400, "INVALID_REQUEST");
  });
});

describe("GET /accounts/{name}", () => {
  it("when the account exists, returns its name and balance", async () => {
    const { app } = appWith({ carol: 50 });
    expect((await request(app, "GET", "/accounts/carol")).body).toEqual({ name: "carol", balance: 50, available: 50, held: 0, incoming_held: 0 });
  });

  it("when it does not, answers 404 with the seed's wording and changes nothing", async () => {
    const { app, bank } = appWith({ carol: 50 });
    const before = snapshot(bank);
    const detail = expectProblem(await request(app, "GET", "/accounts/doesnotexist"), 404, "ACCOUNT_NOT_FOUND");
    expect(detail).toBe("Account 'doesnotexist' not found");
    expect(snapshot(bank)).toEqual(before);
  });
});
