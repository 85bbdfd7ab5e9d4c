// What the crash test sends and what it expects of the bank after each restart. Operations are drawn
// from a seeded generator, each with an Idempotency-Key of its own; every answer received is kept.
// From the answers alone the test knows which transactions the bank must hold, each exactly once,
// and how much money: `problemsOf` compares that with the state read back over HTTP.

import type { Answer, Client } from "../bank-process.js";

/** mulberry32: a small, fast generator whose whole state is one 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Move {
  readonly sender: string;
  readonly recipient: string;
  readonly amountMinor: number;
}

/** One request, and its answer once one has arrived (null while it has none: not sent, or cut off). */
export type Operation = { readonly key: string; readonly path: string; readonly body: string; answer: Answer | null } & (
  | { readonly kind: "open"; readonly name: string; readonly amountMinor: number }
  | { readonly kind: "deposit" | "withdrawal"; readonly name: string; readonly amountMinor: number }
  | { readonly kind: "transfer"; readonly move: Move }
  | { readonly kind: "batch"; readonly atomic: boolean; readonly moves: readonly Move[] }
);

/** An account that no request opens: transfers to it are refused (404), and that refusal is an outcome too. */
const GHOST = "ghost";
const ACCOUNTS_MAX = 10;

/** Amounts travel as JSON numbers or as strings, both exact to the cent. */
function amountJson(random: () => number, amountMinor: number): number | string {
  return random() < 0.5 ? amountMinor / 100 : (amountMinor / 100).toFixed(2);
}

/** Draws operations from `seed`: mostly single movements and batches, now and then a new account. */
export class Workload {
  private readonly random: () => number;
  private serial = 0;
  readonly names: string[] = [];

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  /** An integer from `min` to `max`, both included. */
  private between(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick(): string {
    return this.names[this.between(0, this.names.length - 1)] as string;
  }

  private key(): string {
    return `crash-${this.seed}-${++this.serial}`;
  }

  /** Opens the next account, with an opening balance from 0 to `maxMinor`. */
  open(maxMinor = 50_000): Operation {
    const name = `acct-${this.names.length}`;
    this.names.push(name);
    const amountMinor = this.between(0, maxMinor);
    const body = JSON.stringify({ name, initial_balance: amountJson(this.random, amountMinor) });
    return { kind: "open", name, amountMinor, key: this.key(), path: "/accounts", body, answer: null };
  }

  next(): Operation {
    const roll = this.random();
    if (roll < 0.03 && this.names.length < ACCOUNTS_MAX) return this.open();
    if (roll < 0.3) {
      const move = this.move(1, 15_000, 0.03);
      const body = JSON.stringify({ sender: move.sender, recipient: move.recipient, amount: amountJson(this.random, move.amountMinor) });
      return { kind: "transfer", move, key: this.key(), path: "/transfers", body, answer: null };
    }
    if (roll < 0.6) {
      const kind = roll < 0.45 ? "deposit" : "withdrawal";
      const name = this.pick();
      const amountMinor = this.between(1, kind === "deposit" ? 12_000 : 20_000);
      const path = `/accounts/${name}/${kind === "deposit" ? "deposits" : "withdrawals"}`;
      return { kind, name, amountMinor, key: this.key(), path, body: JSON.stringify({ amount: amountJson(this.random, amountMinor) }), answer: null };
    }
    // Batches: mostly short, now and then thousands of transfers in one request (and one write).
    const atomic = roll < 0.8;
    const size = this.random() < 0.06 ? this.between(1_000, 3_000) : this.between(2, 30);
    const moves = Array.from({ length: size }, () => this.move(1, size > 100 ? 300 : 3_000, 0));
    const transfers = moves.map((move) => ({ sender: move.sender, recipient: move.recipient, amount: amountJson(this.random, move.amountMinor) }));
    const body = JSON.stringify({ transfers, atomic });
    return { kind: "batch", atomic, moves, key: this.key(), path: "/transfers/batch", body, answer: null };
  }

  private move(minMinor: number, maxMinor: number, ghostChance: number): Move {
    const sender = this.pick();
    let recipient = this.pick();
    while (recipient === sender) recipient = this.pick();
    if (this.random() < ghostChance) recipient = GHOST;
    return { sender, recipient, amountMinor: this.between(minMinor, maxMinor) };
  }
}

/** One transaction of an account's history, as the API gives it. */
interface TransactionBody {
  id: number;
  type: string;
  amount: number;
  balance_after: number;
  counterparty: string | null;
}

/** Everything the bank holds, read over HTTP. */
export interface BankState {
  readonly balances: Map<string, number>;
  /** Each account's transactions, oldest first. */
  readonly histories: Map<string, TransactionBody[]>;
}

const toMinor = (major: number) => Math.round(major * 100);

/** Reads every account (a few to a page, to walk the pages) and its whole history, page by page. */
export async function readState(client: Client): Promise<BankState> {
  const balances = new Map<string, number>();
  let after: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const query: string = after === null ? "" : `&after=${encodeURIComponent(after)}`;
    const listed: { accounts: { name: string; balance: number }[]; next_after: string | null } = await client.json(`/accounts?limit=3${query}`);
    for (const account of listed.accounts) balances.set(account.name, toMinor(account.balance));
    after = listed.next_after;
    if (after === null) break;
  }
  const histories = new Map<string, TransactionBody[]>();
  for (const name of balances.keys()) {
    const transactions: TransactionBody[] = [];
    let before: number | null = null;
    for (let page = 0; page < 10_000; page++) {
      const query: string = before === null ? "" : `&before=${before}`;
      const read: { transactions: TransactionBody[]; next_before: number | null } = await client.json(`/accounts/${name}/history?limit=1000${query}`);
      transactions.push(...read.transactions);
      before = read.next_before;
      if (before === null) break;
    }
    histories.set(name, transactions.reverse());
  }
  return { balances, histories };
}

/** A transaction an answer says the bank made, as one account sees it. */
interface Effect {
  readonly type: string;
  readonly amountMinor: number;
  readonly counterparty: string | null;
  readonly key: string;
}

/** What the answered operations say the bank must hold: the effects by "id account", and the money. */
function expectations(operations: readonly Operation[], problems: string[]) {
  const effects = new Map<string, Effect>();
  const opened = new Map<string, number>();
  let moneyMinor = 0;
  const claim = (id: number, account: string, effect: Effect) => {
    const at = `${id} ${account}`;
    const other = effects.get(at);
    if (other !== undefined) problems.push(`transaction ${at} is claimed by ${other.key} and ${effect.key}`);
    effects.set(at, effect);
  };
  const claimMove = (id: number, move: Move, key: string) => {
    claim(id, move.sender, { type: "transfer_out", amountMinor: move.amountMinor, counterparty: move.recipient, key });
    claim(id, move.recipient, { type: "transfer_in", amountMinor: move.amountMinor, counterparty: move.sender, key });
  };
  for (const operation of operations) {
    const answer = operation.answer;
    if (answer === null) continue;
    if (answer.status >= 300) {
      if (answer.status >= 500 || !/^application\/problem\+json/.test(String(answer.headers["content-type"]))) {
        problems.push(`${operation.key} was answered ${answer.status}: ${answer.text}`);
      }
      continue;
    }
    const body = JSON.parse(answer.text) as Record<string, unknown>;
    switch (operation.kind) {
      case "open":
        opened.set(operation.name, operation.amountMinor);
        moneyMinor += operation.amountMinor;
        break;
      case "deposit":
      case "withdrawal": {
        const id = (body.transaction as TransactionBody).id;
        claim(id, operation.name, { type: operation.kind, amountMinor: operation.amountMinor, counterparty: null, key: operation.key });
        moneyMinor += operation.kind === "deposit" ? operation.amountMinor : -operation.amountMinor;
        break;
      }
      case "transfer":
        claimMove((body.transaction as TransactionBody).id, operation.move, operation.key);
        break;
      case "batch": {
        const first = body.first_transaction_id as number;
        const results = (body.results ?? null) as { transaction_id: number | null }[] | null;
        operation.moves.forEach((move, index) => {
          const id = results === null ? first + index : results[index]?.transaction_id;
          if (typeof id === "number") claimMove(id, move, operation.key);
        });
        break;
      }
    }
  }
  return { effects, opened, moneyMinor };
}

/**
 * Every way the bank read back differs from what the answers say it holds: an account or a
 * transaction missing, one too many (an effect without an answer: a cut-off request applied twice),
 * money not conserved, a balance that is not its history replayed. Empty when all is well.
 */
export function problemsOf(operations: readonly Operation[], state: BankState): string[] {
  const problems: string[] = [];
  const { effects, opened, moneyMinor } = expectations(operations, problems);
  const names = [...state.balances.keys()].sort();
  if (names.join() !== [...opened.keys()].sort().join()) problems.push(`accounts ${names.join()} where ${[...opened.keys()].sort().join()} were opened`);
  let totalMinor = 0;
  const seen = new Set<string>();
  for (const [name, balanceMinor] of state.balances) {
    totalMinor += balanceMinor;
    let runningMinor = 0;
    for (const [index, transaction] of (state.histories.get(name) ?? []).entries()) {
      const amountMinor = toMinor(transaction.amount);
      const at = `${transaction.id} ${name}`;
      if (index === 0) {
        if (transaction.type !== "account_opened" || amountMinor !== opened.get(name)) problems.push(`${name} does not begin with its opening`);
        runningMinor = amountMinor;
      } else {
        const expected = effects.get(at);
        if (expected === undefined) {
          problems.push(`transaction ${at} (${transaction.type} ${transaction.amount}) was made by no answered request`);
        } else if (expected.type !== transaction.type || expected.amountMinor !== amountMinor || expected.counterparty !== transaction.counterparty) {
          problems.push(`transaction ${at} is ${JSON.stringify(transaction)}, not what ${expected.key} was answered`);
        }
        seen.add(at);
        runningMinor += transaction.type === "deposit" || transaction.type === "transfer_in" ? amountMinor : -amountMinor;
      }
      if (toMinor(transaction.balance_after) !== runningMinor) problems.push(`${name}'s balance after ${transaction.id} is not its history replayed`);
    }
    if (runningMinor !== balanceMinor) problems.push(`${name}'s balance ${balanceMinor} is not its history's ${runningMinor}`);
  }
  for (const [at, effect] of effects) if (!seen.has(at)) problems.push(`transaction ${at} answered to ${effect.key} is missing`);
  if (totalMinor !== moneyMinor) problems.push(`the bank holds ${totalMinor} cents where openings, deposits and withdrawals make ${moneyMinor}`);
  return problems;
}
