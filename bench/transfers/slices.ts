// Side by side in one process: several builds of the package (this one, an older commit's) run the
// same slices of transfers in turn, and each keeps its fastest slice. On a machine shared with other
// work, a whole run's time is mostly how much CPU it was given; the fastest of many short slices,
// taken in alternation, is the one the load spared, and compares builds fairly.

import { pathToFileURL } from "node:url";
import path from "node:path";
import { formatCount, markdownTable, median } from "../common/format.js";
import { loadAverage } from "../common/machine.js";
import { count, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued } from "../common/options.js";
import { ACCOUNT_COUNT, drawTransfers, OPENING_BALANCE, type Draws, type Scenario } from "./draws.js";

const COMMAND = {
  usage: "node --expose-gc dist-bench/transfers/slices.js --packages DIR,DIR... [options]",
  summary:
    "Runs the same slices of transfers through account.transfer in several builds of the package, in\n" +
    "turn in one process, and prints each build's fastest, quartile and median slice. Each DIR holds a\n" +
    "built package (DIR/dist/index.js), e.g. . and a worktree of an older commit after `npm run build`.",
  quick: "10 slices of each build and scenario",
  options: {
    packages: valued("DIR,DIR", "the builds to compare", list(text), ["."]),
    scenarios: valued("LIST", "valid, mix or both", list(oneOf<Scenario>(["valid", "mix"])), ["valid", "mix"] as readonly Scenario[]),
    slices: valued("K", "slices per build and scenario", positiveInteger, 40, 10),
    sliceSize: valued("N", "transfers per slice", count, 200_000),
    seed: valued("S", "seed of the drawn transfers", count, 1),
  },
};

interface BankApi {
  readonly Bank: new () => { createAccount(name: string, balance: number): unknown };
  readonly SameAccountError: abstract new (...args: never[]) => Error;
}

/** One build: its own copy of the timed loop, so that V8's feedback is not shared between builds. */
interface Build {
  readonly label: string;
  readonly api: BankApi;
  readonly loop: (accounts: readonly unknown[], draws: Draws, refusal: BankApi["SameAccountError"]) => number;
  readonly nsPerTransfer: number[];
}

// The loop is compiled from text once per build: a closure would share one function's feedback.
const LOOP_SOURCE = `
  let refused = 0;
  const { senders, recipients, amounts } = draws;
  for (let i = 0; i < amounts.length; i++) {
    try {
      accounts[senders[i]].transfer(accounts[recipients[i]], amounts[i]);
    } catch (error) {
      if (!(error instanceof SameAccountError)) throw error;
      refused++;
    }
  }
  return refused;`;

function openAccounts(api: BankApi): unknown[] {
  const bank = new api.Bank();
  return Array.from({ length: ACCOUNT_COUNT }, (_, i) => bank.createAccount(`Account ${i}`, OPENING_BALANCE));
}

async function load(directory: string): Promise<Build> {
  const api = (await import(pathToFileURL(path.resolve(directory, "dist/index.js")).href)) as BankApi;
  const loop = new Function("accounts", "draws", "SameAccountError", LOOP_SOURCE) as Build["loop"];
  return { label: directory, api, loop, nsPerTransfer: [] };
}

/** Each slice opens a fresh bank: the draws are exact from the opening balances, not after another slice. */
function runScenario(builds: readonly Build[], draws: Draws, slices: number): void {
  for (const build of builds) {
    build.nsPerTransfer.length = 0;
    for (let warmUp = 0; warmUp < 3; warmUp++) build.loop(openAccounts(build.api), draws, build.api.SameAccountError);
  }
  for (let slice = 0; slice < slices; slice++) {
    // Alternate the order, so that no build always runs right after another one's garbage.
    const order = slice % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      const accounts = openAccounts(build.api);
      const start = performance.now();
      const refused = build.loop(accounts, draws, build.api.SameAccountError);
      build.nsPerTransfer.push(((performance.now() - start) * 1e6) / draws.amounts.length);
      if (refused !== draws.sameAccount) throw new UsageError(`${build.label} refused ${refused}, expected ${draws.sameAccount}`);
    }
  }
}

function row(scenario: Scenario, build: Build): string[] {
  const sorted = [...build.nsPerTransfer].sort((a, b) => a - b);
  const fastest = sorted[0] as number;
  return [
    build.label, scenario, fastest.toFixed(1), formatCount(1e9 / fastest),
    (sorted[sorted.length >> 2] as number).toFixed(1), median(sorted).toFixed(1),
  ];
}

async function main(): Promise<void> {
  const options = parseCommandLine(COMMAND, process.argv.slice(2));
  if (options === null) return;
  const builds = await Promise.all(options.packages.map(load));
  const loadBefore = loadAverage();
  const rows: string[][] = [];
  for (const scenario of options.scenarios) {
    const draws = drawTransfers(scenario, options.sliceSize, options.seed);
    runScenario(builds, draws, options.slices);
    for (const build of builds) rows.push(row(scenario, build));
  }
  const columns = ["Build", "Scenario", "Fastest slice (ns/transfer)", "= transfers/s", "Quartile (ns)", "Median (ns)"];
  process.stdout.write(`${markdownTable(columns.map((title, i) => ({ title, align: i < 2 ? "left" : "right" })), rows)}\n`);
  process.stdout.write(
    `\n${options.slices} slices of ${formatCount(options.sliceSize)} transfers per build and scenario; ` +
      `load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAverage().toFixed(2)} after.\n`,
  );
}

main().catch((error: unknown) => {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
});
