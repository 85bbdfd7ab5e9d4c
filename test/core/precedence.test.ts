// Which refusal wins when several apply to one transfer, pinned: unknown sender, unknown recipient,
// bad amount, same account, insufficient funds, balance limit, in that order. Every path gives the
// same code and the same wording: the throwing call by names and by handles, the non-throwing call,
// atomic and independent batches, batches of codes, and batches that come already resolved.

import { describe, expect, it } from "vitest";
import {
  AMOUNT_MINOR_MAX,
  Bank,
  BankError,
  BatchRefusedError,
  formatMinor,
  type BankErrorCode,
  type TransferInstruction,
} from "../../src/core/index.js";
import { atomicRefusal, ledgerOf, runResolvedBatch } from "../../src/core/internal.js";
import { snapshot, thrownBy } from "./support.js";

/** The refusals a transfer can meet, in the order of precedence. */
const PRECEDENCE = [
  ["unknown sender", "ACCOUNT_NOT_FOUND"],
  ["unknown recipient", "ACCOUNT_NOT_FOUND"],
  ["bad amount", "INVALID_AMOUNT"],
  ["same account", "SAME_ACCOUNT"],
  ["insufficient funds", "INSUFFICIENT_FUNDS"],
  ["balance limit", "BALANCE_LIMIT_EXCEEDED"],
] as const;
type Condition = (typeof PRECEDENCE)[number][0];

/** poor has 10.00; payer plenty; rich is at the limit, so any credit to it passes the limit. */
function bank(): Bank {
  const made = new Bank({ clock: () => 1_000 });
  made.createAccount("poor", 10);
  made.createAccount("payer", 1_000);
  made.createAccount("payee", 0);
  made.createAccount("rich", formatMinor(AMOUNT_MINOR_MAX));
  return made;
}

/** A transfer where every condition of `conditions` holds, or null when they cannot hold together. */
function transferWith(conditions: ReadonlySet<Condition>): TransferInstruction | null {
  const has = (condition: Condition) => conditions.has(condition);
  if (has("same account") && (has("unknown recipient") || has("balance limit"))) return null;
  const sender = has("unknown sender") ? "ghost" : has("insufficient funds") ? "poor" : "payer";
  const recipient = has("same account") ? sender : has("unknown recipient") ? "phantom" : has("balance limit") ? "rich" : "payee";
  // 20.001 is not money; 20.00 is more than poor has, and 1.00 anything any sender here can pay.
  const amount = has("bad amount") ? 20.001 : has("insufficient funds") ? 20 : 1;
  return { sender, recipient, amount };
}

function codeOf(action: () => unknown): string {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(BankError);
  return (error as BankError).code;
}

/** Every path's refusal of the transfer, as [path, code, message]. */
function refusals(transfer: TransferInstruction): [string, string, string][] {
  const seen: [string, string, string][] = [];
  const record = (path: string, error: BankError) => seen.push([path, error.code, error.message]);
  const { sender, recipient, amount } = transfer;
  const run = (path: string, action: (bank: Bank) => BankError | string) => {
    const subject = bank();
    const before = snapshot(subject);
    const result = action(subject);
    if (typeof result === "string") seen.push([path, result, ""]);
    else record(path, result);
    expect(snapshot(subject), path).toEqual(before);
  };
  run("bank.transfer", (subject) => thrownBy(() => subject.transfer(sender, recipient, amount)) as BankError);
  run("bank.transfer with a key", (subject) =>
    thrownBy(() => subject.transfer(sender, recipient, amount, { idempotencyKey: "k" })) as BankError);
  run("bank.tryTransfer", (subject) => subject.tryTransfer(sender, recipient, amount));
  run("atomic batch", (subject) => {
    const error = thrownBy(() => subject.transferBatch([transfer])) as BatchRefusedError;
    expect(error).toBeInstanceOf(BatchRefusedError);
    return error.refusal;
  });
  run("independent batch", (subject) => {
    const [item] = subject.transferBatch([transfer], { atomic: false }).results;
    return item?.ok === false ? item.error : "applied";
  });
  run("batch of codes", (subject) => subject.tryTransferBatch([transfer])[0] as string);
  if (sender !== "ghost" && recipient !== "phantom") {
    run("account.transfer", (subject) =>
      thrownBy(() => subject.getAccount(sender).transfer(subject.getAccount(recipient), amount)) as BankError);
  }
  if (sender !== "ghost" && recipient !== "phantom" && amount !== 20.001) {
    for (const atomic of [true, false]) {
      run(`resolved batch, atomic ${String(atomic)}`, (subject) => {
        const ledger = ledgerOf(subject);
        const outcome = runResolvedBatch(ledger, {
          count: 1,
          senders: Int32Array.of(ledger.find(sender) as number),
          recipients: Int32Array.of(ledger.find(recipient) as number),
          amountsMinor: Float64Array.of(Math.round((amount as number) * 100)),
        }, atomic);
        return atomic ? (atomicRefusal(outcome) as BatchRefusedError).refusal : outcome.errorAt(0);
      });
    }
  }
  return seen;
}

/** Every combination of the conditions that can hold together, with none left out. */
function combinations(): Condition[][] {
  const all: Condition[][] = [];
  for (let mask = 1; mask < 1 << PRECEDENCE.length; mask++) {
    const conditions = PRECEDENCE.filter((_, bit) => (mask & (1 << bit)) !== 0).map(([condition]) => condition);
    if (transferWith(new Set(conditions)) !== null) all.push(conditions);
  }
  return all;
}

describe("the precedence of refusals", () => {
  it("when one condition holds alone, its own code is the refusal", () => {
    for (const [condition, code] of PRECEDENCE) {
      const transfer = transferWith(new Set([condition])) as TransferInstruction;
      expect(codeOf(() => bank().transfer(transfer.sender, transfer.recipient, transfer.amount)), condition).toBe(code);
    }
  });

  it.each(combinations().map((conditions) => [conditions.join(" + "), conditions] as const))(
    "when %s hold, the first in precedence wins, with the same code and wording on every path",
    (_label, conditions) => {
      const transfer = transferWith(new Set(conditions)) as TransferInstruction;
      const first = PRECEDENCE.find(([condition]) => conditions.includes(condition));
      const expected = (first as (typeof PRECEDENCE)[number])[1] as BankErrorCode;
      const seen = refusals(transfer);
      expect(seen.length).toBeGreaterThanOrEqual(6);
      for (const [path, code] of seen) expect(code, path).toBe(expected);
      // One wording, whichever path refused (the non-throwing paths carry the code only).
      const messages = new Set(seen.map(([, , message]) => message).filter((message) => message !== ""));
      expect([...messages]).toHaveLength(1);
    },
  );

  it("when a deposit or withdrawal meets several refusals, the account's comes first, then the amount, then the balance", () => {
    const subject = bank();
    expect(codeOf(() => subject.withdraw("ghost", 20.001))).toBe("ACCOUNT_NOT_FOUND");
    expect(codeOf(() => subject.withdraw("", 20.001))).toBe("INVALID_NAME");
    expect(codeOf(() => subject.withdraw("poor", 20.001))).toBe("INVALID_AMOUNT");
    expect(codeOf(() => subject.withdraw("poor", 20))).toBe("INSUFFICIENT_FUNDS");
    expect(codeOf(() => subject.deposit("ghost", -1))).toBe("ACCOUNT_NOT_FOUND");
    expect(codeOf(() => subject.deposit("rich", -1))).toBe("NEGATIVE_AMOUNT");
    expect(codeOf(() => subject.deposit("rich", 1))).toBe("BALANCE_LIMIT_EXCEEDED");
    expect(codeOf(() => subject.getAccount("rich").deposit(-1))).toBe("NEGATIVE_AMOUNT");
    expect(codeOf(() => subject.getAccount("poor").withdraw(20))).toBe("INSUFFICIENT_FUNDS");
  });

  it("when a name is not valid at all, it is refused as INVALID_NAME in its place of precedence", () => {
    const subject = bank();
    expect(codeOf(() => subject.transfer("", "phantom", -1))).toBe("INVALID_NAME");
    expect(codeOf(() => subject.transfer("ghost", "", -1))).toBe("ACCOUNT_NOT_FOUND");
    expect(codeOf(() => subject.transfer("payer", "", -1))).toBe("INVALID_NAME");
    expect(subject.tryTransfer("payer", "x".repeat(65), -1)).toBe("INVALID_NAME");
    const [item] = subject.transferBatch([{ sender: "payer", recipient: "", amount: 1 }], { atomic: false }).results;
    expect(item?.ok === false && item.error.message).toBe("Account name cannot be empty");
  });
});
