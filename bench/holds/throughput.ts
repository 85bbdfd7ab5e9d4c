// Holds against plain transfers, in process: the same drawn movements, made once as
// `bank.transfer(sender, recipient, amount)` and once as `bank.hold(sender, recipient, amount)`
// followed by `hold.post()`, each run on a fresh bank, checked to the cent afterwards.

import { Bank } from "banking-system";
import { Random } from "../common/random.js";

export const ACCOUNT_COUNT = 10;
const OPENING_BALANCE = 1_000_000_000;
const NAMES = Array.from({ length: ACCOUNT_COUNT }, (_, index) => `account-${index}`);

/** The movements of a run, drawn before the clock starts: sender, recipient, amount in major units. */
export interface Draws {
  readonly senders: Uint8Array;
  readonly recipients: Uint8Array;
  readonly amounts: Float64Array;
}

/** `count` movements of 1.00 to 1000.00 (drawn in cents) between two distinct accounts. */
export function drawMovements(count: number, seed: number): Draws {
  const random = new Random(seed);
  const senders = new Uint8Array(count);
  const recipients = new Uint8Array(count);
  const amounts = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const sender = random.below(ACCOUNT_COUNT);
    senders[index] = sender;
    recipients[index] = (sender + 1 + random.below(ACCOUNT_COUNT - 1)) % ACCOUNT_COUNT;
    amounts[index] = (100 + random.below(99_901)) / 100;
  }
  return { senders, recipients, amounts };
}

export type Mode = "transfers" | "holds";

/** A thrown Error when the bank is not exactly what the draws imply: a benchmark never times a wrong result. */
export class CheckError extends Error {
  override readonly name = "CheckError";
}

function openBank(): Bank {
  const bank = new Bank();
  for (const name of NAMES) bank.createAccount(name, OPENING_BALANCE);
  return bank;
}

/** Runs the draws in `mode` on a fresh bank; returns the seconds the movements took. */
export function runOnce(mode: Mode, draws: Draws): number {
  const bank = openBank();
  const { senders, recipients, amounts } = draws;
  const count = amounts.length;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const startedAt = performance.now();
  if (mode === "transfers") {
    for (let index = 0; index < count; index++) {
      bank.transfer(NAMES[senders[index] as number] as string, NAMES[recipients[index] as number] as string, amounts[index] as number);
    }
  } else {
    for (let index = 0; index < count; index++) {
      bank.hold(NAMES[senders[index] as number] as string, NAMES[recipients[index] as number] as string, amounts[index] as number).post();
    }
  }
  const seconds = (performance.now() - startedAt) / 1000;
  check(bank, mode, draws);
  return seconds;
}

/** Every balance is what the draws imply, nothing is held, and the journal has one entry per step. */
function check(bank: Bank, mode: Mode, draws: Draws): void {
  const expectedMinor = new Float64Array(ACCOUNT_COUNT).fill(OPENING_BALANCE * 100);
  for (let index = 0; index < draws.amounts.length; index++) {
    const amountMinor = Math.round((draws.amounts[index] as number) * 100);
    const sender = draws.senders[index] as number;
    const recipient = draws.recipients[index] as number;
    expectedMinor[sender] = (expectedMinor[sender] as number) - amountMinor;
    expectedMinor[recipient] = (expectedMinor[recipient] as number) + amountMinor;
  }
  NAMES.forEach((name, index) => {
    const account = bank.getAccount(name);
    if (account.balanceMinor !== expectedMinor[index]) {
      throw new CheckError(`${mode}: ${name} holds ${account.balanceMinor} minor units, not ${expectedMinor[index]}`);
    }
    if (account.available !== account.balance) throw new CheckError(`${mode}: ${name} still has money held`);
  });
  const steps = mode === "transfers" ? 1 : 2;
  const expectedCount = ACCOUNT_COUNT + steps * draws.amounts.length;
  if (bank.transactionCount !== expectedCount) {
    throw new CheckError(`${mode}: ${bank.transactionCount} transactions, not ${expectedCount}`);
  }
  if (mode === "holds" && bank.getHold(draws.amounts.length).status !== "posted") throw new CheckError("the last hold is not posted");
}
