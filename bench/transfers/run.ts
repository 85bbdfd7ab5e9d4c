// One timed run: open the ten accounts, push every drawn transfer through `account.transfer`, and
// measure the time and the memory the bank keeps; then check that the bank added up.

import { Bank, SameAccountError, type Account } from "banking-system";
import { ACCOUNT_COUNT, OPENING_BALANCE, OPENING_BALANCE_MINOR, type Draws } from "./draws.js";

export interface RunResult {
  readonly seconds: number;
  readonly refused: number;
  /** Heap and off-heap bytes the bank holds after the run, garbage collected. */
  readonly retainedBytes: number;
}

/** Told how far a run is, once per slice, so that long runs can report progress. */
export type Progress = (done: number, elapsedSeconds: number) => void;

/** A correctness check failed: the benchmark's figures would mean nothing. */
export class CheckError extends Error {
  override readonly name = "CheckError";
}

/**
 * A bank kept open for the whole process, as a server keeps its bank. V8 compiles the transfer path
 * against the hidden classes of the bank's objects (bank, journal, transaction, refusal); once no
 * object of a class is left, a full collection frees its hidden class and discards the compiled
 * code, and the next run would be timed while it is compiled again. The benchmark forces a full
 * collection between runs, when the last run's bank is garbage: this small bank, one of its
 * transactions and one refusal keep those classes alive, at the same cost in both memory readings.
 */
const residents: unknown[] = [];

export function keepOneBankOpen(): void {
  const bank = new Bank();
  const sender = bank.createAccount("Resident sender", OPENING_BALANCE);
  const recipient = bank.createAccount("Resident recipient", 0);
  residents.push(bank, sender.transfer(recipient, 1));
  try {
    sender.transfer(sender, 1);
  } catch (error) {
    residents.push(error);
  }
}

// Transfers run in slices so that progress can be reported without a clock read per transfer.
const SLICE_SIZE = 1 << 20;

export function runTransfers(draws: Draws, progress: Progress): RunResult {
  const before = retainedBytesNow();
  const bank = new Bank();
  const accounts: Account[] = [];
  for (let i = 0; i < ACCOUNT_COUNT; i++) {
    accounts.push(bank.createAccount(`Account ${i}`, OPENING_BALANCE));
  }
  const count = draws.amounts.length;
  let refused = 0;
  const start = performance.now();
  for (let done = 0; done < count; ) {
    const end = Math.min(done + SLICE_SIZE, count);
    refused += transferSlice(accounts, draws.senders, draws.recipients, draws.amounts, done, end);
    done = end;
    progress(done, (performance.now() - start) / 1000);
  }
  const seconds = (performance.now() - start) / 1000;
  const retainedBytes = retainedBytesNow() - before;
  checkBank(bank, accounts, draws, refused);
  return { seconds, refused, retainedBytes };
}

/** The timed loop: nothing but lookups in the drawn arrays and the bank's own work. */
function transferSlice(
  accounts: readonly Account[],
  senders: Uint8Array,
  recipients: Uint8Array,
  amounts: Float64Array,
  start: number,
  end: number,
): number {
  let refused = 0;
  for (let i = start; i < end; i++) {
    const sender = accounts[senders[i] as number] as Account;
    const recipient = accounts[recipients[i] as number] as Account;
    try {
      sender.transfer(recipient, amounts[i] as number);
    } catch (error) {
      // Any other refusal would be a flaw in the draws or the bank; the checks then report it.
      if (!(error instanceof SameAccountError)) throw error;
      refused++;
    }
  }
  return refused;
}

/**
 * Live bytes after a full collection: the V8 heap plus memory outside it. The journal's columns
 * are typed arrays whose storage is counted in `external` (of which `arrayBuffers` is a part).
 */
export function retainedBytesNow(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

function collectGarbage(): void {
  if (globalThis.gc === undefined) throw new CheckError("run node with --expose-gc to measure memory");
  // A second pass frees what the first one only finalised (array buffers of dead objects).
  globalThis.gc();
  globalThis.gc();
}

function checkBank(bank: Bank, accounts: readonly Account[], draws: Draws, refused: number): void {
  const failures: string[] = [];
  let totalMinor = 0;
  accounts.forEach((account, index) => {
    totalMinor += account.balanceMinor;
    const expected = draws.finalBalancesMinor[index] as number;
    if (account.balanceMinor !== expected) {
      failures.push(`${account.name} holds ${account.balanceMinor} minor units, expected ${expected}`);
    }
  });
  if (totalMinor !== ACCOUNT_COUNT * OPENING_BALANCE_MINOR) {
    failures.push(`balances total ${totalMinor} minor units, expected ${ACCOUNT_COUNT * OPENING_BALANCE_MINOR}`);
  }
  if (refused !== draws.sameAccount) {
    failures.push(`${refused} transfers refused, expected the ${draws.sameAccount} same-account draws`);
  }
  const expectedTransactions = ACCOUNT_COUNT + draws.amounts.length - draws.sameAccount;
  if (bank.transactionCount !== expectedTransactions) {
    failures.push(`${bank.transactionCount} transactions recorded, expected ${expectedTransactions}`);
  }
  if (failures.length > 0) throw new CheckError(`bank check failed: ${failures.join("; ")}`);
}
