// What the durable benchmark moves: 10,000 accounts of 1,000,000.00, random transfers of 0.01 to
// 10.00 among them (sfc32, seeded), and the state a bank must be in afterwards, to the cent.

import type { Bank, TransferInstruction } from "banking-system";
import { Random } from "../common/random.js";

export const ACCOUNT_COUNT = 10_000;
export const OPENING_BALANCE_MINOR = 100_000_000;
export const BATCH_SIZE = 8190;
const AMOUNT_MIN_MINOR = 1;
const AMOUNT_MAX_MINOR = 1_000;

export const accountName = (index: number) => `acct${String(index).padStart(5, "0")}`;
export const ACCOUNT_NAMES: readonly string[] = Array.from({ length: ACCOUNT_COUNT }, (_, index) => accountName(index));

/** Opens the accounts (one group in a durable bank). */
export function openAccounts(bank: Bank): void {
  for (const name of ACCOUNT_NAMES) bank.createAccount(name, OPENING_BALANCE_MINOR / 100);
}

/** Drawn transfers: account indexes and amounts (in major units, as callers give them). */
export interface Draws {
  readonly count: number;
  readonly senders: Uint32Array;
  readonly recipients: Uint32Array;
  readonly amounts: Float64Array;
}

function drawOne(random: Random): [sender: number, recipient: number, amountMinor: number] {
  const sender = random.below(ACCOUNT_COUNT);
  const other = random.below(ACCOUNT_COUNT - 1);
  const amountMinor = AMOUNT_MIN_MINOR + random.below(AMOUNT_MAX_MINOR - AMOUNT_MIN_MINOR + 1);
  return [sender, other >= sender ? other + 1 : other, amountMinor];
}

export function drawTransfers(count: number, seed: number): Draws {
  const random = new Random(seed);
  const draws = { count, senders: new Uint32Array(count), recipients: new Uint32Array(count), amounts: new Float64Array(count) };
  for (let index = 0; index < count; index++) {
    const [sender, recipient, amountMinor] = drawOne(random);
    draws.senders[index] = sender;
    draws.recipients[index] = recipient;
    draws.amounts[index] = amountMinor / 100;
  }
  return draws;
}

/** Draws `from` to `to` as the instructions of `bank.transferBatch`. */
export function instructions(draws: Draws, from: number, to: number): TransferInstruction[] {
  const batch: TransferInstruction[] = [];
  for (let index = from; index < to; index++) {
    batch.push({
      sender: ACCOUNT_NAMES[draws.senders[index] as number] as string,
      recipient: ACCOUNT_NAMES[draws.recipients[index] as number] as string,
      amount: draws.amounts[index] as number,
    });
  }
  return batch;
}

/** The draws cut into batches of 8,190 (the last one shorter if need be). */
export function batchesOf(draws: Draws): TransferInstruction[][] {
  const batches: TransferInstruction[][] = [];
  for (let from = 0; from < draws.count; from += BATCH_SIZE) batches.push(instructions(draws, from, Math.min(from + BATCH_SIZE, draws.count)));
  return batches;
}

/** Every balance after the first `count` draws, in minor units. */
export function expectedBalancesMinor(draws: Draws, count: number): Float64Array {
  const balances = new Float64Array(ACCOUNT_COUNT).fill(OPENING_BALANCE_MINOR);
  for (let index = 0; index < count; index++) {
    const amountMinor = Math.round((draws.amounts[index] as number) * 100);
    balances[draws.senders[index] as number] = (balances[draws.senders[index] as number] as number) - amountMinor;
    balances[draws.recipients[index] as number] = (balances[draws.recipients[index] as number] as number) + amountMinor;
  }
  return balances;
}

/**
 * Batches whose transfers cancel out: each is 4,095 drawn transfers followed by the same ones the
 * other way, so that a history of any length can cycle through them without draining an account,
 * and every balance is back at its opening after each whole batch.
 */
export function balancedBatches(bodies: number, seed: number): TransferInstruction[][] {
  const random = new Random(seed);
  return Array.from({ length: bodies }, () => {
    const forth: TransferInstruction[] = [];
    for (let index = 0; index < BATCH_SIZE / 2; index++) {
      const [sender, recipient, amountMinor] = drawOne(random);
      forth.push({ sender: ACCOUNT_NAMES[sender] as string, recipient: ACCOUNT_NAMES[recipient] as string, amount: amountMinor / 100 });
    }
    const back = forth.map(({ sender, recipient, amount }) => ({ sender: recipient, recipient: sender, amount }));
    return [...forth, ...back];
  });
}

/** What a bank holds, to compare two banks (or a bank and the draws) exactly. */
export interface BankState {
  readonly transactions: number;
  readonly totalMinor: number;
  readonly balancesMinor: readonly number[];
}

export function stateOf(bank: Bank): BankState {
  return {
    transactions: bank.transactionCount,
    totalMinor: bank.totalBalanceMinor,
    balancesMinor: ACCOUNT_NAMES.map((name) => bank.getAccount(name).balanceMinor),
  };
}

/** What differs between two states, in words; empty when they are the same to the cent. */
export function differences(actual: BankState, expected: BankState): string[] {
  const found: string[] = [];
  if (actual.transactions !== expected.transactions) found.push(`${actual.transactions} transactions where ${expected.transactions} were due`);
  if (actual.totalMinor !== expected.totalMinor) found.push(`a total of ${actual.totalMinor} cents where ${expected.totalMinor} were due`);
  const wrong = expected.balancesMinor.filter((balance, index) => actual.balancesMinor[index] !== balance).length;
  if (actual.balancesMinor.length !== expected.balancesMinor.length || wrong > 0) found.push(`${wrong} balances differ`);
  return found;
}
