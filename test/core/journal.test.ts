// The journal: entries read back field by field, times kept once per run, growth of the first chunk
// and past a full chunk of 65,536 entries, the capacity it reports, and histories read through it.

import { describe, expect, it } from "vitest";
import { AssertionError } from "../../src/core/assert.js";
import { Bank } from "../../src/core/index.js";
import { ledgerOf } from "../../src/core/internal.js";
import { ENTRY_BYTES, EntryKind, Journal, NONE } from "../../src/core/journal.js";
import { thrownBy } from "./support.js";

const CHUNK_ENTRIES = 65_536;
const FIRST_CHUNK_ENTRIES = 256;

describe("Journal", () => {
  it("when entries are appended, positions are dense and every field reads back", () => {
    const journal = new Journal();
    expect(journal.append(EntryKind.Opened, 10, NONE, 0, 0, 500)).toBe(0);
    expect(journal.append(EntryKind.Opened, 11, NONE, 0, 1, 0)).toBe(1);
    expect(journal.append(EntryKind.Transfer, 12, 0, 300, 1, 200)).toBe(2);
    expect(journal.length).toBe(3);
    expect(journal.kind(2)).toBe(EntryKind.Transfer);
    expect([journal.timeMs(0), journal.timeMs(1), journal.timeMs(2)]).toEqual([10, 11, 12]);
    expect(journal.debitAccount(2)).toBe(0);
    expect(journal.creditAccount(2)).toBe(1);
    expect(journal.debitBalanceAfterMinor(2)).toBe(300);
    expect(journal.creditBalanceAfterMinor(2)).toBe(200);
    expect(journal.balanceAfterMinor(2, 0)).toBe(300);
    expect(journal.balanceAfterMinor(2, 1)).toBe(200);
    expect(journal.balanceAfterMinor(0, 0)).toBe(500);
    expect(journal.debitAccount(0)).toBe(NONE);
  });

  it("when a position is outside the journal, reading it is an invariant failure, not a value", () => {
    const journal = new Journal();
    expect(thrownBy(() => journal.kind(0))).toBeInstanceOf(AssertionError);
    journal.append(EntryKind.Deposit, 1, NONE, 0, 0, 1);
    expect(thrownBy(() => journal.debitAccount(-1))).toBeInstanceOf(AssertionError);
    const error = thrownBy(() => journal.timeMs(1));
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as Error).message).toBe("Invariant broken: journal position out of range");
  });

  it("when asked for the balance of an account that is not a side of the entry, the journal fails loudly", () => {
    const journal = new Journal();
    journal.append(EntryKind.Deposit, 1, NONE, 0, 0, 1);
    const error = thrownBy(() => journal.balanceAfterMinor(0, 7));
    expect(error).toBeInstanceOf(AssertionError);
    expect((error as Error).message).toBe("Invariant broken: account is a side of this entry");
  });

  it("when entries share a time, the time is kept once per run, and each entry reads its run's time", () => {
    const journal = new Journal();
    const times = [5, 5, 5, 6, 6, 9, 9, 9, 9, 12];
    for (const timeMs of times) journal.append(EntryKind.Deposit, timeMs, NONE, 0, 0, 1);
    expect(times.map((_, position) => journal.timeMs(position))).toEqual(times);
    // Four runs, in the times' first room of 64 runs of 12 bytes, however many entries share them:
    // 1,010 entries fill a first chunk grown to 1,223 entries, and the times take no more room.
    for (let i = 0; i < 1000; i++) journal.append(EntryKind.Deposit, 12, NONE, 0, 0, 1);
    expect(journal.capacityBytes).toBe(1223 * ENTRY_BYTES + 64 * 12);
    expect(journal.timeMs(journal.length - 1)).toBe(12);
  });

  it("when an entry's time is before the last one's, the journal fails loudly instead of recording it", () => {
    const journal = new Journal();
    journal.append(EntryKind.Deposit, 10, NONE, 0, 0, 1);
    const error = thrownBy(() => journal.append(EntryKind.Deposit, 9, NONE, 0, 0, 2));
    expect((error as Error).message).toBe("Invariant broken: journal time never goes backwards");
    expect(journal.length).toBe(1);
  });

  it("when more times than the first runs' room are recorded, every one reads back", () => {
    const journal = new Journal();
    for (let i = 0; i < 1000; i++) journal.append(EntryKind.Deposit, i * 3, NONE, 0, 0, 1);
    let mismatches = 0;
    for (let position = 0; position < 1000; position++) if (journal.timeMs(position) !== position * 3) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("when entries are appended past a full chunk, there is always room, capacity never shrinks, and at most a quarter is unused", () => {
    const journal = new Journal();
    expect(ENTRY_BYTES).toBe(25);
    // Every entry below has the same time: the times take their first room only.
    const timesBytes = journal.capacityBytes - FIRST_CHUNK_ENTRIES * ENTRY_BYTES;
    expect(timesBytes).toBe(64 * 12);
    let previousBytes = journal.capacityBytes - timesBytes;
    let grew = 0;
    let violations = 0;
    for (let i = 0; i < CHUNK_ENTRIES + 20_000; i++) {
      journal.append(EntryKind.Deposit, 0, i % 5, i + 1, i % 7, i * 2);
      const bytes = journal.capacityBytes - timesBytes;
      const entries = journal.length;
      // Room for every entry; never shrinking; unused room at most a quarter of the entries
      // (beyond the first chunk's minimum), as journal.ts promises.
      const roomy = bytes >= entries * ENTRY_BYTES;
      const bounded = bytes <= Math.max(FIRST_CHUNK_ENTRIES, Math.ceil(entries * 1.25)) * ENTRY_BYTES;
      if (!roomy || !bounded || bytes < previousBytes) violations++;
      if (bytes > previousBytes) grew++;
      previousBytes = bytes;
    }
    expect(violations).toBe(0);
    expect(grew).toBeGreaterThan(1);
    expect(journal.length).toBe(CHUNK_ENTRIES + 20_000);
    // Every entry survived the copies made while growing, and the chunk boundary.
    let mismatches = 0;
    for (let position = 0; position < journal.length; position++) {
      const same =
        journal.debitAccount(position) === position % 5 &&
        journal.debitBalanceAfterMinor(position) === position + 1 &&
        journal.creditAccount(position) === position % 7 &&
        journal.creditBalanceAfterMinor(position) === position * 2 &&
        journal.kind(position) === EntryKind.Deposit &&
        journal.timeMs(position) === 0;
      if (!same) mismatches++;
    }
    expect(mismatches).toBe(0);
  });
});

describe("journal through the bank", () => {
  it("when a bank records more than a full chunk of transactions, every history stays whole and exact", () => {
    const bank = new Bank({ clock: () => 42 });
    const alice = bank.createAccount("Alice", 1_000_000);
    const bob = bank.createAccount("Bob", 1_000_000);
    const carol = bank.createAccount("Carol");
    const operations = 72_000;
    let aliceMinor = 100_000_000;
    let bobMinor = 100_000_000;
    let carolMinor = 0;
    for (let i = 0; i < operations; i++) {
      const amountMinor = (i % 997) + 1;
      if (i % 3 === 0) {
        alice.transfer(bob, amountMinor / 100);
        aliceMinor -= amountMinor;
        bobMinor += amountMinor;
      } else if (i % 3 === 1) {
        bob.transfer(alice, amountMinor / 100);
        bobMinor -= amountMinor;
        aliceMinor += amountMinor;
      } else {
        bank.deposit("Carol", amountMinor / 100);
        carolMinor += amountMinor;
      }
    }
    expect(bank.transactionCount).toBe(3 + operations);
    expect([alice.balanceMinor, bob.balanceMinor, carol.balanceMinor]).toEqual([aliceMinor, bobMinor, carolMinor]);
    const count = bank.transactionCount;
    const { journal } = ledgerOf(bank);
    // One time for every entry: the times cost their first room, 64 runs of 12 bytes.
    expect(journal.capacityBytes).toBeGreaterThanOrEqual(count * ENTRY_BYTES + 64 * 12);
    expect(journal.capacityBytes).toBeLessThanOrEqual(Math.ceil(count * 1.25) * ENTRY_BYTES + 64 * 12);

    for (const account of [alice, bob, carol]) {
      const history = account.getTransactionHistory();
      expect(history).toHaveLength(account.historyLength);
      let balanceMinor = 0;
      let previousId = 0;
      for (const item of history) {
        expect(item.id).toBeGreaterThan(previousId);
        previousId = item.id;
        const sign = item.type === "transfer_out" || item.type === "withdrawal" ? -1 : 1;
        balanceMinor += sign * item.amountMinor;
        expect(item.balanceAfterMinor).toBe(balanceMinor);
      }
      expect(balanceMinor).toBe(account.balanceMinor);
    }
    // Transfers (two thirds of the operations) appear in two histories, deposits in one.
    expect(alice.historyLength + bob.historyLength + carol.historyLength).toBe(3 + operations + (2 * operations) / 3);

    // The entries on both sides of the chunk boundary read back as what was recorded: the entry with
    // id n is operation n - 4 (ids 1 to 3 are the openings), a deposit seen once or a transfer seen twice.
    const ids = [CHUNK_ENTRIES - 1, CHUNK_ENTRIES, CHUNK_ENTRIES + 1, CHUNK_ENTRIES + 2];
    const seen = [alice, bob, carol].flatMap((account) =>
      account.getTransactionHistory().filter((item) => ids.includes(item.id)),
    );
    for (const id of ids) {
      const i = id - 4;
      const items = seen.filter((item) => item.id === id);
      expect(items).toHaveLength(i % 3 === 2 ? 1 : 2);
      for (const item of items) expect(item.amountMinor).toBe((i % 997) + 1);
    }
  });

  it("when pages are read across the chunk boundary, they follow the history exactly", () => {
    const bank = new Bank({ clock: () => 7 });
    const alice = bank.createAccount("Alice");
    bank.createAccount("Bob");
    for (let i = 0; i < CHUNK_ENTRIES + 10; i++) bank.deposit(i % 2 === 0 ? "Alice" : "Bob", 0.01);
    // Alice's deposits have the odd ids from 3 on; the chunk boundary lies between ids 65,536 and 65,537.
    const page = alice.getTransactionPage({ limit: 10, before: CHUNK_ENTRIES + 7 });
    const expectedIds = Array.from({ length: 10 }, (_, k) => CHUNK_ENTRIES + 5 - 2 * k);
    expect(page.transactions.map((t) => t.id)).toEqual(expectedIds);
    expect(page.nextBefore).toBe(CHUNK_ENTRIES - 13);
    // Alice's deposit with id n is her ((n - 1) / 2)th, so her balance after it is that many cents.
    expect(page.transactions.map((t) => t.balanceAfterMinor)).toEqual(expectedIds.map((id) => (id - 1) / 2));
  });
});
