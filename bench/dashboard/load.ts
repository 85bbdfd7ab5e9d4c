// Loading the bank over HTTP, as fast as it takes it: accounts opened with many requests in flight,
// transfers in full batches of POST /transfers/batch on a few kept-alive connections.

import http from "node:http";
import { Random } from "../common/random.js";

/** The core's BATCH_SIZE_MAX: a full batch. */
export const BATCH_SIZE = 8190;

/** Draws in [0, 1) from the benchmarks' seeded generator, so that every run loads the same bank. */
export function random(seed: number): () => number {
  const generator = new Random(seed);
  return () => generator.next32() / 0x1_0000_0000;
}

export const accountName = (index: number) => `a${String(index).padStart(6, "0")}`;
/** The account with the longest history: one transfer in ten is its. */
export const HUB = "hub";

export interface Response {
  readonly status: number;
  readonly body: string;
}

/** One request on `agent`; resolves with the status and the body as text. */
export function send(url: string, agent: http.Agent, method: string, path: string, body?: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}${path}`, {
      method,
      agent,
      headers: body === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function expectOk(response: Response, what: string): void {
  if (response.status < 200 || response.status > 299) throw new Error(`${what}: ${response.status} ${response.body.slice(0, 300)}`);
}

/** Opens `count` accounts with 1,000.00 each, and the hub with 1,000,000,000.00. */
export async function openAccounts(url: string, count: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const open = async (name: string, balance: number) =>
    expectOk(await send(url, agent, "POST", "/accounts", JSON.stringify({ name, initial_balance: balance })), `open ${name}`);
  await open(HUB, 1_000_000_000);
  await pool(count, 32, (index) => open(accountName(index), 1000));
  agent.destroy();
}

/**
 * A full batch's body: transfers of 0.01 to 0.99 between random accounts, one in ten from the hub.
 * Amounts are small against balances of 1,000.00, so no batch is refused for funds. A `balanced`
 * body ends with each of its transfers reversed, so that it may be sent any number of times.
 */
export function batchBody(next: () => number, accounts: number, size = BATCH_SIZE, balanced = false): string {
  const transfers: string[] = [];
  const reversed: string[] = [];
  for (let index = 0; index < (balanced ? Math.floor(size / 2) : size); index++) {
    const sender = next() < 0.1 ? HUB : accountName(Math.floor(next() * accounts));
    let recipient = accountName(Math.floor(next() * accounts));
    if (recipient === sender) recipient = HUB;
    const amount = `0.${String(1 + Math.floor(next() * 99)).padStart(2, "0")}`;
    transfers.push(`{"sender":"${sender}","recipient":"${recipient}","amount":${amount}}`);
    if (balanced) reversed.unshift(`{"sender":"${recipient}","recipient":"${sender}","amount":${amount}}`);
  }
  return `{"transfers":[${[...transfers, ...reversed].join(",")}]}`;
}

/** Sends `bodies` as batches on `connections` connections; resolves once all are applied. */
export async function sendBatches(url: string, bodies: readonly string[], connections: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  await pool(bodies.length, connections, async (index) => expectOk(await send(url, agent, "POST", "/transfers/batch", bodies[index]), "batch"));
  agent.destroy();
}

/** What a run of batches did: transfers applied (counted from the answers), and in how many seconds. */
export interface BatchRun {
  readonly applied: number;
  readonly seconds: number;
}

/** Sends batches from `bodies`, round robin, on `connections` connections for `seconds`. */
export async function batchRate(url: string, bodies: readonly string[], connections: number, seconds: number): Promise<BatchRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let applied = 0;
  let turn = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      const response = await send(url, agent, "POST", "/transfers/batch", bodies[turn++ % bodies.length]);
      expectOk(response, "batch");
      applied += (JSON.parse(response.body) as { applied: number }).applied;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { applied, seconds: elapsed };
}
