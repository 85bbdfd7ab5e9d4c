// The HTTP benchmark's scenarios: what each one opens, what it sends, and how it checks after every
// run that the server applied exactly what was answered 2xx, to the cent.

import type autocannon from "autocannon";
import { BATCH_SIZE, prepareBatch } from "./batch.js";
import { balanceCents, openAccounts, PROBE_ACCOUNT, probeTransactionId } from "./client.js";
import type { LoadResult } from "./load.js";
import { isOurs, type ServerKind } from "./server.js";

export type ScenarioKey = "balance" | "deposit" | "transfer" | "batch";

/** A scenario opened on a server: the requests to send, and the check around each run. */
export interface Prepared {
  readonly requests: autocannon.Request[];
  readonly verifyBody?: (body: string) => boolean;
  /** Reads the state a run will be checked against; call it right before the run. */
  beforeRun(): Promise<void>;
  /** Checks the state after the run against the one read before; returns what is wrong, if anything. */
  afterRun(run: LoadResult): Promise<string[]>;
}

export interface Scenario {
  readonly key: ScenarioKey;
  /** The request as the table shows it. */
  readonly title: string;
  /** Transfers one 2xx answer stands for: 0 for reads and deposits. */
  readonly transfersPerRequest: number;
  /** The largest rate the count bound of a warm-up run allows for; never reached in practice. */
  readonly requestsPerSecondCap: number;
  /** Whether wrk can send it: one request, whose answers need no check one by one. */
  readonly wrk: boolean;
  /** Servers that give the same answer without our layers, loaded alternately with ours, run by run. */
  readonly baselines: readonly ServerKind[];
  /** Whether --durable adds our server kept on disk to this scenario's contenders. */
  readonly durable: boolean;
  /** Opens the scenario on a server: ours gets its accounts and checks; a baseline has no state. */
  prepare(baseUrl: string, kind: ServerKind): Promise<Prepared>;
}

const JSON_HEADERS = { "content-type": "application/json" };
const SINGLE_REQUESTS_PER_SECOND_CAP = 100_000;

/** An account the scenario opens, and how much each 2xx answer moves it. */
interface Effect {
  readonly name: string;
  /** The opening balance. */
  readonly balanceCents: number;
  readonly centsPerAnswer: number;
}

/**
 * A scenario of one request repeated: every 2xx answer records `transactionsPerAnswer`
 * transactions and moves each account of `effects` by its `centsPerAnswer`.
 */
function singleRequestScenario(
  key: ScenarioKey,
  title: string,
  request: autocannon.Request,
  effects: readonly Effect[],
  transactionsPerAnswer: number,
  baselines: readonly ServerKind[] = [],
): Scenario {
  return {
    key,
    title,
    transfersPerRequest: key === "transfer" ? 1 : 0,
    requestsPerSecondCap: SINGLE_REQUESTS_PER_SECOND_CAP,
    wrk: true,
    baselines,
    durable: key === "transfer",
    async prepare(baseUrl, kind) {
      if (!isOurs(kind)) return baselinePrepared(request);
      await openAccounts(baseUrl, [...effects, { name: PROBE_ACCOUNT, balanceCents: 0 }]);
      let balancesBefore: number[] = [];
      let probeBefore = 0;
      const readBalances = () => Promise.all(effects.map((effect) => balanceCents(baseUrl, effect.name)));
      return {
        requests: [request],
        async beforeRun() {
          balancesBefore = await readBalances();
          probeBefore = await probeTransactionId(baseUrl);
        },
        async afterRun(run) {
          const recorded = (await probeTransactionId(baseUrl)) - probeBefore - 1;
          const balancesAfter = await readBalances();
          return checkSingle(run, effects, transactionsPerAnswer, recorded, balancesBefore, balancesAfter);
        },
      };
    },
  };
}

/** A baseline keeps no state: only its answers' statuses are checked, as for every run. */
function baselinePrepared(request: autocannon.Request): Prepared {
  return { requests: [request], beforeRun: async () => undefined, afterRun: async () => [] };
}

/**
 * With the run ended by its count, every request was answered, so the server must have applied
 * exactly the 2xx answers. Ended by time, up to `run.unanswered` more may have been applied
 * without an answer; the balances must still match what the journal recorded, to the cent.
 */
function checkSingle(
  run: LoadResult,
  effects: readonly Effect[],
  transactionsPerAnswer: number,
  recorded: number,
  before: readonly number[],
  after: readonly number[],
): string[] {
  const failures: string[] = [];
  const lowest = run.ok * transactionsPerAnswer;
  const highest = (run.ok + run.unanswered) * transactionsPerAnswer;
  if (recorded < lowest || recorded > highest || recorded % Math.max(1, transactionsPerAnswer) !== 0) {
    const expected = lowest === highest ? `${lowest}` : `${lowest} to ${highest}`;
    failures.push(`the server recorded ${recorded} transactions for ${run.ok} 2xx answers; expected ${expected}`);
  }
  const applied = transactionsPerAnswer === 0 ? run.ok : recorded / transactionsPerAnswer;
  effects.forEach((effect, index) => {
    const moved = (after[index] as number) - (before[index] as number);
    const expected = transactionsPerAnswer === 0 ? 0 : applied * effect.centsPerAnswer;
    if (moved !== expected) {
      failures.push(`${effect.name} moved by ${moved} cents; expected ${expected} (${applied} applied)`);
    }
  });
  return failures;
}

// Balances big enough that no run, however fast, can drain a sender: 1,000,000,000.00.
const LARGE_BALANCE_CENTS = 100_000_000_000;
const ONE_UNIT_CENTS = 100;

export const SCENARIOS: readonly Scenario[] = [
  singleRequestScenario(
    "balance",
    "GET /accounts/{name}",
    { method: "GET", path: "/accounts/alice" },
    [{ name: "alice", balanceCents: 10_000, centsPerAnswer: 0 }],
    0,
  ),
  singleRequestScenario(
    "deposit",
    "POST /accounts/{name}/deposits",
    { method: "POST", path: "/accounts/dan/deposits", headers: JSON_HEADERS, body: '{"amount":1}' },
    [{ name: "dan", balanceCents: 0, centsPerAnswer: ONE_UNIT_CENTS }],
    1,
  ),
  singleRequestScenario(
    "transfer",
    "POST /transfers",
    {
      method: "POST",
      path: "/transfers",
      headers: JSON_HEADERS,
      body: '{"sender":"alice","recipient":"bob","amount":1}',
    },
    [
      { name: "alice", balanceCents: LARGE_BALANCE_CENTS, centsPerAnswer: -ONE_UNIT_CENTS },
      { name: "bob", balanceCents: 0, centsPerAnswer: ONE_UNIT_CENTS },
    ],
    1,
    ["bare", "fastify"],
  ),
  {
    key: "batch",
    title: "POST /transfers/batch",
    transfersPerRequest: BATCH_SIZE,
    requestsPerSecondCap: 1_000,
    // 16 bodies round-robin, each answer counted per body for the exact check: autocannon's.
    wrk: false,
    baselines: [],
    durable: true,
    prepare: (baseUrl) => prepareBatch(baseUrl),
  },
];
