// The law of durable mode: any sequence of operations, with the bank closed and opened again, or
// crashed and opened again, anywhere in it, leaves the same bank and the same answers as the
// in-memory bank that ran the operations that were synced (and the same idempotent replays).

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Bank, BankError, type TransferInstruction } from "../../src/index.js";
import { FileStore } from "../../src/store/file-store.js";
import { MemoryFiles } from "./memory-files.js";

const NAMES = ["alice", "bob", "carol", "dave"];
const CLOCK_MS = 1_700_000_000_000;
const AMOUNTS = fc.oneof(fc.integer({ min: 1, max: 5_000 }).map((cents) => cents / 100), fc.constantFrom(0, -1, 0.001, "2.50"));
const KEY = fc.option(fc.constantFrom("k1", "k2", "k3", "k4"), { nil: undefined });
const NAME = fc.constantFrom(...NAMES, "nobody");

type Command =
  | { op: "open"; name: string; balance: number }
  | { op: "deposit" | "withdraw"; name: string; amount: number | string; key: string | undefined }
  | { op: "transfer"; sender: string; recipient: string; amount: number | string; key: string | undefined }
  | { op: "batch"; transfers: TransferInstruction[]; atomic: boolean; key: string | undefined }
  | { op: "sync" }
  | { op: "restart"; how: "close" | "crash after sync" | "crash" };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant("open" as const), name: fc.constantFrom(...NAMES), balance: fc.integer({ min: 0, max: 10_000 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constantFrom("deposit" as const, "withdraw" as const), name: NAME, amount: AMOUNTS, key: KEY }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("transfer" as const), sender: NAME, recipient: NAME, amount: AMOUNTS, key: KEY }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("batch" as const),
      transfers: fc.array(fc.record({ sender: NAME, recipient: NAME, amount: AMOUNTS }), { minLength: 1, maxLength: 4 }),
      atomic: fc.boolean(),
      key: KEY,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "sync" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("restart" as const), how: fc.constantFrom("close" as const, "crash after sync" as const, "crash" as const) }) },
);

/** What an operation answered, as plain data. */
function run(bank: Bank, step: Exclude<Command, { op: "sync" | "restart" }>): unknown {
  try {
    switch (step.op) {
      case "open":
        return bank.createAccount(step.name, step.balance).toJSON();
      case "deposit":
        return bank.deposit(step.name, step.amount, { ...(step.key !== undefined && { idempotencyKey: step.key }) }).toJSON();
      case "withdraw":
        return bank.withdraw(step.name, step.amount, { ...(step.key !== undefined && { idempotencyKey: step.key }) }).toJSON();
      case "transfer":
        return bank.transfer(step.sender, step.recipient, step.amount, { ...(step.key !== undefined && { idempotencyKey: step.key }) }).toJSON();
      case "batch": {
        const result = bank.transferBatch(step.transfers, { atomic: step.atomic, ...(step.key !== undefined && { idempotencyKey: step.key }) });
        return { ...result, results: result.results.map((item) => (item.ok ? item : { index: item.index, error: item.error.message })) };
      }
    }
  } catch (error) {
    if (!(error instanceof BankError)) throw error;
    return { refused: error.code, message: error.message };
  }
}

function everything(bank: Bank): unknown {
  return bank.listAccounts().map((account) => ({
    name: account.name,
    balanceMinor: account.balanceMinor,
    history: account.getTransactionHistory().map((transaction) => transaction.toJSON()),
  }));
}

function openDurable(files: MemoryFiles): Promise<Bank> {
  return Bank.open({ clock: () => CLOCK_MS, store: new FileStore({ dataDir: "/data", files: files.process(), snapshotBytesMin: 2_000, segmentBytesMax: 1_500 }) });
}

describe("durable mode, against the in-memory bank", () => {
  it("any operations, restarts anywhere: the same bank and the same answers as in memory", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 40 }), async (commands) => {
        const files = new MemoryFiles();
        let durable = await openDurable(files);
        // The in-memory bank runs what the durable one still holds: all, less a crashed unsynced tail.
        const done: Exclude<Command, { op: "sync" | "restart" }>[] = [];
        let synced = 0;
        let memory = new Bank({ clock: () => CLOCK_MS });
        for (const step of commands) {
          if (step.op === "sync") {
            await durable.sync();
            synced = done.length;
          } else if (step.op === "restart") {
            if (step.how === "close") {
              await durable.close();
              synced = done.length;
            } else {
              if (step.how === "crash after sync") {
                await durable.sync();
                synced = done.length;
              }
              files.crash();
              done.length = synced;
              memory = new Bank({ clock: () => CLOCK_MS });
              for (const kept of done) run(memory, kept);
            }
            durable = await openDurable(files);
            expect(everything(durable)).toEqual(everything(memory));
          } else {
            expect(run(durable, step)).toEqual(run(memory, step));
            done.push(step);
          }
        }
        expect(everything(durable)).toEqual(everything(memory));
        await durable.close();
      }),
      { numRuns: 150 },
    );
  });
});
