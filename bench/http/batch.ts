// The batch scenario: 10,000 accounts and a pool of distinct bodies of 8,190 random transfers each,
// sent round-robin to POST /transfers/batch; after each run every balance is checked to the cent.

import type autocannon from "autocannon";
import {
  allBalancesCents,
  formatCents,
  HttpCheckError,
  openAccounts,
  PROBE_ACCOUNT,
  probeTransactionId,
} from "./client.js";
import type { LoadResult } from "./load.js";
import type { Prepared } from "./scenarios.js";
import { Random } from "../common/random.js";

/** Transfers per request: the API's limit, TigerBeetle's batch size. */
export const BATCH_SIZE = 8190;
export const ACCOUNT_COUNT = 10_000;
/** Distinct bodies, drawn before any run and sent round-robin by every connection. */
export const BODY_COUNT = 16;
export const GENERATOR_SEED = 1;
const BATCH_PATH = "/transfers/batch";
// 1,000,000.00 each, and 0.01 to 10.00 per transfer: a run moves each account by a few thousand at
// most, so no transfer is ever refused and no atomic batch fails.
const OPENING_BALANCE_CENTS = 100_000_000;
const AMOUNT_MIN_CENTS = 1;
const AMOUNT_MAX_CENTS = 1_000;
const JSON_HEADERS = { "content-type": "application/json" };

const accountName = (index: number) => `acct${String(index).padStart(5, "0")}`;

/** A request body as sent, and what one application of it does to each account, in cents. */
interface Body {
  readonly text: string;
  readonly deltaCents: Int32Array;
}

function drawBody(random: Random): Body {
  const deltaCents = new Int32Array(ACCOUNT_COUNT);
  const items = new Array<string>(BATCH_SIZE);
  for (let i = 0; i < BATCH_SIZE; i++) {
    const sender = random.below(ACCOUNT_COUNT);
    const other = random.below(ACCOUNT_COUNT - 1);
    const recipient = other >= sender ? other + 1 : other;
    const cents = AMOUNT_MIN_CENTS + random.below(AMOUNT_MAX_CENTS - AMOUNT_MIN_CENTS + 1);
    deltaCents[sender] = (deltaCents[sender] as number) - cents;
    deltaCents[recipient] = (deltaCents[recipient] as number) + cents;
    const amount = formatCents(cents);
    items[i] = `{"sender":"${accountName(sender)}","recipient":"${accountName(recipient)}","amount":${amount}}`;
  }
  return { text: `{"transfers":[${items.join(",")}],"atomic":true}`, deltaCents };
}

/** The answer to an atomic batch that went through whole, per the route's contract. */
function isAtomicSuccess(text: string): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const first = body.first_transaction_id;
    const last = body.last_transaction_id;
    return (
      body.atomic === true &&
      body.applied === BATCH_SIZE &&
      body.refused === 0 &&
      typeof first === "number" &&
      typeof last === "number" &&
      last - first + 1 === BATCH_SIZE
    );
  } catch {
    return false;
  }
}

/** Opens the accounts, draws the bodies, sends one to see that the route is there, and plans the checks. */
export async function prepareBatch(baseUrl: string): Promise<Prepared> {
  const names = Array.from({ length: ACCOUNT_COUNT }, (_, index) => accountName(index));
  await openAccounts(baseUrl, names.map((name) => ({ name, balanceCents: OPENING_BALANCE_CENTS })));
  await openAccounts(baseUrl, [{ name: PROBE_ACCOUNT, balanceCents: 0 }]);
  const random = new Random(GENERATOR_SEED);
  const bodies = Array.from({ length: BODY_COUNT }, () => drawBody(random));
  await sendOnce(baseUrl, (bodies[0] as Body).text);

  // Answers 200 per body in the current run, counted as they arrive, for the exact balance check.
  const applications = new Array<number>(BODY_COUNT).fill(0);
  const requests: autocannon.Request[] = bodies.map((body, index) => ({
    method: "POST",
    path: BATCH_PATH,
    headers: JSON_HEADERS,
    body: body.text,
    onResponse: (status: number) => {
      if (status === 200) applications[index] = (applications[index] as number) + 1;
    },
  }));
  let before: number[] = [];
  let probeBefore = 0;
  const readBalances = async () => {
    const balances = await allBalancesCents(baseUrl);
    return names.map((name) => balances.get(name) ?? Number.NaN);
  };
  return {
    requests,
    verifyBody: isAtomicSuccess,
    async beforeRun() {
      applications.fill(0);
      before = await readBalances();
      probeBefore = await probeTransactionId(baseUrl);
    },
    async afterRun(run) {
      const recorded = (await probeTransactionId(baseUrl)) - probeBefore - 1;
      const after = await readBalances();
      return checkBatch(run, recorded, before, after, bodies, applications);
    },
  };
}

async function sendOnce(baseUrl: string, text: string): Promise<void> {
  const response = await fetch(`${baseUrl}${BATCH_PATH}`, { method: "POST", headers: JSON_HEADERS, body: text });
  const answer = await response.text();
  if (response.status === 404) {
    throw new HttpCheckError(`POST ${BATCH_PATH} answered 404: the route is not served yet`);
  }
  if (response.status !== 200 || !isAtomicSuccess(answer)) {
    throw new HttpCheckError(`POST ${BATCH_PATH} answered ${response.status}, not an atomic success: ${answer.slice(0, 300)}`);
  }
}

/**
 * Totals conserved and no balance below zero, always. With the run ended by its count, nothing
 * was in flight, so the journal holds exactly 8,190 transfers per 200 answer and each balance is
 * its opening plus what the answered bodies moved. Ended by time, a batch may have been applied
 * unanswered; it must then have been applied whole.
 */
function checkBatch(
  run: LoadResult,
  recorded: number,
  before: readonly number[],
  after: readonly number[],
  bodies: readonly Body[],
  applications: readonly number[],
): string[] {
  const failures: string[] = [];
  const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
  if (sum(after) !== sum(before)) failures.push(`the balances total ${sum(after)} cents, not ${sum(before)}`);
  const negative = after.filter((balance) => balance < 0).length;
  if (negative > 0) failures.push(`${negative} balances are negative`);
  const lowest = run.ok * BATCH_SIZE;
  const highest = (run.ok + run.unanswered) * BATCH_SIZE;
  if (recorded < lowest || recorded > highest || recorded % BATCH_SIZE !== 0) {
    const expected = lowest === highest ? `${lowest}` : `a multiple of ${BATCH_SIZE} from ${lowest} to ${highest}`;
    failures.push(`the server recorded ${recorded} transfers for ${run.ok} 200 answers; expected ${expected}`);
  }
  if (run.endedBy === "count") {
    const wrong = after.filter((balance, account) => {
      let expected = before[account] as number;
      bodies.forEach((body, index) => (expected += (applications[index] as number) * (body.deltaCents[account] as number)));
      return balance !== expected;
    }).length;
    if (wrong > 0) failures.push(`${wrong} balances differ from what the answered batches moved`);
  }
  return failures;
}
