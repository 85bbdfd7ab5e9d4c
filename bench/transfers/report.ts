// The in-process benchmark's part of docs/BENCHMARKS.md: its section and regions, how it measures,
// and the body of a run's region.

import { machine } from "../common/machine.js";
import type { Section } from "../common/regions.js";

/**
 * The regions this benchmark owns, in their order in the section: how it measures (rewritten by
 * every run, so that it stays true to the code), the default sizes, and the run up to 100M.
 */
export const SECTION: Section = {
  heading: "## In-process transfers",
  regions: [
    { name: "transfers-method", placeholder: "" },
    { name: "transfers", placeholder: "_Not run yet: `npm run bench`._" },
    { name: "transfers-full", placeholder: "_Not run yet: `npm run bench:full`._" },
  ],
};

/** How the benchmark measures, above the results: the plan, the method and the figures to beat. */
export const METHOD = `
The seed's stress test, reproduced in-process: ten accounts opened with 1,000,000.00 each, then N
random transfers of 1.00 to 1000.00 (drawn in cents) between random accounts, each one a call of
\`account.transfer(target, amount)\` through the package's public entry (\`import { Bank } from
"banking-system"\`). Two scenarios:

- **every transfer valid**: the recipient is drawn from the nine other accounts;
- **seed mix**: sender and recipient are drawn independently, as in the seed, so about one attempt
  in ten names the same account; the bank refuses it with \`SameAccountError\`, which is caught and
  counted (column Refused).

How it is measured:

- Every draw (sender, recipient, amount) comes from a seeded generator (sfc32) and is made into
  typed arrays before the clock starts, so only the bank's work is timed, and every run of a size
  does the same work. The draws follow the balances so that no sender ever lacks the money: when a
  drawn sender cannot pay, that transfer goes the other way. The only refusals are same-account ones.
- Every run is a process of its own, which first warms the JIT up on 3 × 200,000 transfers and keeps
  one small bank open, as a server would, so that V8's compiled transfer path survives the forced
  collections around the run. No run inherits another's memory: beyond 200,000 transfers the journal
  grows into memory the process has never used, as a growing bank's does, and pays the kernel's
  page faults for it; runs up to 200,000 reuse what the warm-up freed, and are rehearsed once
  untimed, since a process's first run is slower than the next ones.
- Time and Txn/s are medians of several runs, as the machine is shared and noisy: 7 runs up to
  N = 1,000,000, 3 up to 20,000,000, 1 above. The runs go in rounds (every size once, then again),
  so that a burst of other load spoils one run of many sizes rather than every run of one size.
- Retained memory is V8's \`heapUsed\` plus \`external\` (where the journal's typed arrays live),
  after a full garbage collection, read once before the accounts are opened (the draws already
  allocated) and once after the run: what the bank keeps, every transaction's history included.
  MB are 10^6 bytes; Bytes/transfer = retained / N. It includes the journal's room not yet used
  at the end of its last chunk, which weighs most in small runs.
- After each run the benchmark checks the bank: the balances still total 10,000,000.00 and each
  equals what the draws imply, exactly the same-account draws were refused, and the bank recorded
  10 openings plus the accepted transfers. A failed check exits non-zero; timings are never asserted.

| | Transfers/s | Retained bytes/transfer |
|---|--:|--:|
| Target, every transfer valid | ≥ 4,000,000 | ≤ 64 |
| Target, seed mix | ≥ 1,500,000 | ≤ 64 |
| The seed's Python core, same plan, on this machine | ~400,000–450,000 | 272 |

The seed's own README, measured on its author's machine, gives 129,291 transactions/s and 272.07 MB
peak for 1,000,000 transactions, and 117,526/s and 2,737.18 MB for 10,000,000.

![Throughput and retained bytes per transfer against N](bench-transfers.svg)
`;

export interface RunReport {
  readonly title: string;
  readonly command: string;
  readonly date: string;
  readonly seed: number;
  readonly peakResidentBytes: number;
  /** One-minute load averages of the machine before and after the run: other work skews timings. */
  readonly loadBefore: number;
  readonly loadAfter: number;
  readonly validTable: string;
  readonly mixTable: string;
  readonly verdict: string;
}

/** The body of one region: where and how it ran, then both tables. */
export function regionBody(report: RunReport): string {
  const host = machine();
  return `
### ${report.title}

Run on ${report.date} with ${report.command}, generator seed ${report.seed}. Machine:
${host.cpu}, ${host.cpuCount} CPUs, ${host.memoryGiB.toFixed(1)} GiB, Node ${host.node}, ${host.platform}.
Peak resident memory of one run's process: ${(report.peakResidentBytes / 2 ** 30).toFixed(2)} GiB.
Load average (1 min) before the run: ${report.loadBefore.toFixed(2)}, after: ${report.loadAfter.toFixed(2)}.

**Every transfer valid** (target ≥ 4,000,000 transfers/s, ≤ 64 bytes/transfer)

${report.validTable}

**Seed mix**, about 10% refused same-account attempts (target ≥ 1,500,000 transfers/s, ≤ 64 bytes/transfer)

${report.mixTable}

${report.verdict}
`;
}
