// Filtered history pages over a large journal: one account (alice) is in every transfer of a
// journal of E entries, one transfer in 100 carries one of 1,000 references, one entry in 10,000
// is a deposit, and the bank's clock moves 1 ms per entry. Each query is a page of
// `account.getTransactionPage` at a random place, timed one page at a time.

import { Bank, type HistoryPageOptions } from "banking-system";
import { median } from "../common/format.js";
import { Random } from "../common/random.js";
import { CheckError } from "./throughput.js";

const COUNTERPARTIES = Array.from({ length: 9 }, (_, index) => `counterparty-${index}`);
const START_MS = Date.UTC(2025, 0, 1);
const REFERENCE_EVERY = 100;
const REFERENCE_COUNT = 1_000;
const DEPOSIT_EVERY = 10_000;
const WINDOW_MS = 60_000;
export const PAGE_LIMIT = 50;

/** A journal of `entries` entries, alice's history nearly all of it. */
export interface Journal {
  readonly bank: Bank;
  readonly entries: number;
  readonly fillSeconds: number;
}

/** Fills a bank with `entries` journal entries (the openings included). */
export function fillJournal(entries: number, seed: number): Journal {
  let nowMs = START_MS;
  const bank = new Bank({ clock: () => nowMs });
  bank.createAccount("alice", 1_000_000_000);
  for (const name of COUNTERPARTIES) bank.createAccount(name, 1_000_000_000);
  const random = new Random(seed);
  const startedAt = performance.now();
  for (let entry = COUNTERPARTIES.length + 1; entry < entries; entry++) {
    nowMs++;
    if (entry % DEPOSIT_EVERY === 0) {
      bank.deposit("alice", 1);
      continue;
    }
    const other = COUNTERPARTIES[random.below(COUNTERPARTIES.length)] as string;
    const amount = (1 + random.below(1000)) / 100;
    const options = entry % REFERENCE_EVERY === 0 ? { reference: `invoice-${(entry / REFERENCE_EVERY) % REFERENCE_COUNT}` } : undefined;
    if (entry % 2 === 0) bank.transfer("alice", other, amount, options);
    else bank.transfer(other, "alice", amount, options);
  }
  const fillSeconds = (performance.now() - startedAt) / 1000;
  if (bank.transactionCount !== entries) throw new CheckError(`the journal has ${bank.transactionCount} entries, not ${entries}`);
  return { bank, entries, fillSeconds };
}

/** One query of the table: its name, and the page options of its `repeat`-th time. */
export interface Query {
  readonly name: string;
  readonly options: (random: Random, journal: Journal) => HistoryPageOptions;
}

// A transaction id of alice's anywhere in the journal: every entry after the openings is hers.
function cursor(random: Random, journal: Journal): number {
  return COUNTERPARTIES.length + 2 + random.below(journal.entries - COUNTERPARTIES.length - 2);
}

function windowAt(random: Random, journal: Journal): { from: number; to: number } {
  const from = START_MS + random.below(Math.max(1, journal.entries - WINDOW_MS));
  return { from, to: from + WINDOW_MS };
}

export const QUERIES: readonly Query[] = [
  { name: "no filter, at a random cursor", options: (random, journal) => ({ limit: PAGE_LIMIT, before: cursor(random, journal) }) },
  {
    name: "type=transfer_in, at a random cursor",
    options: (random, journal) => ({ limit: PAGE_LIMIT, type: "transfer_in", before: cursor(random, journal) }),
  },
  { name: "from/to, a random minute", options: (random, journal) => ({ limit: PAGE_LIMIT, ...windowAt(random, journal) }) },
  {
    name: "type=transfer_out and from/to, a random minute",
    options: (random, journal) => ({ limit: PAGE_LIMIT, type: "transfer_out", ...windowAt(random, journal) }),
  },
  {
    name: "reference (one of 1,000), newest page",
    options: (random) => ({ limit: PAGE_LIMIT, reference: `invoice-${random.below(REFERENCE_COUNT)}` }),
  },
  {
    name: "reference and from/to, a random minute",
    options: (random, journal) => ({ limit: PAGE_LIMIT, reference: `invoice-${random.below(REFERENCE_COUNT)}`, ...windowAt(random, journal) }),
  },
  {
    name: "type=deposit (1 entry in 10,000), at a random cursor",
    options: (random, journal) => ({ limit: PAGE_LIMIT, type: "deposit", before: cursor(random, journal) }),
  },
];

export interface QueryResult {
  readonly name: string;
  readonly medianMicros: number;
  readonly p99Micros: number;
  readonly meanTransactions: number;
}

/** Times `repeats` pages of `query`, one at a time, after as many untimed ones. */
export function timeQuery(journal: Journal, query: Query, repeats: number, seed: number): QueryResult {
  const alice = journal.bank.getAccount("alice");
  const warm = new Random(seed + 1);
  for (let repeat = 0; repeat < repeats; repeat++) alice.getTransactionPage(query.options(warm, journal));
  const random = new Random(seed);
  const micros: number[] = [];
  let transactions = 0;
  for (let repeat = 0; repeat < repeats; repeat++) {
    const options = query.options(random, journal);
    const startedAt = performance.now();
    const page = alice.getTransactionPage(options);
    // Reading a field of each transaction: a page is read, not only made.
    for (const transaction of page.transactions) transactions += transaction.amountMinor > 0 ? 1 : 0;
    micros.push((performance.now() - startedAt) * 1000);
  }
  micros.sort((a, b) => a - b);
  return {
    name: query.name,
    medianMicros: median(micros),
    p99Micros: micros[Math.min(micros.length - 1, Math.floor(micros.length * 0.99))] as number,
    meanTransactions: transactions / repeats,
  };
}
