// The HTTP load benchmark (`npm run bench:http`): the real server in a child process, wrk or
// autocannon against it on 127.0.0.1, exact checks after every run, bare node:http and minimal
// Fastify baselines for POST /transfers, and a Markdown table on stdout and in docs/.

import { loadAverage } from "../common/machine.js";
import { flag, list, oneOf, parseCommandLine, positiveInteger, text, UsageError, valued, type Values } from "../common/options.js";
import { BENCHMARKS_MD, writeRegions } from "../common/regions.js";
import { clientVersion, CLIENTS, type Client } from "./generator.js";
import { methodBody } from "./method.js";
import { resultsBody, resultsTable, SECTION, verdict, type ScenarioReport } from "./report.js";
import { runScenario, type RunSettings } from "./run.js";
import { SCENARIOS } from "./scenarios.js";

const SCENARIO_KEYS = SCENARIOS.map((scenario) => scenario.key);

const COMMAND = {
  usage: "npm run bench:http -- [options]   (or node dist-bench/http/main.js [options])",
  summary:
    "The HTTP load benchmark: the real server (bank serve) in a child process on 127.0.0.1, loaded\n" +
    "scenario by scenario, its state checked to the cent after every run; POST /transfers is also\n" +
    "compared with a bare node:http server and a minimal Fastify route, run for run. Prints a Markdown\n" +
    "table; a run of every scenario also writes docs/BENCHMARKS.md.",
  quick: "short runs (1 s warm-up, 1 run of 2 s, the batch at 4 connections); never writes docs/",
  options: {
    only: valued("LIST", "scenarios to run, comma-separated", list(oneOf(SCENARIO_KEYS)), SCENARIO_KEYS),
    runs: valued("N", "measured runs per scenario and server", positiveInteger, 3, 1),
    duration: valued("S", "seconds per measured run", positiveInteger, 10, 2),
    warmUp: valued("S", "seconds of each warm-up run", positiveInteger, 3, 1),
    batchConnections: valued(
      "LIST",
      "connection counts the batch tries in short trials; the fastest is kept",
      list(positiveInteger),
      [2, 4, 8] as readonly number[],
      [4],
    ),
    client: valued<Client | undefined>(
      "NAME",
      "generator of the single-request scenarios: wrk or autocannon (default: wrk if on PATH, else autocannon; the batch always uses autocannon)",
      oneOf(CLIENTS),
      undefined,
    ),
    noWrite: flag("print the table only; do not write docs/, which a run writes only when every scenario ran", true),
    profile: valued<string | undefined>("DIR", "write our server's CPU profiles (node --cpu-prof) into DIR", text, undefined),
  },
};

type Options = Values<typeof COMMAND.options>;

/** The generators of this run: for single requests (as chosen or found) and for the batch. */
interface Generators {
  readonly single: Client;
  readonly batch: Client;
  /** In words, for the table's verdict and the docs. */
  readonly description: string;
}

function chooseGenerators(options: Options): Generators {
  const wrk = clientVersion("wrk");
  const autocannon = clientVersion("autocannon") as string;
  if (options.client === "wrk" && wrk === null) throw new UsageError("--client wrk: wrk is not on PATH (apt-get install wrk)");
  let single = options.client ?? (wrk === null ? "autocannon" : "wrk");
  if (options.client === undefined && wrk === null) {
    console.error("Note: wrk is not on PATH, so autocannon loads the single requests too; it shares the cores with the server.");
  }
  const singles = SCENARIOS.filter((scenario) => options.only.includes(scenario.key) && scenario.wrk);
  if (singles.length === 0) single = "autocannon";
  const hasBatch = options.only.includes("batch");
  const name = (client: Client) => (client === "wrk" ? `${wrk as string} (1 thread)` : autocannon);
  const parts = [
    ...(singles.length > 0 ? [`${name(single)} for single requests`] : []),
    ...(hasBatch ? [`${autocannon} for the batch`] : []),
  ];
  return { single, batch: "autocannon", description: parts.join(", ") };
}

function commandLine(argv: readonly string[]): string {
  if (process.env.npm_lifecycle_event === "bench:http" && argv.length === 0) {
    return "`npm run bench:http` (which builds the package and bench/, then runs `node dist-bench/http/main.js`)";
  }
  return `\`node dist-bench/http/main.js${argv.map((argument) => ` ${argument}`).join("")}\` (after \`npm run build && tsc -p bench/tsconfig.json\`)`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseCommandLine(COMMAND, argv);
  if (options === null) return;
  const generators = chooseGenerators(options);
  // Ctrl-C: exit at once; the exit handler of children.ts kills the servers and wrk.
  process.once("SIGINT", () => process.exit(130));
  const settings: RunSettings = {
    runs: options.runs,
    durationSeconds: options.duration,
    warmUpSeconds: options.warmUp,
    batchConnections: options.batchConnections,
    ourNodeArguments: options.profile === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${options.profile}`],
  };
  const loadBefore = loadAverage();
  const reports: ScenarioReport[] = [];
  for (const scenario of SCENARIOS.filter((candidate) => options.only.includes(candidate.key))) {
    reports.push(...(await runScenario(scenario, settings, scenario.wrk ? generators.single : generators.batch)));
  }
  const loadAfter = loadAverage();
  console.log(`${resultsTable(reports)}\n\n${verdict(reports, generators.description)}`);
  const everyScenario = SCENARIOS.every((scenario) => options.only.includes(scenario.key));
  if (!options.noWrite && everyScenario) {
    const facts = {
      command: commandLine(argv),
      date: new Date().toISOString().slice(0, 10),
      runs: options.runs,
      durationSeconds: options.duration,
      warmUpSeconds: options.warmUp,
      loadBefore,
      loadAfter,
      generators: generators.description,
    };
    writeRegions(BENCHMARKS_MD, SECTION, { "http-method": methodBody(facts), http: resultsBody(reports, facts) });
    console.error(`Wrote ${BENCHMARKS_MD}`);
  } else {
    console.error("docs/ not written (--quick, --only or --no-write)");
  }
  const failures = reports.flatMap((report) =>
    report.failures.map((failure) => `${report.scenario.title} (${report.server}), ${failure}`),
  );
  const errors = reports.reduce((total, report) => total + report.non2xx + report.errors, 0);
  if (errors > 0) failures.push(`${errors} non-2xx answers, errors or wrong bodies`);
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((failure) => `- ${failure}`).join("\n")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
