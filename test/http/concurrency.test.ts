// The seed's API concurrency tests, ported to a real listening server and parallel HTTP requests:
// 100 deposits, 100 withdrawals and 100 transfers from 10 concurrent workers, and 200 opposing
// transfers at once. Final balances must be exact and the total conserved.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import type { BankApp } from "../../src/http/app.js";
import { startServer } from "../../src/http/server.js";

let app: BankApp;
let url: string;
let bank: Bank;

beforeEach(async () => {
  bank = new Bank();
  bank.createAccount("alice", 1000);
  bank.createAccount("bob", 1000);
  ({ app, url } = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", bank }));
});

afterEach(async () => {
  await app.close();
});

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function balance(name: string): Promise<number> {
  const response = await fetch(`${url}/accounts/${name}`);
  return ((await response.json()) as { balance: number }).balance;
}

/** Runs `count` tasks on `workers` concurrent workers, like the seed's ThreadPoolExecutor(10). */
async function onWorkers(workers: number, count: number, task: () => Promise<number>): Promise<number[]> {
  const statuses: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next++;
      statuses.push(await task());
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  return statuses;
}

describe("concurrent requests to a listening server", () => {
  it("when 100 deposits of 10 arrive from 10 workers, the balance rises by exactly 1000", async () => {
    const statuses = await onWorkers(10, 100, () => post("/accounts/alice/deposits", { amount: 10 }));
    expect(statuses).toEqual(Array(100).fill(200));
    expect(await balance("alice")).toBe(1000 + 10 * 100);
    expect(bank.getAccount("alice").historyLength).toBe(101);
  });

  it("when 100 withdrawals of 5 arrive from 10 workers, the balance falls by exactly 500", async () => {
    const statuses = await onWorkers(10, 100, () => post("/accounts/bob/withdrawals", { amount: 5 }));
    expect(statuses).toEqual(Array(100).fill(200));
    expect(await balance("bob")).toBe(1000 - 5 * 100);
  });

  it("when 100 transfers of 5 arrive from 10 workers, both balances are exact and the total is conserved", async () => {
    const statuses = await onWorkers(10, 100, () => post("/transfers", { sender: "alice", recipient: "bob", amount: 5 }));
    expect(statuses).toEqual(Array(100).fill(200));
    expect(await balance("alice")).toBe(1000 - 5 * 100);
    expect(await balance("bob")).toBe(1000 + 5 * 100);
    expect(bank.transactionCount).toBe(2 + 100);
  });

  it("when 200 opposing transfers are sent at once, nothing is lost and the total is conserved", async () => {
    const requests = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? post("/transfers", { sender: "alice", recipient: "bob", amount: 1.25 })
        : post("/transfers", { sender: "bob", recipient: "alice", amount: 0.75 }),
    );
    const statuses = await Promise.all(requests);
    expect(statuses).toEqual(Array(200).fill(200));
    const alice = await balance("alice");
    const bob = await balance("bob");
    expect(alice).toBe(1000 - 100 * 1.25 + 100 * 0.75);
    expect(bob).toBe(1000 + 100 * 1.25 - 100 * 0.75);
    expect(alice + bob).toBe(2000);
    const listed = (await (await fetch(`${url}/accounts`)).json()) as { accounts: { balance: number }[] };
    expect(listed.accounts.reduce((sum, account) => sum + account.balance, 0)).toBe(2000);
  });

  it("when more withdrawals race than the balance covers, exactly the affordable ones succeed", async () => {
    const statuses = await Promise.all(Array.from({ length: 150 }, () => post("/accounts/bob/withdrawals", { amount: 10 })));
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
    expect(statuses.filter((status) => status === 400)).toHaveLength(50);
    expect(await balance("bob")).toBe(0);
  });
});
