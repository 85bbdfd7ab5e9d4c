// Idempotency keys: through the bank (a retry returns the first outcome and has no second effect,
// a reused key with other arguments is refused, keys expire and are evicted) and the store itself.

import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  BankError,
  DuplicateAccountError,
  IDEMPOTENCY_KEY_LENGTH_MAX,
  IDEMPOTENCY_KEY_TTL_MS,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidArgumentError,
} from "../../src/core/index.js";
import { IdempotencyStore, fingerprintOf, validateIdempotencyKey } from "../../src/core/internal.js";
import { expectRefusedWithoutTrace, snapshot, thrownBy } from "./support.js";

function twoAccounts(options: ConstructorParameters<typeof Bank>[0] = {}): Bank {
  const bank = new Bank(options);
  bank.createAccount("Alice", 100);
  bank.createAccount("Bob", 20);
  return bank;
}

describe("idempotent operations", () => {
  it("when createAccount is retried with its key, the same account comes back and nothing is opened twice", () => {
    const bank = new Bank();
    const first = bank.createAccount("Alice", 10, { idempotencyKey: "open-alice" });
    const before = snapshot(bank);
    const retry = bank.createAccount("Alice", 10, { idempotencyKey: "open-alice" });
    expect(retry).toBe(first);
    expect(snapshot(bank)).toEqual(before);
    // Without the key the same call is a duplicate.
    expectRefusedWithoutTrace(bank, () => bank.createAccount("Alice", 10), DuplicateAccountError);
  });

  it("when a deposit is retried with its key, the same transaction comes back and the money arrives once", () => {
    const bank = twoAccounts();
    const first = bank.deposit("Alice", 5, { idempotencyKey: "dep-1" });
    const before = snapshot(bank);
    const retry = bank.deposit("Alice", 5, { idempotencyKey: "dep-1" });
    expect(retry).toBe(first);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("Alice").balance).toBe(105);
  });

  it("when a withdrawal is retried with its key, the money leaves once", () => {
    const bank = twoAccounts();
    const first = bank.withdraw("Alice", 30, { idempotencyKey: "wd-1" });
    expect(bank.withdraw("Alice", 30, { idempotencyKey: "wd-1" })).toBe(first);
    expect(bank.getAccount("Alice").balance).toBe(70);
    expect(bank.transactionCount).toBe(3);
  });

  it("when a transfer is retried with its key, it is applied once", () => {
    const bank = twoAccounts();
    const first = bank.transfer("Alice", "Bob", 25, { idempotencyKey: "tr-1" });
    expect(bank.transfer("Alice", "Bob", 25, { idempotencyKey: "tr-1" })).toBe(first);
    expect(bank.getAccount("Alice").balance).toBe(75);
    expect(bank.getAccount("Bob").balance).toBe(45);
    expect(bank.transactionCount).toBe(3);
  });

  it("when account methods are retried with a key, each applies once, and the bank's form replays them", () => {
    const bank = twoAccounts();
    const alice = bank.getAccount("Alice");
    const bob = bank.getAccount("Bob");
    const deposit = alice.deposit(1, { idempotencyKey: "a-dep" });
    const withdrawal = alice.withdraw(2, { idempotencyKey: "a-wd" });
    const transfer = alice.transfer(bob, 3, { idempotencyKey: "a-tr" });
    const before = snapshot(bank);
    expect(alice.deposit(1, { idempotencyKey: "a-dep" })).toBe(deposit);
    expect(alice.withdraw(2, { idempotencyKey: "a-wd" })).toBe(withdrawal);
    expect(alice.transfer(bob, 3, { idempotencyKey: "a-tr" })).toBe(transfer);
    expect(bank.deposit("Alice", 1, { idempotencyKey: "a-dep" })).toBe(deposit);
    expect(bank.transfer("Alice", "Bob", 3, { idempotencyKey: "a-tr" })).toBe(transfer);
    expect(snapshot(bank)).toEqual(before);
    expect(alice.balance).toBe(96);
    expect(bob.balance).toBe(23);
  });

  it("when a refused request is retried after funds arrive, it stays refused with the same error", () => {
    const bank = twoAccounts();
    const refusal = thrownBy(() => bank.withdraw("Bob", 30, { idempotencyKey: "wd-short" }));
    expect(refusal).toBeInstanceOf(InsufficientFundsError);
    bank.deposit("Bob", 100);
    const before = snapshot(bank);
    expect(thrownBy(() => bank.withdraw("Bob", 30, { idempotencyKey: "wd-short" }))).toBe(refusal);
    expect(snapshot(bank)).toEqual(before);
    expect(bank.getAccount("Bob").balance).toBe(120);
    // A new key is a new request, and now it succeeds.
    bank.withdraw("Bob", 30, { idempotencyKey: "wd-again" });
    expect(bank.getAccount("Bob").balance).toBe(90);
  });

  it("when a request for an unknown account is retried after the account opens, it stays refused", () => {
    const bank = twoAccounts();
    expect(thrownBy(() => bank.deposit("Carol", 5, { idempotencyKey: "dep-carol" }))).toBeInstanceOf(AccountNotFoundError);
    bank.createAccount("Carol");
    expect(thrownBy(() => bank.deposit("Carol", 5, { idempotencyKey: "dep-carol" }))).toBeInstanceOf(AccountNotFoundError);
    expect(bank.getAccount("Carol").balance).toBe(0);
  });

  it.each([
    ["another amount", (bank: Bank) => bank.deposit("Alice", 6, { idempotencyKey: "k" })],
    ["another amount", (bank: Bank) => bank.deposit("Alice", 5.01, { idempotencyKey: "k" })],
    ["an invalid amount", (bank: Bank) => bank.deposit("Alice", "5.001", { idempotencyKey: "k" })],
    ["another account", (bank: Bank) => bank.deposit("Bob", 5, { idempotencyKey: "k" })],
    ["another operation", (bank: Bank) => bank.withdraw("Alice", 5, { idempotencyKey: "k" })],
    ["a transfer", (bank: Bank) => bank.transfer("Alice", "Bob", 5, { idempotencyKey: "k" })],
    ["an opening", (bank: Bank) => bank.createAccount("Alice", 5, { idempotencyKey: "k" })],
  ])("when a key is reused with %s, the call is refused with IdempotencyKeyReusedError and changes nothing", (_what, reuse) => {
    const bank = twoAccounts();
    bank.deposit("Alice", 5, { idempotencyKey: "k" });
    const error = expectRefusedWithoutTrace(bank, () => reuse(bank), IdempotencyKeyReusedError);
    expect(error.key).toBe("k");
    expect(error.message).toBe("Idempotency key 'k' was already used for a different request");
  });

  it.each<[string, (bank: Bank) => unknown, (bank: Bank) => unknown]>([
    ["a deposit's amount as a string", (bank) => bank.deposit("Alice", 5, { idempotencyKey: "k" }), (bank) => bank.deposit("Alice", "5.00", { idempotencyKey: "k" })],
    ["a transfer's amount with another spelling", (bank) => bank.transfer("Alice", "Bob", "7.5", { idempotencyKey: "k" }), (bank) => bank.transfer("Alice", "Bob", 7.5, { idempotencyKey: "k" })],
    ["an opening balance as a number", (bank) => bank.createAccount("Carol", "10.00", { idempotencyKey: "k" }), (bank) => bank.createAccount("Carol", 10, { idempotencyKey: "k" })],
    ["a batch with atomic left out, then given as its default", (bank) => bank.transferBatch([{ sender: "Alice", recipient: "Bob", amount: 1 }], { idempotencyKey: "k" }), (bank) => bank.transferBatch([{ sender: "Alice", recipient: "Bob", amount: "1.00" }], { idempotencyKey: "k", atomic: true })],
    ["a batch of codes with atomic given, then left out", (bank) => bank.tryTransferBatch([{ sender: "Alice", recipient: "Bob", amount: 2 }], { idempotencyKey: "k", atomic: true }), (bank) => bank.tryTransferBatch([{ sender: "Alice", recipient: "Bob", amount: 2 }], { idempotencyKey: "k" })],
  ])("when %s is retried, the key sees the request as the bank runs it: a replay, one effect", (_what, first, retry) => {
    const bank = twoAccounts();
    const result = first(bank);
    const before = snapshot(bank);
    expect(retry(bank)).toEqual(result);
    expect(snapshot(bank)).toEqual(before);
  });

  it.each<[string, (bank: Bank) => unknown]>([
    ["an opening balance below zero", (bank) => bank.createAccount("Carol", -5, { idempotencyKey: "k" })],
    ["an opening balance of -0", (bank) => bank.createAccount("Carol", -0, { idempotencyKey: "k" })],
    ["an opening balance that is not money", (bank) => bank.createAccount("Carol", "ten", { idempotencyKey: "k" })],
    ["a batch that is not a list", (bank) => bank.transferBatch("all of it" as never, { idempotencyKey: "k" })],
    ["a batch holding null", (bank) => bank.transferBatch([null as never], { idempotencyKey: "k" })],
  ])("when a request refused for %s is retried with its key, the same refusal comes back and nothing changes", (_what, call) => {
    const bank = twoAccounts();
    const before = snapshot(bank);
    const first = thrownBy(() => call(bank));
    expect(first).toBeInstanceOf(BankError);
    expect(thrownBy(() => call(bank))).toBe(first);
    expect(snapshot(bank)).toEqual(before);
  });

  it.each([
    ["empty", ""],
    ["256 characters", "x".repeat(IDEMPOTENCY_KEY_LENGTH_MAX + 1)],
    ["with a space", "a b"],
    ["with a tab", "a\tb"],
    ["non-ASCII", "clé"],
    ["not a string", 42 as unknown as string],
  ])("when the key is %s, the call is refused with InvalidArgumentError and changes nothing", (_what, key) => {
    const bank = twoAccounts();
    const error = expectRefusedWithoutTrace(bank, () => bank.deposit("Alice", 5, { idempotencyKey: key }), InvalidArgumentError);
    expect(error.message).toBe("Idempotency key must be 1 to 255 visible ASCII characters");
    expectRefusedWithoutTrace(bank, () => bank.createAccount("Carol", 5, { idempotencyKey: key }), InvalidArgumentError);
    expectRefusedWithoutTrace(bank, () => bank.transfer("Alice", "Bob", 5, { idempotencyKey: key }), InvalidArgumentError);
  });

  it("when the key is 255 visible characters or a single '!' or '~', it is accepted", () => {
    const bank = twoAccounts();
    for (const key of ["x".repeat(IDEMPOTENCY_KEY_LENGTH_MAX), "!", "~"]) {
      bank.deposit("Alice", 1, { idempotencyKey: key });
      bank.deposit("Alice", 1, { idempotencyKey: key });
    }
    expect(bank.getAccount("Alice").balance).toBe(103);
  });

  it("when options carry no key, every call is a new request", () => {
    const bank = twoAccounts();
    bank.deposit("Alice", 1, {});
    bank.deposit("Alice", 1, {});
    bank.getAccount("Alice").deposit(1, {});
    expect(bank.getAccount("Alice").balance).toBe(103);
  });

  it("when a key outlives idempotencyTtlMs, a retry is a new request", () => {
    let nowMs = 0;
    const bank = twoAccounts({ clock: () => nowMs, idempotencyTtlMs: 1_000 });
    const first = bank.deposit("Alice", 5, { idempotencyKey: "k" });
    nowMs = 999;
    expect(bank.deposit("Alice", 5, { idempotencyKey: "k" })).toBe(first);
    expect(bank.getAccount("Alice").balance).toBe(105);
    nowMs = 1_000;
    const second = bank.deposit("Alice", 5, { idempotencyKey: "k" });
    expect(second).not.toBe(first);
    expect(bank.getAccount("Alice").balance).toBe(110);
    // Expired, the key is also free for other arguments.
    nowMs = 2_000;
    bank.withdraw("Alice", 10, { idempotencyKey: "k" });
    expect(bank.getAccount("Alice").balance).toBe(100);
  });

  it("when no TTL is given, keys are kept for IDEMPOTENCY_KEY_TTL_MS (24 hours)", () => {
    let nowMs = 1_000_000;
    const bank = twoAccounts({ clock: () => nowMs });
    bank.deposit("Alice", 5, { idempotencyKey: "k" });
    nowMs += IDEMPOTENCY_KEY_TTL_MS - 1;
    bank.deposit("Alice", 5, { idempotencyKey: "k" });
    expect(bank.getAccount("Alice").balance).toBe(105);
    nowMs += 1;
    bank.deposit("Alice", 5, { idempotencyKey: "k" });
    expect(bank.getAccount("Alice").balance).toBe(110);
  });

  it("when more than idempotencyKeysMax keys are held, the oldest is forgotten first", () => {
    const bank = twoAccounts({ idempotencyKeysMax: 2 });
    const k1 = bank.deposit("Alice", 1, { idempotencyKey: "k1" });
    const k2 = bank.deposit("Alice", 1, { idempotencyKey: "k2" });
    const k3 = bank.deposit("Alice", 1, { idempotencyKey: "k3" });
    expect(bank.getAccount("Alice").balance).toBe(103);
    expect(bank.deposit("Alice", 1, { idempotencyKey: "k3" })).toBe(k3);
    expect(bank.deposit("Alice", 1, { idempotencyKey: "k2" })).toBe(k2);
    expect(bank.getAccount("Alice").balance).toBe(103);
    // k1 was evicted: the retry is a new request with a second effect.
    expect(bank.deposit("Alice", 1, { idempotencyKey: "k1" })).not.toBe(k1);
    expect(bank.getAccount("Alice").balance).toBe(104);
  });

  it("when any clock read fails (a fault, not a refusal), the key is not kept and a retry runs afresh", () => {
    // The k-th read of the clock throws. Whichever read it is (the key store's or the operation's),
    // the failure must not be replayed: the retry opens the account, once.
    for (let failingRead = 1; failingRead <= 6; failingRead++) {
      let reads = 0;
      let faulty = true;
      const bank = new Bank({
        clock: () => {
          reads++;
          if (faulty && reads === failingRead) throw new Error("clock unavailable");
          return 5;
        },
      });
      let failure: unknown = null;
      try {
        bank.createAccount("Alice", 10, { idempotencyKey: "open" });
      } catch (error) {
        failure = error;
      }
      if (failure !== null) {
        expect((failure as Error).message).toBe("clock unavailable");
        expect(failure).not.toBeInstanceOf(BankError);
        expect(bank.accountCount).toBe(0);
        expect(bank.transactionCount).toBe(0);
      }
      faulty = false;
      const alice = bank.createAccount("Alice", 10, { idempotencyKey: "open" });
      expect(bank.createAccount("Alice", 10, { idempotencyKey: "open" })).toBe(alice);
      expect(alice.balance).toBe(10);
      expect(bank.accountCount).toBe(1);
      expect(bank.transactionCount).toBe(1);
    }
  });
});

describe("validateIdempotencyKey", () => {
  it("when a key is valid, it is returned unchanged", () => {
    expect(validateIdempotencyKey("order-42_retry.1")).toBe("order-42_retry.1");
  });

  it("when a key is not a string, it is refused", () => {
    expect(thrownBy(() => validateIdempotencyKey(undefined))).toBeInstanceOf(InvalidArgumentError);
  });
});

describe("fingerprintOf", () => {
  it("when two requests differ only in the type of an argument, their fingerprints differ", () => {
    expect(fingerprintOf(["deposit", "Alice", 25.5])).not.toBe(fingerprintOf(["deposit", "Alice", "25.5"]));
    expect(fingerprintOf(["deposit", "Alice", 25.5])).toBe(fingerprintOf(["deposit", "Alice", 25.5]));
  });

  it("when a request is long, its fingerprint is a short hash that still tells requests apart", () => {
    const long = ["transferBatch", "x".repeat(2_000)];
    const other = ["transferBatch", `${"x".repeat(1_999)}y`];
    const fingerprint = fingerprintOf(long);
    expect(fingerprint.startsWith("#")).toBe(true);
    expect(fingerprint.length).toBeLessThan(64);
    expect(fingerprintOf(long)).toBe(fingerprint);
    expect(fingerprintOf(other)).not.toBe(fingerprint);
    expect(fingerprintOf(["short"]).startsWith("#")).toBe(false);
  });
});

describe("IdempotencyStore", () => {
  it("when a key is new it is reserved as pending, then completed it replays its outcome", () => {
    const store = new IdempotencyStore<string>();
    expect(store.begin("k", "f")).toEqual({ kind: "new" });
    expect(store.size).toBe(1);
    expect(store.begin("k", "f")).toEqual({ kind: "pending" });
    store.complete("k", "outcome");
    expect(store.begin("k", "f")).toEqual({ kind: "replay", outcome: "outcome" });
    expect(store.size).toBe(1);
  });

  it("when a pending key is looked up again, it answers pending whatever the fingerprint", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k", "f");
    expect(store.begin("k", "g")).toEqual({ kind: "pending" });
    expect(store.begin("k", "f")).toEqual({ kind: "pending" });
    expect(store.begin("k")).toEqual({ kind: "pending" });
  });

  it("when a completed key is looked up, another fingerprint is a mismatch and none at all answers done", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k", "f");
    store.complete("k", "outcome");
    expect(store.begin("k", "g")).toEqual({ kind: "mismatch" });
    expect(store.begin("k")).toEqual({ kind: "done" });
    expect(store.begin("k", "f")).toEqual({ kind: "replay", outcome: "outcome" });
  });

  it("when a key is reserved before its fingerprint is known, settle gives it one and retries then match it", () => {
    const store = new IdempotencyStore<string>();
    expect(store.begin("k")).toEqual({ kind: "new" });
    store.settle("k", "f");
    store.complete("k", "outcome");
    expect(store.begin("k", "f")).toEqual({ kind: "replay", outcome: "outcome" });
    expect(store.begin("k", "g")).toEqual({ kind: "mismatch" });
  });

  it("when a key reserved without a fingerprint completes unsettled, it is released rather than kept", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k");
    store.complete("k", "outcome");
    expect(store.size).toBe(0);
    expect(store.begin("k", "f")).toEqual({ kind: "new" });
  });

  it("when settle names an unknown or completed key, nothing changes", () => {
    const store = new IdempotencyStore<string>();
    store.settle("unknown", "f");
    expect(store.size).toBe(0);
    store.begin("k", "f");
    store.complete("k", "outcome");
    store.settle("k", "g");
    expect(store.begin("k", "f")).toEqual({ kind: "replay", outcome: "outcome" });
  });

  it("when outcomes outweigh bytesMax, the oldest are evicted until they fit", () => {
    const store = new IdempotencyStore<string>({ sizeOf: (outcome) => outcome.length, bytesMax: 10 });
    for (const [key, outcome] of [["k1", "aaaa"], ["k2", "bbbb"]] as const) {
      store.begin(key, "f");
      store.complete(key, outcome);
    }
    expect(store.outcomeBytes).toBe(8);
    store.begin("k3", "f");
    store.complete("k3", "cccc");
    expect(store.outcomeBytes).toBe(8);
    expect(store.size).toBe(2);
    expect(store.begin("k2", "f")).toEqual({ kind: "replay", outcome: "bbbb" });
    expect(store.begin("k3", "f")).toEqual({ kind: "replay", outcome: "cccc" });
    // k1 was evicted, so it starts afresh.
    expect(store.begin("k1", "f")).toEqual({ kind: "new" });
  });

  it("when keys expire or are abandoned, their outcome bytes are released", () => {
    let nowMs = 0;
    const store = new IdempotencyStore<string>({ clock: () => nowMs, ttlMs: 10, sizeOf: (outcome) => outcome.length });
    store.begin("k1", "f");
    store.complete("k1", "abc");
    store.begin("k2", "f");
    store.abandon("k2");
    expect(store.outcomeBytes).toBe(3);
    nowMs = 10;
    store.begin("k3", "f");
    expect(store.outcomeBytes).toBe(0);
    expect(store.size).toBe(1);
  });

  it("when no sizeOf is given, outcomes weigh nothing", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k", "f");
    store.complete("k", "a long outcome");
    expect(store.outcomeBytes).toBe(0);
  });

  it("when a pending key is abandoned it can be begun again; a completed key cannot be abandoned", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k", "f");
    store.abandon("k");
    expect(store.size).toBe(0);
    expect(store.begin("k", "g")).toEqual({ kind: "new" });
    store.complete("k", "kept");
    store.abandon("k");
    expect(store.begin("k", "g")).toEqual({ kind: "replay", outcome: "kept" });
    store.abandon("never-seen");
    expect(store.size).toBe(1);
  });

  it("when a key is completed twice, the first outcome is kept", () => {
    const store = new IdempotencyStore<string>();
    store.begin("k", "f");
    store.complete("k", "first");
    store.complete("k", "second");
    expect(store.begin("k", "f")).toEqual({ kind: "replay", outcome: "first" });
  });

  it("when a pending key is evicted and then completed, nothing is stored and nothing breaks", () => {
    const store = new IdempotencyStore<string>({ keysMax: 1 });
    store.begin("a", "f");
    store.begin("b", "f");
    expect(store.size).toBe(1);
    store.complete("a", "late");
    expect(store.size).toBe(1);
    expect(store.begin("b", "f")).toEqual({ kind: "pending" });
    // "a" is unknown again, so it starts afresh (and evicts "b").
    expect(store.begin("a", "f")).toEqual({ kind: "new" });
    expect(store.begin("b", "f")).toEqual({ kind: "new" });
  });

  it("when keys expire, they are dropped oldest first and only once expired", () => {
    let nowMs = 0;
    const store = new IdempotencyStore<number>({ clock: () => nowMs, ttlMs: 100 });
    store.begin("old", "f");
    store.complete("old", 1);
    nowMs = 50;
    store.begin("young", "f");
    store.complete("young", 2);
    nowMs = 100;
    expect(store.begin("young", "f")).toEqual({ kind: "replay", outcome: 2 });
    expect(store.size).toBe(1);
    expect(store.begin("old", "f")).toEqual({ kind: "new" });
    nowMs = 149;
    expect(store.begin("young", "f")).toEqual({ kind: "replay", outcome: 2 });
    nowMs = 150;
    expect(store.begin("young", "f")).toEqual({ kind: "new" });
  });

  it("when many keys arrive, at most keysMax are held and the newest survive", () => {
    const store = new IdempotencyStore<number>({ keysMax: 3 });
    for (let i = 0; i < 10; i++) {
      store.begin(`k${i}`, "f");
      store.complete(`k${i}`, i);
    }
    expect(store.size).toBe(3);
    expect(store.begin("k9", "f")).toEqual({ kind: "replay", outcome: 9 });
    expect(store.begin("k7", "f")).toEqual({ kind: "replay", outcome: 7 });
  });
});

describe("store bounds", () => {
  it.each([
    [{ keysMax: 0 }, "Idempotency keys max must be a positive integer"],
    [{ keysMax: 2.5 }, "Idempotency keys max must be a positive integer"],
    [{ ttlMs: 0 }, "Idempotency key time to live must be a positive number of milliseconds"],
    [{ ttlMs: Number.POSITIVE_INFINITY }, "Idempotency key time to live must be a positive number of milliseconds"],
    [{ bytesMax: 0 }, "Idempotency outcome bytes max must be positive"],
    [{ bytesMax: Number.NaN }, "Idempotency outcome bytes max must be positive"],
  ])("when a bound is %j, the store refuses to be made", (options, message) => {
    expect(() => new IdempotencyStore(options)).toThrow(new InvalidArgumentError(message));
  });
});
