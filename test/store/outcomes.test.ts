// Every kind of outcome a durable bank keeps for an idempotency key comes back after a crash: an
// account, a transaction, a batch's results, a batch's codes, and a refusal of each code, as the
// same class with the same fields and message. A key kept again under a later outcome wins.

import { describe, expect, it } from "vitest";
import { Account, Bank, BankError, IdempotencyKeyReusedError, type BankErrorCode } from "../../src/index.js";
import { refusalFromJson, refusalToJson } from "../../src/core/errors.js";
import { FileStore } from "../../src/store/file-store.js";
import { MemoryFiles } from "./memory-files.js";

const DAY_MS = 24 * 60 * 60 * 1_000;

function open(files: MemoryFiles, clock: () => number): Promise<Bank> {
  return Bank.open({ clock, store: new FileStore({ dataDir: "/data", files }) });
}

/** What an operation gave: its value as plain data, or its refusal's class, fields and message. */
function outcome(operation: () => unknown): unknown {
  try {
    const value = operation();
    if (value instanceof Account) return { account: value.name, balanceMinor: value.balanceMinor };
    return JSON.parse(JSON.stringify(value));
  } catch (error) {
    if (!(error instanceof BankError)) throw error;
    return { refusal: error.constructor.name, fields: { ...error }, message: error.message };
  }
}

const KEYED: [string, (bank: Bank, key: { idempotencyKey: string }) => unknown][] = [
  ["an account opened", (bank, key) => bank.createAccount("carol", 7, key)],
  ["a transaction", (bank, key) => bank.transfer("alice", "bob", 2, key)],
  ["a batch's results", (bank, key) => bank.transferBatch([{ sender: "alice", recipient: "bob", amount: 1 }, { sender: "bob", recipient: "alice", amount: 1e6 }], { atomic: false, ...key })],
  ["a batch's codes", (bank, key) => bank.tryTransferBatch([{ sender: "alice", recipient: "bob", amount: 1 }, { sender: "alice", recipient: "nobody", amount: 1 }], { atomic: false, ...key })],
  ["INSUFFICIENT_FUNDS", (bank, key) => bank.withdraw("bob", 1e6, key)],
  ["ACCOUNT_NOT_FOUND", (bank, key) => bank.deposit("nobody", 1, key)],
  ["NEGATIVE_AMOUNT", (bank, key) => bank.deposit("alice", -1, key)],
  ["INVALID_AMOUNT", (bank, key) => bank.deposit("alice", 0.001, key)],
  ["NEGATIVE_INITIAL_BALANCE", (bank, key) => bank.createAccount("dave", -5, key)],
  ["BALANCE_LIMIT_EXCEEDED", (bank, key) => bank.deposit("rich", 1, key)],
  ["ACCOUNT_EXISTS", (bank, key) => bank.createAccount("alice", 0, key)],
  ["SAME_ACCOUNT", (bank, key) => bank.transfer("alice", "alice", 1, key)],
  ["INVALID_NAME", (bank, key) => bank.createAccount("", 0, key)],
  ["INVALID_ARGUMENT", (bank, key) => bank.transferBatch([], key)],
  ["BATCH_REFUSED", (bank, key) => bank.transferBatch([{ sender: "alice", recipient: "bob", amount: 1 }, { sender: "bob", recipient: "alice", amount: 1e6 }], key)],
];

describe("kept outcomes after a crash", () => {
  it.each(KEYED)("when %s was kept for a key, its retry after a crash gives it again and changes nothing", async (_case, operation) => {
    const files = new MemoryFiles();
    const clock = () => 1_700_000_000_000;
    const bank = await open(files, clock);
    bank.createAccount("alice", 100);
    bank.createAccount("bob", 10);
    bank.createAccount("rich", 1_000_000_000_000);
    const first = outcome(() => operation(bank, { idempotencyKey: "k" }));
    await bank.sync();
    files.crash();

    const again = await open(files, clock);
    const state = again.listAccounts().map((account) => [account.name, account.balanceMinor, account.historyLength]);
    expect(outcome(() => operation(again, { idempotencyKey: "k" }))).toEqual(first);
    expect(again.listAccounts().map((account) => [account.name, account.balanceMinor, account.historyLength])).toEqual(state);
  });

  it("when a key was kept again after it expired, the later outcome is the one that comes back, whatever the clock says", async () => {
    const files = new MemoryFiles();
    let nowMs = 1_700_000_000_000;
    const bank = await open(files, () => nowMs);
    bank.createAccount("alice", 100);
    bank.deposit("alice", 1, { idempotencyKey: "k" });
    nowMs += DAY_MS + 1;
    bank.deposit("alice", 2, { idempotencyKey: "k" });
    await bank.sync();
    files.crash();

    // Opened with the clock back where the first outcome is still fresh: both are restored, in order.
    nowMs -= DAY_MS;
    const again = await open(files, () => nowMs);
    expect(again.deposit("alice", 2, { idempotencyKey: "k" }).amount).toBe(2);
    expect(() => again.deposit("alice", 1, { idempotencyKey: "k" })).toThrow(IdempotencyKeyReusedError);
    expect(again.getAccount("alice").balance).toBe(103);

    // Opened once both have expired: neither is restored, and the key runs anew.
    nowMs += 2 * DAY_MS;
    files.crash();
    const later = await open(files, () => nowMs);
    expect(later.deposit("alice", 1, { idempotencyKey: "k" }).amount).toBe(1);
  });

  it("an in-memory bank syncs at once and closes with nothing to do", async () => {
    const bank = new Bank();
    await bank.sync();
    await bank.close();
  });
});

describe("refusals as plain data", () => {
  it("every refusal made plain and made again is the same class, with the same code, fields and message", () => {
    const refusals = [new IdempotencyKeyReusedError("k")];
    const codes = new Set<BankErrorCode>(["IDEMPOTENCY_KEY_REUSED"]);
    for (const [, operation] of KEYED) {
      const bank = new Bank();
      bank.createAccount("alice", 100);
      bank.createAccount("bob", 10);
      bank.createAccount("rich", 1_000_000_000_000);
      try {
        operation(bank, { idempotencyKey: "k" });
      } catch (error) {
        refusals.push(error as IdempotencyKeyReusedError);
        codes.add((error as BankError).code);
      }
    }
    expect(codes.size).toBe(12);
    for (const refusal of refusals) {
      const again = refusalFromJson(refusalToJson(refusal));
      expect(again.constructor).toBe(refusal.constructor);
      expect({ ...again, message: again.message }).toEqual({ ...refusal, message: refusal.message });
    }
  });
});
