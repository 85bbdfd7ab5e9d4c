// Plain HTTP calls the load benchmark makes outside the timed runs: opening accounts, reading
// balances in cents, and counting the transactions the server has recorded.

/** A setup or check request that did not get the answer it needs: the figures would mean nothing. */
export class HttpCheckError extends Error {
  override readonly name = "HttpCheckError";
}

/** An account of its own for `probeTransactionId`, so that the probes move no balance under test. */
export const PROBE_ACCOUNT = "probe";

const PAGE_SIZE = 1000;
const OPEN_CONCURRENCY = 32;

/** Sends JSON (or nothing) and returns the status and the parsed body. */
export async function callJson(
  baseUrl: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    ...(body !== undefined && { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : (JSON.parse(text) as unknown) };
}

async function expectJson(baseUrl: string, method: "GET" | "POST", path: string, status: number, body?: unknown) {
  const answer = await callJson(baseUrl, method, path, body);
  if (answer.status !== status) {
    throw new HttpCheckError(`${method} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`);
  }
  return answer.body as Record<string, unknown>;
}

/** Cents as the text of an amount with two decimals, e.g. 357 -> "3.57": exact, never a float. */
export function formatCents(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}

/**
 * An amount the API sent as a JSON number, in cents. The API never sends more than two decimals, so
 * the nearest integer is the exact value: the double's error is far below half a cent.
 */
export function toCents(amount: unknown): number {
  if (typeof amount !== "number" || !Number.isFinite(amount)) {
    throw new HttpCheckError(`expected an amount, got ${JSON.stringify(amount)}`);
  }
  return Math.round(amount * 100);
}

/** Opens the accounts, a few requests at a time; creation is setup, never timed. */
export async function openAccounts(
  baseUrl: string,
  accounts: readonly { name: string; balanceCents: number }[],
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < accounts.length) {
      const account = accounts[next++] as { name: string; balanceCents: number };
      const initial_balance = formatCents(account.balanceCents);
      await expectJson(baseUrl, "POST", "/accounts", 201, { name: account.name, initial_balance });
    }
  };
  await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, worker));
}

/** One account's balance, in cents. */
export async function balanceCents(baseUrl: string, name: string): Promise<number> {
  const body = await expectJson(baseUrl, "GET", `/accounts/${encodeURIComponent(name)}`, 200);
  return toCents(body.balance);
}

/** Every account's balance in cents, by name, read a page of GET /accounts at a time. */
export async function allBalancesCents(baseUrl: string): Promise<Map<string, number>> {
  const balances = new Map<string, number>();
  let after: string | null = null;
  do {
    const query: string = `limit=${PAGE_SIZE}` + (after === null ? "" : `&after=${encodeURIComponent(after)}`);
    const page = await expectJson(baseUrl, "GET", `/accounts?${query}`, 200);
    for (const account of page.accounts as { name: string; balance: unknown }[]) {
      balances.set(account.name, toCents(account.balance));
    }
    after = page.next_after as string | null;
  } while (after !== null);
  return balances;
}

/**
 * The id of a new deposit of 0.01 into PROBE_ACCOUNT. Ids are dense and increase by one per
 * transaction, so the difference between two probes, less one, is the number of transactions the
 * server recorded in between: what it applied, whether or not the load generator saw the answer.
 */
export async function probeTransactionId(baseUrl: string): Promise<number> {
  const path = `/accounts/${PROBE_ACCOUNT}/deposits`;
  const body = await expectJson(baseUrl, "POST", path, 200, { amount: "0.01" });
  const id = (body.transaction as { id?: unknown } | undefined)?.id;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) throw new HttpCheckError(`no transaction id in ${JSON.stringify(body)}`);
  return id;
}
