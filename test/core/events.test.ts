// The event stream of the library: every committed transaction in order, resumable after any id
// with no gap and no repeat, filtered to one account as it sees them, and nothing while no one listens.

import { describe, expect, it } from "vitest";
import { AccountNotFoundError, Bank, InvalidArgumentError, type EventStream } from "../../src/core/index.js";
import { thrownBy } from "./support.js";

function bankWithHistory(): Bank {
  const bank = new Bank({ clock: () => 1_000 });
  bank.createAccount("alice", 100);
  bank.createAccount("bob");
  bank.transfer("alice", "bob", 10);
  bank.deposit("bob", 1);
  return bank;
}

/** The next `count` events' ids and descriptions. */
async function take(stream: EventStream, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    const { value } = await stream.next();
    seen.push(`${value.id} ${value.accountName}: ${value.description}`);
  }
  return seen;
}

describe("bank.events", () => {
  it("when started after 0, gives the whole history in order, then each new transaction as it is recorded", async () => {
    const bank = bankWithHistory();
    const stream = bank.events({ after: 0 });
    expect(await take(stream, 4)).toEqual([
      "1 alice: Account created with balance: 100.00",
      "2 bob: Account created with balance: 0.00",
      "3 alice: Transferred to: 10.00 bob",
      "4 bob: Deposited: 1.00",
    ]);
    const next = take(stream, 3);
    bank.withdraw("alice", 5);
    bank.transferBatch([{ sender: "bob", recipient: "alice", amount: 2 }, { sender: "alice", recipient: "bob", amount: 3 }]);
    expect(await next).toEqual([
      "5 alice: Withdrawn: 5.00",
      "6 bob: Transferred to: 2.00 alice",
      "7 alice: Transferred to: 3.00 bob",
    ]);
    expect(stream.lastId).toBe(7);
    expect(stream.lag).toBe(0);
    stream.close();
  });

  it("when resumed after the last id another stream saw, misses nothing and repeats nothing", async () => {
    const bank = bankWithHistory();
    const first = bank.events({ after: 0 });
    await take(first, 2);
    first.close();
    bank.deposit("alice", 7);
    const resumed = bank.events({ after: first.lastId });
    expect(await take(resumed, 3)).toEqual(["3 alice: Transferred to: 10.00 bob", "4 bob: Deposited: 1.00", "5 alice: Deposited: 7.00"]);
    resumed.close();
  });

  it("when filtered to an account, gives its transactions as it sees them, resuming by id", async () => {
    const bank = bankWithHistory();
    const bobs = bank.events({ account: "bob", after: 2 });
    const next = take(bobs, 3);
    bank.deposit("alice", 1);
    bank.transfer("bob", "alice", 4);
    expect(await next).toEqual(["3 bob: Received from: 10.00 alice", "4 bob: Deposited: 1.00", "6 bob: Transferred to: 4.00 alice"]);
    expect(bobs.lastId).toBe(6);
    bobs.close();
  });

  it("when started without after, gives only what comes next, openings included", async () => {
    const bank = bankWithHistory();
    const stream = bank.events();
    const next = take(stream, 2);
    bank.deposit("alice", 2);
    bank.createAccount("carol", 3);
    expect(await next).toEqual(["5 alice: Deposited: 2.00", "6 carol: Account created with balance: 3.00"]);
    stream.close();
  });

  it("when closed while waiting, the pending next ends the iteration, and a for-await loop ends", async () => {
    const bank = bankWithHistory();
    const stream = bank.events();
    const pending = stream.next();
    stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await stream.next()).toEqual({ done: true, value: undefined });
    const looped: number[] = [];
    const loop = bank.events({ after: 3 });
    for await (const transaction of loop) {
      looped.push(transaction.id);
      if (transaction.id === 4) break;
    }
    expect(looped).toEqual([4]);
    expect(await loop.next()).toEqual({ done: true, value: undefined });
  });

  it("when several streams are open, each gets every event, and closing one leaves the others", async () => {
    const bank = bankWithHistory();
    const first = bank.events();
    const second = bank.events();
    const both = Promise.all([take(first, 1), take(second, 2)]);
    bank.deposit("alice", 1);
    await new Promise((resolve) => setTimeout(resolve, 1));
    first.close();
    bank.deposit("bob", 2);
    expect(await both).toEqual([["5 alice: Deposited: 1.00"], ["5 alice: Deposited: 1.00", "6 bob: Deposited: 2.00"]]);
    second.close();
  });

  it("when asked after an id past the last, or for an unknown account, refuses", () => {
    const bank = bankWithHistory();
    for (const after of [5, -1, 1.5, Number.NaN]) expect(thrownBy(() => bank.events({ after }))).toBeInstanceOf(InvalidArgumentError);
    expect(thrownBy(() => bank.events({ account: "carol" }))).toBeInstanceOf(AccountNotFoundError);
  });
});
