// How the HTTP benchmark measures, as the method region of docs/BENCHMARKS.md says it: rewritten by
// every run that writes docs/, so that it stays true to the code.

import { formatCount } from "../common/format.js";
import {
  SEED_TRANSFERS_PER_SECOND,
  TARGET_BATCH_TRANSFERS_PER_SECOND,
  TARGET_P99_MS,
  TARGET_RATIO_TO_BARE,
  TARGET_TRANSFERS_PER_SECOND,
  type RunFacts,
} from "./report.js";

/** How the benchmark measures, for the method region. */
export function methodBody(facts: Pick<RunFacts, "runs" | "durationSeconds" | "warmUpSeconds">): string {
  return `
\`npm run bench:http\` builds the package and bench/, starts the real server as a child process
(\`LOG_LEVEL=warn node dist/cli/main.js serve --host 127.0.0.1 --port <free port>\`, so no line is
logged per request), a fresh one for each scenario, waits for \`GET /health\`, opens the accounts
over HTTP (not timed), and loads it from 127.0.0.1 only, keep-alive connections, one request in
flight per connection. The single-request scenarios are loaded with wrk (1 thread) when \`wrk\` is
on PATH, else with autocannon from the benchmark's process (\`--client\` chooses; see "Choice of
the load generator" below); the batch always with autocannon, which sends its 16 bodies
round-robin and counts the answers to each for the exact check.

| Scenario | Request | Connections |
|---|---|--:|
| balance | \`GET /accounts/alice\` | 32 |
| deposit | \`POST /accounts/dan/deposits\` \`{"amount":1}\` | 32 |
| transfer | \`POST /transfers\` \`{"sender":"alice","recipient":"bob","amount":1}\`, alice holding 1,000,000,000.00 | 32 |
| batch | \`POST /transfers/batch\`, \`"atomic": true\`, 8,190 transfers per body among 10,000 accounts of 1,000,000.00, amounts 0.01 to 10.00; 16 bodies drawn from seed 1 (sfc32), sent round-robin | 2, 4 or 8 |
| independent | the same with \`"atomic": false\`: each transfer applied or refused on its own, the answer holding a result per transfer (about 400 kB) | 2, 4 or 8 |

- **Baselines of \`POST /transfers\`.** In the same run, two more child processes answer the same
  request: a bare \`node:http\` server (\`bench/http/baseline/bare.ts\`: no framework; it reads the
  body, \`JSON.parse\`s it and answers 200 \`application/json\` with a body of our answer's shape
  and size, built with \`JSON.stringify\`: 316 bytes for the first transfer, like ours), and a
  minimal Fastify route (\`bench/http/baseline/fastify.ts\`: body and response schemas like ours,
  Fastify's defaults, no logger, hooks or plugins). They get the same generator, connections and
  durations as ours, and the servers take turns run by run (ours, bare, Fastify, ours, …), so
  that a burst of other load hits each of them; their columns are medians like ours. "vs bare" is
  a server's median rate over the bare server's: ours against bare is what routing, validation,
  idempotency hooks, logging and serialisation cost; Fastify against bare is the framework's share
  of it. The baselines keep no state, so only their answers' statuses are checked.
- Each scenario starts with a ${facts.warmUpSeconds} s warm-up run per server (for the batch, one per connection
  count tried, the fastest count kept), then ${facts.runs} measured runs of about ${facts.durationSeconds} s. A wrk run
  lasts its ${facts.durationSeconds} s and ends by time. An autocannon run is bounded by count, set from the
  previous run's rate to last about ${facts.durationSeconds} s, and by time (${2 * facts.durationSeconds} s); ending by count means every
  request sent was answered, so what the server applied can be compared exactly with the 2xx
  answers counted. A run ended by time may leave one request per connection unanswered, which the
  server may or may not have applied; the checks allow for exactly that.
- Req/s is answers over the run's time (wrk's own duration; for autocannon, from the first request
  to the last answer); transfers/s is 2xx answers times the transfers per request over the same
  time. p50 and p99 are percentiles of every request's own response time in a run (wrk's
  histogram, or nearest-rank over autocannon's exact times). Each column is the median of the
  measured runs (the machine is shared and noisy); "Runs" lists every run's rate.
- After every run, warm-ups included, the benchmark checks our server's state over HTTP: each
  touched balance moved by exactly the amount times the transfers applied; the transactions the
  server recorded (counted with a 0.01 probe deposit before and after, as ids are dense) equal the
  2xx count (plus at most one per connection for a run ended by time), times 8,190 for batches; for
  the batch, the 10,000 balances (read with \`GET /accounts\`, 1,000 a page) still total
  10,000,000,000.00, none is negative, and each equals its value before the run plus what the
  answered bodies moved. A batch answer must say \`applied: 8190\`, \`refused: 0\`; an independent one must also end
  with the result of transfer 8,189, applied with the last id, and hold no refused result. Any non-2xx
  answer, error or failed check makes the benchmark exit non-zero. Timings are never asserted.
- **Sharing the cores.** The machine has 2 cores, and the server and the load generator share them.
  The server runs its JavaScript on one thread (V8's garbage collector and libuv add some work on
  others); the generator runs on one thread too, so the server can never have both cores. The CPU
  columns are the CPU seconds used per second of run (1.00 is one core, medians of the runs): by
  the server, by the load generator (wrk's from /proc, autocannon's from \`process.cpuUsage()\`),
  and by every other process on the machine (from /proc/stat). When "other" is high, something
  else was running and the server got less than a core; the rates of that run are low for that
  reason. Batches need little from the generator, so there the limit is the server's one
  JavaScript thread while the second core idles. A server alone on the machine, loaded from
  another one, would do better on single requests; the seed's ~2,700 transfers/s was measured the
  same way, on this machine.

| Target | |
|---|--:|
| \`POST /transfers\`, 32 connections | ≥ ${formatCount(TARGET_TRANSFERS_PER_SECOND)} transfers/s |
| \`POST /transfers\`, as a ratio to the bare \`node:http\` server, same load | ≥ ${TARGET_RATIO_TO_BARE} |
| p99 latency, 32 connections | < ${TARGET_P99_MS} ms |
| Non-2xx and errors | 0 |
| \`POST /transfers/batch\`, 8,190 per request, atomic or independent with its results | ≥ ${formatCount(TARGET_BATCH_TRANSFERS_PER_SECOND)} transfers/s |
| The seed's FastAPI/uvicorn server, \`POST /transfers\`, same load, this machine | ~${formatCount(SEED_TRANSFERS_PER_SECOND)} transfers/s |
`;
}
