// Access control's cost on the hot route: POST /transfers on an open server, with an API key and
// with a holder token, each with the rate limiter off and on (at a limit far above the load), in
// the same run. Servers are child processes on 127.0.0.1, loaded in turn by autocannon, round by
// round, so each ratio compares runs made moments apart. Prints a table; --write puts it in
// docs/BENCHMARKS.md. Never asserts a timing: it fails only when an answer is not 2xx or a
// balance is not exactly what the answers say.

import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startServer, type BenchServer } from "./server.js";

const HELP = `Usage: node dist-bench/auth/run.js [options]   (npm run bench:auth builds first)

Measures POST /transfers on an open server and with access control on, limiter off and on.

  --seconds <s>       length of each measured run (default 10)
  --rounds <n>        measured rounds; each runs every scenario once, starting one later (default 6)
  --connections <n>   autocannon connections (default 32)
  --limit <rate>      the limiter's rate when on, N/s or N/min (default 1000000/s)
  --write             write the table into docs/BENCHMARKS.md (region bench:auth)
  --help              this text`;

const ADMIN_SECRET = "bench-admin-secret-0123456789";
const OPENING_BALANCE = 1_000_000_000;
const AMOUNT = 0.01;
const WARMUP_SECONDS = 3;
/** An authenticated server's rate over the open one's, with the same limiter setting. */
const TARGET = 0.9;
const BENCHMARKS_MD = fileURLToPath(new URL("../../docs/BENCHMARKS.md", import.meta.url));

interface Scenario {
  readonly name: string;
  readonly credential: "none" | "API key" | "holder token";
  readonly limiter: boolean;
}

interface Running extends Scenario {
  readonly server: BenchServer;
  readonly headers: Record<string, string>;
  readonly admin: Record<string, string>;
  ok: number;
  readonly rates: number[];
  /** The server's CPU time per answered request, in microseconds. */
  readonly cpuMicros: number[];
  readonly p99s: number[];
  non2xx: number;
}

const SCENARIOS: Scenario[] = [
  { name: "open", credential: "none", limiter: false },
  { name: "open, limiter on", credential: "none", limiter: true },
  { name: "API key", credential: "API key", limiter: false },
  { name: "API key, limiter on", credential: "API key", limiter: true },
  { name: "holder token", credential: "holder token", limiter: false },
  { name: "holder token, limiter on", credential: "holder token", limiter: true },
];

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

async function start(scenario: Scenario, limit: string): Promise<Running> {
  const secured = scenario.credential !== "none";
  const server = await startServer(scenario.limiter ? ["--rate-limit", limit] : [], secured ? { ADMIN_API_KEY: ADMIN_SECRET } : {});
  const admin: Record<string, string> = secured ? { authorization: `Bearer ${ADMIN_SECRET}` } : {};
  const alice = await post(`${server.url}/accounts`, { name: "alice", initial_balance: OPENING_BALANCE }, admin);
  await post(`${server.url}/accounts`, { name: "bob", initial_balance: 0 }, admin);
  const headers = scenario.credential === "holder token" ? { authorization: `Bearer ${String(alice.token)}` } : admin;
  return { ...scenario, server, headers, admin, ok: 0, rates: [], cpuMicros: [], p99s: [], non2xx: 0 };
}

/** One autocannon run of `requests` transfers (or `maxSeconds`, first wins): its rate, p99 and CPU. */
async function load(
  running: Running, connections: number, maxSeconds: number, requests: number,
): Promise<{ rate: number; p99: number; cpuMicros: number }> {
  const cpuBefore = running.server.cpuSeconds();
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${running.server.url}/transfers`,
        connections,
        duration: maxSeconds,
        maxOverallRequests: requests,
        // autocannon notices the end of a run at its next sample; the default is a second later.
        sampleInt: 100,
        method: "POST",
        headers: { "content-type": "application/json", ...running.headers },
        body: JSON.stringify({ sender: "alice", recipient: "bob", amount: AMOUNT }),
      },
      (error, finished) => (error ? reject(error as Error) : resolve(finished)),
    );
    instance.on("response", () => (lastAnswerAt = performance.now()));
  });
  const cpuMicros = ((running.server.cpuSeconds() - cpuBefore) * 1e6) / result.requests.total;
  running.ok += result["2xx"];
  running.non2xx += result.non2xx + result.errors + result.timeouts;
  // The run proper ends at the last answer.
  return { rate: result.requests.total / ((lastAnswerAt - startedAt) / 1000), p99: result.latency.p99, cpuMicros };
}

/** What bob holds, in cents: every transfer to him moved AMOUNT, one cent. */
async function bobCents(running: Running): Promise<number> {
  const response = await fetch(`${running.server.url}/accounts/bob`, { headers: running.admin });
  return Math.round(((await response.json()) as { balance: number }).balance * 100);
}

/** Every measured transfer answered 2xx moved exactly one cent, and no other did. */
async function check(running: Running): Promise<boolean> {
  return (await bobCents(running)) === running.ok;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const integer = (value: number): string => Math.round(value).toLocaleString("en-US");

/** The medians over rounds of `running`'s rate and CPU per request, each over `base`'s in the same round. */
function ratios(running: Running, base: Running): { rate: number; cpu: number } {
  return {
    rate: median(running.rates.map((rate, round) => rate / (base.rates[round] as number))),
    cpu: median(running.cpuMicros.map((micros, round) => (base.cpuMicros[round] as number) / micros)),
  };
}

/** The open server with the same limiter setting as `running`: what its credential is measured against. */
function openLike(all: readonly Running[], running: Running): Running {
  return all.find((other) => other.credential === "none" && other.limiter === running.limiter) as Running;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;

function table(all: Running[], checks: boolean[], limit: string): string {
  const open = all[0] as Running;
  const rows = all.map((running, index) => {
    const toOpen = ratios(running, open);
    const toSame = ratios(running, openLike(all, running));
    return `| ${running.name} | ${running.limiter ? limit : "off"} | ${integer(median(running.rates))} | ` +
      `${running.rates.map(integer).join(" · ")} | ${percent(toOpen.rate)} | ${percent(toSame.rate)} | ` +
      `${median(running.cpuMicros).toFixed(1)} | ${percent(toSame.cpu)} | ${median(running.p99s)} | ` +
      `${running.non2xx} | ${checks[index] ? "exact" : "WRONG"} |`;
  });
  return [
    "| Server | Limiter | Req/s (median) | Runs (req/s) | Rate vs open | Rate vs open, same limiter | " +
      "Server CPU (µs/request) | CPU: open, same limiter / this | p99 (ms) | Non-2xx | Balances |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ...rows,
  ].join("\n");
}

/** The target, credential by credential: at least 90% of the open server's rate, limiter off and on. */
function verdicts(all: Running[]): string {
  return all.filter((running) => running.credential !== "none").map((running) => {
    const { rate, cpu } = ratios(running, openLike(all, running));
    const met = rate >= TARGET ? "met" : "**not met**";
    return `- ${running.name}: ${percent(rate)} of the open server's rate with the limiter ${running.limiter ? "on" : "off"} ` +
      `(target ≥ ${percent(TARGET)}: ${met}); by server CPU per request, ${percent(cpu)}.`;
  }).join("\n");
}

function writeRegion(text: string): void {
  const start = "<!-- bench:auth:start -->";
  const end = "<!-- bench:auth:end -->";
  const doc = readFileSync(BENCHMARKS_MD, "utf8");
  const region = `${start}\n${text}\n${end}`;
  const at = doc.indexOf(start);
  const next = at === -1 ? `${doc.trimEnd()}\n\n## Access control\n\n${region}\n` : doc.slice(0, at) + region + doc.slice(doc.indexOf(end) + end.length);
  writeFileSync(BENCHMARKS_MD, next);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "10" },
      rounds: { type: "string", default: "6" },
      connections: { type: "string", default: "32" },
      limit: { type: "string", default: "1000000/s" },
      write: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) return console.log(HELP);
  const [seconds, rounds, connections] = [values.seconds, values.rounds, values.connections].map(Number) as [number, number, number];
  if (![seconds, rounds, connections].every((value) => Number.isInteger(value) && value > 0)) throw new Error(`${HELP}\n\nNumbers must be positive integers`);
  const all: Running[] = [];
  try {
    for (const scenario of SCENARIOS) all.push(await start(scenario, values.limit));
    // Warm-up: each server's rate decides how many requests make a run of about `seconds`. It
    // ends by time, which may cut requests off in flight, so the count starts after it, from bob.
    const counts = new Map<Running, number>();
    for (const running of all) {
      counts.set(running, Math.ceil((await load(running, connections, WARMUP_SECONDS, 1e9)).rate * seconds));
      running.ok = await bobCents(running);
    }
    // Each round starts one server later than the one before, so that over as many rounds as
    // there are servers each runs once in every position: on a shared machine, the first run of a
    // round was measured up to a fifth faster than an identical server's later in the round.
    for (let round = 0; round < rounds; round++) {
      const order = [...all.slice(round % all.length), ...all.slice(0, round % all.length)];
      for (const running of order) {
        // Bounded by count, so every request is answered; by three times the planned time, in case.
        const { rate, p99, cpuMicros } = await load(running, connections, seconds * 3, counts.get(running) as number);
        running.rates.push(rate);
        running.p99s.push(p99);
        running.cpuMicros.push(cpuMicros);
        console.error(`round ${round + 1}: ${running.name}: ${integer(rate)} req/s, ${cpuMicros.toFixed(1)} µs of server CPU a request`);
      }
    }
    const checks = await Promise.all(all.map(check));
    const output = `${table(all, checks, values.limit)}\n\n${verdicts(all)}`;
    console.log(output);
    if (values.write) writeRegion(describe(output, { seconds, rounds, connections, limit: values.limit }));
    if (checks.includes(false) || all.some((running) => running.non2xx > 0)) process.exitCode = 1;
  } finally {
    await Promise.all(all.map((running) => running.server.stop()));
  }
}

function describe(output: string, plan: { seconds: number; rounds: number; connections: number; limit: string }): string {
  const command = `npm run bench:auth -- --seconds ${plan.seconds} --rounds ${plan.rounds} --connections ${plan.connections} --limit ${plan.limit} --write`;
  return [
    "`npm run bench:auth` builds the package and bench/, then starts six servers as child processes",
    "(`node dist/cli/main.js serve --host 127.0.0.1`, LOG_LEVEL=warn): open; open with `--rate-limit`;",
    "with `ADMIN_API_KEY`, loaded with that key; the same with `--rate-limit`; and the last two",
    "loaded with alice's holder token instead. Each opens alice (1,000,000,000.00) and bob over",
    `HTTP, then autocannon sends \`POST /transfers\` \`{"sender":"alice","recipient":"bob","amount":0.01}\`,`,
    `${plan.connections} keep-alive connections, 127.0.0.1 only. After a ${WARMUP_SECONDS} s warm-up of each server,`,
    `each round loads every server in turn for about ${plan.seconds} s (bounded by a request count`,
    "set from its warm-up rate, so every request is answered), so that each ratio compares runs",
    "made moments apart on the same machine; each round starts one server later than the last, so",
    "that no server always runs first (an identical server was measured up to a fifth slower when",
    "it ran later in a round).",
    "",
    "- *Rate vs open*: the median over rounds of this server's requests/s over the open server's in",
    "  the same round; *same limiter*: over the open server's with the limiter as this one's (off, or",
    "  on at the same limit), which is what the target (>= 90%) compares: the cost of the credential.",
    "- *Server CPU*: the server process's CPU time (user + system, from /proc) per answered request,",
    "  median of the rounds; *CPU: open, same limiter / this* is the rate this server would reach",
    "  beside that open one if each had a core to itself. On a shared 2-core machine, where",
    "  autocannon takes much of the second core and other work comes and goes, it is the steadier.",
    "- Every answer must be 2xx and bob's balance must equal the 2xx answers times 0.01 exactly;",
    "  otherwise the benchmark exits non-zero. Timings are never asserted.",
    "",
    `Run on ${new Date().toISOString().slice(0, 10)} with \`${command}\`, Node ${process.version}.`,
    "",
    output,
  ].join("\n");
}

await main();
