// Transaction history: every field of every type of transaction, timestamps from an injected clock,
// a transfer as one transaction seen from both sides, the history as a copy, and paging by cursor.

import { describe, expect, it } from "vitest";
import {
  AccountNotFoundError,
  Bank,
  InsufficientFundsError,
  InvalidArgumentError,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  type Account,
  type Transaction,
} from "../../src/core/index.js";
import { thrownBy } from "./support.js";

const T0 = Date.UTC(2025, 0, 2, 3, 4, 5);

/** Alice and Bob, with one transaction of every type, one second apart from T0. */
function story(): { bank: Bank; alice: Account; bob: Account } {
  let nowMs = T0;
  const bank = new Bank({
    clock: () => {
      const current = nowMs;
      nowMs += 1_000;
      return current;
    },
  });
  const alice = bank.createAccount("Alice", 100); // id 1 at T0
  const bob = bank.createAccount("Bob"); // id 2 at T0 + 1s
  alice.deposit(50); // id 3
  alice.withdraw(30); // id 4
  alice.transfer(bob, 25); // id 5
  bob.transfer(alice, 10.5); // id 6
  return { bank, alice, bob };
}

describe("history items", () => {
  it("when every kind of transaction has happened, Alice's history records each field exactly", () => {
    const { alice } = story();
    const iso = (seconds: number): string => new Date(T0 + seconds * 1_000).toISOString();
    expect(alice.getTransactionHistory().map((t) => t.toJSON())).toEqual([
      {
        id: 1, type: "account_opened", account: "Alice", amount: 100, balanceAfter: 100,
        counterparty: null, timestamp: iso(0), description: "Account created with balance: 100.00",
      },
      {
        id: 3, type: "deposit", account: "Alice", amount: 50, balanceAfter: 150,
        counterparty: null, timestamp: iso(2), description: "Deposited: 50.00",
      },
      {
        id: 4, type: "withdrawal", account: "Alice", amount: 30, balanceAfter: 120,
        counterparty: null, timestamp: iso(3), description: "Withdrawn: 30.00",
      },
      {
        id: 5, type: "transfer_out", account: "Alice", amount: 25, balanceAfter: 95,
        counterparty: "Bob", timestamp: iso(4), description: "Transferred to: 25.00 Bob",
      },
      {
        id: 6, type: "transfer_in", account: "Alice", amount: 10.5, balanceAfter: 105.5,
        counterparty: "Bob", timestamp: iso(5), description: "Received from: 10.50 Bob",
      },
    ]);
  });

  it("when read, a transaction exposes minor units, major units, Date and epoch milliseconds", () => {
    const { alice } = story();
    const transferIn = alice.getTransactionHistory()[4]!;
    expect(transferIn.amountMinor).toBe(1050);
    expect(transferIn.amount).toBe(10.5);
    expect(transferIn.balanceAfterMinor).toBe(10_550);
    expect(transferIn.balanceAfter).toBe(105.5);
    expect(transferIn.accountName).toBe("Alice");
    expect(transferIn.timeMs).toBe(T0 + 5_000);
    expect(transferIn.timestamp).toEqual(new Date(T0 + 5_000));
  });

  it("when a timestamp is changed by the caller, the transaction keeps its time", () => {
    const { alice } = story();
    const opened = alice.getTransactionHistory()[0]!;
    opened.timestamp.setTime(0);
    expect(opened.timestamp.getTime()).toBe(T0);
  });

  it("when JSON.stringify meets a transaction, it uses toJSON", () => {
    const { bob } = story();
    expect(JSON.parse(JSON.stringify(bob.getTransactionHistory()[1]))).toEqual(bob.getTransactionHistory()[1]!.toJSON());
  });

  it("when transactions happen, ids increase across the whole bank and balances after follow them", () => {
    const { alice, bob } = story();
    const ids = (account: Account): number[] => account.getTransactionHistory().map((t) => t.id);
    expect(ids(alice)).toEqual([1, 3, 4, 5, 6]);
    expect(ids(bob)).toEqual([2, 5, 6]);
    expect(bob.getTransactionHistory().map((t) => t.balanceAfter)).toEqual([0, 25, 14.5]);
    expect(bob.getTransactionHistory().map((t) => t.description)).toEqual([
      "Account created with balance: 0.00",
      "Received from: 25.00 Alice",
      "Transferred to: 10.50 Alice",
    ]);
  });

  it("when a transfer is made, it is one transaction seen from both sides", () => {
    const { bank, alice, bob } = story();
    const sent = alice.getTransactionHistory()[3]!;
    const received = bob.getTransactionHistory()[1]!;
    expect(sent.id).toBe(received.id);
    expect(sent.timeMs).toBe(received.timeMs);
    expect(sent.amountMinor).toBe(received.amountMinor);
    expect([sent.type, received.type]).toEqual(["transfer_out", "transfer_in"]);
    expect([sent.counterparty, received.counterparty]).toEqual(["Bob", "Alice"]);
    expect([sent.balanceAfter, received.balanceAfter]).toEqual([95, 25]);
    // Six transactions in the bank, although the two histories hold eight items.
    expect(bank.transactionCount).toBe(6);
    expect(alice.historyLength + bob.historyLength).toBe(8);
  });

  it("when a transfer returns its transaction, it equals the sender's history item", () => {
    const { alice, bob } = story();
    const returned = alice.transfer(bob, 1);
    expect(returned.toJSON()).toEqual(alice.getTransactionHistory().at(-1)!.toJSON());
  });

  it("when a refused operation happens, no history item and no id is used up", () => {
    const { bank, alice, bob } = story();
    expect(() => alice.withdraw(1_000)).toThrow(InsufficientFundsError);
    expect(() => alice.transfer(bob, 1_000)).toThrow(InsufficientFundsError);
    expect(() => bank.deposit("Nobody", 1)).toThrow(AccountNotFoundError);
    expect(alice.deposit(1).id).toBe(7);
    expect(alice.historyLength).toBe(6);
  });
});

describe("history is a copy", () => {
  it("when the returned array or its items are changed, the account's history is not", () => {
    const { alice } = story();
    const expected = alice.getTransactionHistory().map((t) => t.toJSON());
    const history = alice.getTransactionHistory();
    history.reverse();
    history.splice(1, 2);
    const item = history[0] as unknown as Record<string, unknown>;
    item.amountMinor = 999_999;
    // The rest are read from the journal, and cannot be written at all.
    expect(() => (item.counterparty = "Mallory")).toThrow(TypeError);
    expect(() => (item.type = "deposit")).toThrow(TypeError);
    expect(alice.getTransactionHistory().map((t) => t.toJSON())).toEqual(expected);
    expect(alice.balance).toBe(105.5);
  });

  it("when history is read twice, the two arrays and their items are different objects", () => {
    const { alice } = story();
    const first = alice.getTransactionHistory();
    const second = alice.getTransactionHistory();
    expect(first).not.toBe(second);
    expect(first[0]).not.toBe(second[0]);
    expect(first.map((t) => t.toJSON())).toEqual(second.map((t) => t.toJSON()));
  });

  it("historyLength equals the length of the history and grows by one per transaction", () => {
    const { alice, bob } = story();
    expect(alice.historyLength).toBe(alice.getTransactionHistory().length);
    expect(bob.historyLength).toBe(3);
    bob.deposit(1);
    expect(bob.historyLength).toBe(4);
    expect(bob.getTransactionHistory()).toHaveLength(4);
  });
});

describe("getTransactionPage", () => {
  /** Alice with `count` transactions in all (her opening included), interleaved with Bob's. */
  function busy(count: number): { bank: Bank; alice: Account; bob: Account } {
    const bank = new Bank({ clock: () => T0 });
    const alice = bank.createAccount("Alice", 1_000);
    const bob = bank.createAccount("Bob", 1_000);
    for (let i = 1; i < count; i++) {
      if (i % 3 === 0) alice.transfer(bob, 1);
      else alice.deposit(i / 100);
      bob.deposit(1);
    }
    return { bank, alice, bob };
  }

  function walk(account: Account, limit: number): { ids: number[]; pages: number } {
    const ids: number[] = [];
    let pages = 0;
    let before: number | null | undefined;
    do {
      const page = account.getTransactionPage(before === undefined || before === null ? { limit } : { limit, before });
      expect(page.transactions.length).toBeLessThanOrEqual(limit);
      ids.push(...page.transactions.map((t) => t.id));
      pages++;
      // A cursor that does not advance would loop forever; fail instead.
      expect(pages).toBeLessThanOrEqual(account.historyLength);
      before = page.nextBefore;
    } while (before !== null);
    return { ids, pages };
  }

  it("when no options are given, the page holds the newest PAGE_SIZE_DEFAULT transactions, newest first", () => {
    const { alice } = busy(PAGE_SIZE_DEFAULT + 20);
    const page = alice.getTransactionPage();
    const newestFirst = alice.getTransactionHistory().reverse();
    expect(page.transactions.map((t) => t.toJSON())).toEqual(newestFirst.slice(0, PAGE_SIZE_DEFAULT).map((t) => t.toJSON()));
    expect(page.nextBefore).toBe(newestFirst[PAGE_SIZE_DEFAULT - 1]!.id);
  });

  it("when all pages are walked with nextBefore, they yield exactly the reversed full history", () => {
    const { alice, bob } = busy(47);
    for (const account of [alice, bob]) {
      const reversed = account.getTransactionHistory().reverse().map((t) => t.id);
      for (const limit of [1, 2, 5, 46, 47, 48, PAGE_SIZE_MAX]) {
        const { ids, pages } = walk(account, limit);
        expect(ids).toEqual(reversed);
        expect(pages).toBe(Math.ceil(reversed.length / limit));
      }
    }
  });

  it("when a page reaches the opening transaction, nextBefore is null even if the page is full", () => {
    const { alice } = busy(10);
    const first = alice.getTransactionPage({ limit: 5 });
    expect(first.nextBefore).not.toBeNull();
    const last = alice.getTransactionPage({ limit: 5, before: first.nextBefore! });
    expect(last.transactions).toHaveLength(5);
    expect(last.transactions.at(-1)!.type).toBe("account_opened");
    expect(last.nextBefore).toBeNull();
  });

  it("when `before` is the opening transaction, the page is empty and final", () => {
    const { alice } = busy(4);
    expect(alice.getTransactionPage({ before: 1 })).toEqual({ transactions: [], nextBefore: null });
  });

  it("when `before` is a transfer, both sides may page from it", () => {
    const { alice, bob } = story();
    expect(alice.getTransactionPage({ before: 5 }).transactions.map((t) => t.id)).toEqual([4, 3, 1]);
    expect(bob.getTransactionPage({ before: 5 }).transactions.map((t) => t.id)).toEqual([2]);
    expect(bob.getTransactionPage({ before: 6, limit: 1 })).toEqual({
      transactions: [bob.getTransactionHistory()[1]],
      nextBefore: 5,
    });
  });

  it.each([
    ["another account's transaction", 2],
    ["zero", 0],
    ["negative", -1],
    ["past the last transaction", 7],
    ["huge", 2 ** 40],
    ["fractional", 1.5],
    ["NaN", NaN],
    ["not a number", "3" as unknown as number],
  ])("when `before` is %s (%j), the page is refused with InvalidArgumentError", (_what, before) => {
    const { alice } = story();
    const error = thrownBy(() => alice.getTransactionPage({ before }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(`Cursor ${String(before)} is not a transaction of account 'Alice'`);
  });

  it.each([0, -1, PAGE_SIZE_MAX + 1, 1.5, NaN])("when the limit is %j, the page is refused", (limit) => {
    const { alice } = story();
    expect(thrownBy(() => alice.getTransactionPage({ limit }))).toBeInstanceOf(InvalidArgumentError);
  });

  it("when the limit is PAGE_SIZE_MAX, a page holds that many", () => {
    const { alice } = busy(PAGE_SIZE_MAX + 2);
    const page = alice.getTransactionPage({ limit: PAGE_SIZE_MAX });
    expect(page.transactions).toHaveLength(PAGE_SIZE_MAX);
    expect(alice.getTransactionPage({ limit: PAGE_SIZE_MAX, before: page.nextBefore! }).transactions).toHaveLength(2);
  });

  it("when items come from a page, they are equal to the same items of the full history", () => {
    const { bob } = story();
    const byId = new Map(bob.getTransactionHistory().map((t): [number, Transaction] => [t.id, t]));
    for (const item of bob.getTransactionPage({ limit: 3 }).transactions) {
      expect(item.toJSON()).toEqual(byId.get(item.id)!.toJSON());
    }
  });
});
