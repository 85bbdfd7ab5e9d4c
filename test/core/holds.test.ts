// Holds in the library: money reserved and then posted (all or part), voided or expired, once; the
// sender's available drops and its balance does not; every step in both histories; expiry by an
// injected clock and in real time; and the laws, tried on any mix of holds and transfers.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AMOUNT_MINOR_MAX,
  Bank,
  BankError,
  HOLD_TIMEOUT_SECONDS_MAX,
  HoldAmountExceededError,
  HoldNotFoundError,
  HoldNotPendingError,
  InsufficientFundsError,
  InvalidArgumentError,
  SameAccountError,
  formatMinor,
} from "../../src/core/index.js";
import { expectRefusedWithoutTrace, snapshot, thrownBy } from "./support.js";

const START_MS = Date.UTC(2026, 0, 1);

/** A bank on a clock the test moves, with alice (100.00) and bob (0.00). */
function bankOnClock(): { bank: Bank; advance: (ms: number) => void; now: () => number } {
  let nowMs = START_MS;
  const bank = new Bank({ clock: () => nowMs });
  bank.createAccount("alice", 100);
  bank.createAccount("bob");
  return { bank, advance: (ms) => (nowMs += ms), now: () => nowMs };
}

describe("a hold", () => {
  it("when made, lowers the sender's available, not its balance, and is in both histories", () => {
    const { bank } = bankOnClock();
    const hold = bank.hold("alice", "bob", 30, { timeoutSeconds: 60, reference: "order-7" });
    const alice = bank.getAccount("alice");
    expect([alice.balance, alice.available, alice.held]).toEqual([100, 70, 30]);
    expect([bank.getAccount("bob").balance, bank.getAccount("bob").available]).toEqual([0, 0]);
    expect(hold.toJSON()).toEqual({
      id: 1, sender: "alice", recipient: "bob", amount: 30, status: "pending", postedAmount: 0,
      createdAt: "2026-01-01T00:00:00.000Z", expiresAt: "2026-01-01T00:01:00.000Z", reference: "order-7",
    });
    expect(alice.getTransactionHistory().at(-1)?.toJSON()).toMatchObject({ type: "hold_created", amount: 30, balanceAfter: 100, counterparty: "bob", description: "Held: 30.00 for bob", reference: "order-7", holdId: 1 });
    expect(bank.getAccount("bob").getTransactionHistory().at(-1)?.description).toBe("Hold from alice: 30.00");
  });

  it("when posted in part, moves that part and releases the rest; once posted, it changes no more", () => {
    const { bank } = bankOnClock();
    const hold = bank.hold("alice", "bob", 30);
    expect(hold.post(20).status).toBe("posted");
    const [alice, bob] = [bank.getAccount("alice"), bank.getAccount("bob")];
    expect([alice.balance, alice.available, alice.held, bob.balance]).toEqual([80, 80, 0, 20]);
    expect(hold.postedAmount).toBe(20);
    expect(alice.getTransactionHistory().at(-1)?.description).toBe("Hold posted: 20.00 to bob");
    expect(bob.getTransactionHistory().at(-1)?.toJSON()).toMatchObject({ type: "hold_posted", amount: 20, balanceAfter: 20, description: "Received from hold: 20.00 alice" });
    for (const again of [() => hold.post(), () => hold.void()]) {
      const error = expectRefusedWithoutTrace(bank, again, HoldNotPendingError);
      expect(error.message).toBe("Hold 1 was already posted");
    }
  });

  it("when posted without an amount, moves all of it; when voided, moves none of it", () => {
    const { bank } = bankOnClock();
    bank.postHold(bank.hold("alice", "bob", 10).id);
    bank.voidHold(bank.hold("alice", "bob", 15).id);
    expect([bank.getAccount("alice").balance, bank.getAccount("alice").available, bank.getAccount("bob").balance]).toEqual([90, 90, 10]);
    expect(bank.getAccount("bob").getTransactionHistory().at(-1)?.description).toBe("Hold voided: 15.00 from alice");
  });

  it("when its time comes, expires on its own at its time, releases its money, and can be posted no more", () => {
    const { bank, advance } = bankOnClock();
    const hold = bank.hold("alice", "bob", 40, { timeoutSeconds: 5 });
    advance(4_999);
    expect(hold.status).toBe("pending");
    advance(1);
    expect(bank.getAccount("alice").available).toBe(100);
    expect(hold.status).toBe("expired");
    const expired = bank.getAccount("alice").getTransactionHistory().at(-1);
    expect(expired?.toJSON()).toMatchObject({ type: "hold_expired", amount: 40, description: "Hold expired: 40.00 for bob", timestamp: "2026-01-01T00:00:05.000Z" });
    expect(expectRefusedWithoutTrace(bank, () => hold.post(), HoldNotPendingError).message).toBe("Hold 1 has expired");
  });

  it("when a transfer comes after a hold's time, the hold expires first, at its own time, so the money is there", () => {
    const { bank, advance } = bankOnClock();
    bank.hold("alice", "bob", 90, { timeoutSeconds: 1 });
    expect(() => bank.transfer("alice", "bob", 20)).toThrow(InsufficientFundsError);
    advance(10_000);
    bank.transfer("alice", "bob", 20);
    expect(bank.getAccount("alice").getTransactionHistory().slice(-2).map((t) => [t.type, t.timestamp.toISOString()])).toEqual([
      ["hold_expired", "2026-01-01T00:00:01.000Z"],
      ["transfer_out", "2026-01-01T00:00:10.000Z"],
    ]);
  });

  it("when nothing else happens, expires on its own in real time, after an in-memory bank's close() too", async () => {
    const bank = new Bank();
    bank.createAccount("alice", 10);
    bank.createAccount("bob");
    const stream = bank.events();
    bank.hold("alice", "bob", 5, { timeoutSeconds: 1 });
    // close() stops the timer; an in-memory bank goes on, and its next hold sets one again.
    await bank.close();
    bank.hold("alice", "bob", 5, { timeoutSeconds: 1 });
    const seen: string[] = [];
    const deadline = Date.now() + 5_000;
    while (seen.length < 4 && Date.now() < deadline) {
      const next = await Promise.race([stream.next(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000))]);
      if (next === null || next.done === true) break;
      seen.push(next.value.type);
    }
    stream.close();
    expect(seen).toEqual(["hold_created", "hold_created", "hold_expired", "hold_expired"]);
  });

  it.each<[string, (bank: Bank) => unknown, new (...args: never[]) => BankError, string]>([
    ["more than the sender may spend", (bank) => bank.hold("alice", "bob", 100.01), InsufficientFundsError, "Cannot withdraw 100.01; balance is only 100.00"],
    ["the same account", (bank) => bank.hold("alice", "alice", 1), SameAccountError, "Cannot transfer to the same account"],
    ["a timeout of 0", (bank) => bank.hold("alice", "bob", 1, { timeoutSeconds: 0 }), InvalidArgumentError, `A hold's timeout must be a whole number of seconds from 1 to ${HOLD_TIMEOUT_SECONDS_MAX}`],
    ["a timeout past the maximum", (bank) => bank.hold("alice", "bob", 1, { timeoutSeconds: HOLD_TIMEOUT_SECONDS_MAX + 1 }), InvalidArgumentError, `A hold's timeout must be a whole number of seconds from 1 to ${HOLD_TIMEOUT_SECONDS_MAX}`],
    ["a reference with a space", (bank) => bank.hold("alice", "bob", 1, { reference: "order 7" }), InvalidArgumentError, "Reference must be 1 to 64 visible ASCII characters"],
    ["a post of an unknown hold", (bank) => bank.postHold(9), HoldNotFoundError, "Hold 9 not found"],
    ["a post of more than the hold", (bank) => bank.postHold(bank.hold("alice", "bob", 5).id, 5.01), HoldAmountExceededError, "Cannot post 5.01; hold 1 is for 5.00"],
  ])("when asked for %s, refuses and changes nothing", (_case, action, errorClass, message) => {
    const { bank } = bankOnClock();
    // A hold made by the action itself is the action's, not a trace: compare what is not about it.
    const error = thrownBy(() => action(bank));
    expect(error).toBeInstanceOf(errorClass);
    expect((error as Error).message).toBe(message);
    expect(bank.getAccount("alice").balance).toBe(100);
    expect(bank.getAccount("bob").balance).toBe(0);
  });

  it("when a post would take the recipient past the limit, refuses and the hold stays pending", () => {
    const { bank } = bankOnClock();
    bank.createAccount("rich", formatMinor(AMOUNT_MINOR_MAX - 100));
    const hold = bank.hold("alice", "rich", 1);
    bank.deposit("rich", 1);
    const before = snapshot(bank);
    expect(thrownBy(() => hold.post())).toMatchObject({ code: "BALANCE_LIMIT_EXCEEDED" });
    expect(snapshot(bank)).toEqual(before);
    expect(hold.status).toBe("pending");
  });

  it("when a key is given, a retried step is a replay", () => {
    const { bank } = bankOnClock();
    const hold = bank.hold("alice", "bob", 10, { idempotencyKey: "h" });
    expect(bank.hold("alice", "bob", 10, { idempotencyKey: "h" }).id).toBe(hold.id);
    bank.postHold(hold.id, 4, { idempotencyKey: "p" });
    expect(bank.postHold(hold.id, 4, { idempotencyKey: "p" }).postedAmount).toBe(4);
    expect(bank.getAccount("bob").balance).toBe(4);
  });

  it("when posted or voided through its handle, returns that handle; with a key, the step is a replay there too", () => {
    const { bank } = bankOnClock();
    const posted = bank.hold("alice", "bob", 10);
    expect(posted.post(3)).toBe(posted);
    const voided = bank.hold("alice", "bob", 20);
    expect(voided.void()).toBe(voided);
    expect([posted.status, voided.status, bank.getAccount("bob").balance]).toEqual(["posted", "voided", 3]);
    const keyed = bank.hold("alice", "bob", 5);
    expect(keyed.post(2, { idempotencyKey: "post" })).toBe(keyed);
    expect(keyed.post(2, { idempotencyKey: "post" })).toBe(keyed);
    expect(keyed.postedAmount).toBe(2);
    expect(thrownBy(() => keyed.post(1, { idempotencyKey: "post" }))).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    const keyedVoid = bank.hold("alice", "bob", 5);
    expect(keyedVoid.void({ idempotencyKey: "void" })).toBe(keyedVoid);
    expect(keyedVoid.void({ idempotencyKey: "void" }).status).toBe("voided");
    expect(thrownBy(() => keyedVoid.void())).toMatchObject({ code: "HOLD_NOT_PENDING" });
    expect(bank.getAccount("bob").balance).toBe(5);
  });

  it("when a step with a key is refused, the refusal is kept: its retry is the same refusal", () => {
    const { bank } = bankOnClock();
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(thrownBy(() => bank.hold("alice", "bob", 500, { idempotencyKey: "too-much" }))).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
      expect(thrownBy(() => bank.postHold(99, undefined, { idempotencyKey: "post-none" }))).toMatchObject({ code: "HOLD_NOT_FOUND" });
      expect(thrownBy(() => bank.voidHold(99, { idempotencyKey: "void-none" }))).toMatchObject({ code: "HOLD_NOT_FOUND" });
    }
    bank.deposit("alice", 1_000);
    expect(thrownBy(() => bank.hold("alice", "bob", 500, { idempotencyKey: "too-much" }))).toMatchObject({ code: "INSUFFICIENT_FUNDS" });
    expect(bank.hold("alice", "bob", 500).id).toBe(1);
  });
});

describe("references and history queries", () => {
  it("when filtered by type, reference or time, a page holds only what matches, newest first", () => {
    const { bank, advance } = bankOnClock();
    bank.deposit("alice", 1, { reference: "INV-1" });
    advance(1_000);
    bank.transfer("alice", "bob", 2, { reference: "INV-2" });
    advance(1_000);
    bank.hold("alice", "bob", 3, { reference: "INV-1" });
    advance(1_000);
    bank.withdraw("alice", 4);
    const alice = bank.getAccount("alice");
    const ids = (options: Parameters<typeof alice.getTransactionPage>[0]) => alice.getTransactionPage(options).transactions.map((t) => t.id);
    expect(ids({ type: "deposit" })).toEqual([3]);
    expect(ids({ reference: "INV-1" })).toEqual([5, 3]);
    expect(ids({ reference: "INV-1", type: "hold_created" })).toEqual([5]);
    expect(ids({ reference: "nothing" })).toEqual([]);
    expect(ids({ from: START_MS + 1_000, to: START_MS + 2_000 })).toEqual([5, 4]);
    expect(ids({ from: new Date(START_MS + 2_500) })).toEqual([6]);
    expect(ids({ to: START_MS })).toEqual([3, 1]);
    expect(bank.getAccount("bob").getTransactionPage({ reference: "INV-2" }).transactions.map((t) => t.type)).toEqual(["transfer_in"]);
    expect(() => alice.getTransactionPage({ from: 5, to: 4 })).toThrow("'from' must not be after 'to'");
    expect(() => alice.getTransactionPage({ type: "refund" as never })).toThrow(InvalidArgumentError);
  });

  it("when a filter matches rarely in a long history, a page looks at a bounded stretch and says where to go on", () => {
    const { bank } = bankOnClock();
    bank.deposit("alice", 1);
    for (let i = 0; i < 12_000; i++) bank.transfer(i % 2 === 0 ? "alice" : "bob", i % 2 === 0 ? "bob" : "alice", 0.01);
    const alice = bank.getAccount("alice");
    const first = alice.getTransactionPage({ type: "deposit" });
    expect(first.transactions).toEqual([]);
    expect(first.nextBefore).not.toBeNull();
    const second = alice.getTransactionPage({ type: "deposit", before: first.nextBefore as number });
    expect(second.transactions.map((t) => t.id)).toEqual([3]);
  });

  it("when asked the balance at an instant, gives it exactly; before the account existed, refuses", () => {
    const { bank, advance } = bankOnClock();
    advance(1_000);
    bank.deposit("alice", 0.1);
    advance(1_000);
    bank.withdraw("alice", 50);
    expect(bank.balanceAt("alice", START_MS)).toBe(100);
    expect(bank.balanceAt("alice", START_MS + 1_500)).toBe(100.1);
    expect(bank.balanceAt("alice", new Date(START_MS + 60_000))).toBe(50.1);
    expect(() => bank.balanceAt("alice", START_MS - 1)).toThrow("Account 'alice' was opened after 2025-12-31T23:59:59.999Z");
  });

  it("when a statement is asked, it has the opening balance, the period's transactions and the closing balance", () => {
    const { bank, advance } = bankOnClock();
    advance(1_000);
    bank.deposit("alice", 5);
    advance(1_000);
    bank.transfer("alice", "bob", 7);
    advance(1_000);
    bank.deposit("alice", 1);
    const statement = bank.statement("alice", START_MS + 500, START_MS + 2_000);
    expect(statement.openingBalanceMinor).toBe(10_000);
    expect(statement.transactions.map((t) => t.description)).toEqual(["Deposited: 5.00", "Transferred to: 7.00 bob"]);
    expect(statement.closingBalanceMinor).toBe(9_800);
    expect(bank.statement("bob", START_MS - 10, START_MS).openingBalanceMinor).toBe(0);
    expect(() => bank.statement("alice", 2, 1)).toThrow("'from' must not be after 'to'");
  });
});

describe("the laws of holds", () => {
  const NAMES = ["a", "b", "c"];
  type Step =
    | { op: "hold"; sender: number; recipient: number; cents: number; seconds: number }
    | { op: "post"; hold: number; cents: number | null }
    | { op: "void"; hold: number }
    | { op: "transfer"; sender: number; recipient: number; cents: number }
    | { op: "wait"; ms: number };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ op: fc.constant("hold" as const), sender: fc.nat(2), recipient: fc.nat(2), cents: fc.integer({ min: 1, max: 6_000 }), seconds: fc.integer({ min: 1, max: 20 }) }),
    fc.record({ op: fc.constant("post" as const), hold: fc.integer({ min: 1, max: 12 }), cents: fc.option(fc.integer({ min: 1, max: 6_000 }), { nil: null }) }),
    fc.record({ op: fc.constant("void" as const), hold: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ op: fc.constant("transfer" as const), sender: fc.nat(2), recipient: fc.nat(2), cents: fc.integer({ min: 1, max: 6_000 }) }),
    fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 1, max: 15_000 }) }),
  );

  it("any mix: available never below zero, money conserved, each hold ends once with post plus release its amount, and history replays to every balance, available, incoming and balance at T", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let nowMs = START_MS;
        const bank = new Bank({ clock: () => nowMs });
        for (const name of NAMES) bank.createAccount(name, 50);
        const total = () => NAMES.reduce((sum, name) => sum + bank.getAccount(name).balanceMinor, 0);
        // The balances at each instant, after the last step at it (several share an instant).
        const instants = new Map<number, Record<string, number>>();
        for (const s of steps) {
          try {
            if (s.op === "hold") bank.hold(NAMES[s.sender] as string, NAMES[s.recipient] as string, s.cents / 100, { timeoutSeconds: s.seconds });
            else if (s.op === "post") bank.postHold(s.hold, s.cents === null ? undefined : s.cents / 100);
            else if (s.op === "void") bank.voidHold(s.hold);
            else if (s.op === "transfer") bank.transfer(NAMES[s.sender] as string, NAMES[s.recipient] as string, s.cents / 100);
            else nowMs += s.ms;
          } catch (error) {
            if (!(error instanceof BankError)) throw error;
          }
          for (const name of NAMES) expect(bank.getAccount(name).availableMinor).toBeGreaterThanOrEqual(0);
          expect(total()).toBe(15_000);
          instants.set(nowMs, Object.fromEntries(NAMES.map((name) => [name, bank.getAccount(name).balanceMinor])));
        }
        // Each hold: created once, ended at most once; a posted one moved part or all of it.
        let holdsSeen = 0;
        for (let id = 1; ; id++) {
          let hold;
          try {
            hold = bank.getHold(id);
          } catch {
            break;
          }
          holdsSeen++;
          const steps = bank.getAccount(hold.sender).getTransactionHistory().filter((t) => t.holdId === id).map((t) => t.type);
          expect(steps[0]).toBe("hold_created");
          expect(steps.length).toBe(hold.status === "pending" ? 1 : 2);
          if (hold.status === "posted") expect(hold.postedAmount).toBeGreaterThan(0);
          expect(hold.postedAmount).toBeLessThanOrEqual(hold.amount);
        }
        expect(holdsSeen).toBeLessThanOrEqual(steps.length);
        // The history replayed: every balance, every available (balance less pending holds), and
        // what pending holds of others reserve for each account.
        for (const name of NAMES) {
          const account = bank.getAccount(name);
          let balance = 0;
          let held = 0;
          let incoming = 0;
          for (const t of account.getTransactionHistory()) {
            const mine = t.incoming ? 0 : t.amountMinor;
            if (t.type === "account_opened" || t.type === "deposit" || t.type === "transfer_in") balance += t.amountMinor;
            else if (t.type === "withdrawal" || t.type === "transfer_out") balance -= t.amountMinor;
            else if (t.type === "hold_created") {
              held += mine;
              incoming += t.incoming ? t.amountMinor : 0;
            } else if (t.type === "hold_posted") {
              const amount = bank.getHold(t.holdId as number).amountMinor;
              if (t.incoming) {
                balance += t.amountMinor;
                incoming -= amount;
              } else {
                balance -= t.amountMinor;
                held -= amount;
              }
            } else if (!t.incoming) held -= t.amountMinor;
            else incoming -= t.amountMinor;
            expect(t.balanceAfterMinor).toBe(balance);
          }
          expect(balance).toBe(account.balanceMinor);
          expect(balance - held).toBe(account.availableMinor);
          expect(incoming).toBe(account.incomingHeldMinor);
        }
        // Balance at T is the replay up to T.
        for (const [atMs, balances] of instants.entries()) {
          for (const name of NAMES) expect(Math.round(bank.balanceAt(name, atMs) * 100)).toBe(balances[name]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
