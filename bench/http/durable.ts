// The HTTP benchmark's durable figures (--durable): our server kept on disk against the same server
// in memory, same load, run for run, beside this disk's fsync latency; and their region of
// docs/BENCHMARKS.md, in the section of durable mode.

import { formatCount, formatFixed, markdownTable, type Column } from "../common/format.js";
import { fsyncParagraph, type FsyncLatency } from "../common/fsync.js";
import { machine } from "../common/machine.js";
import type { Section } from "../common/regions.js";
import { serverTitle, summarize, TARGET_BATCH_TRANSFERS_PER_SECOND, type RunFacts, type ScenarioReport } from "./report.js";
import { isBatchScenario } from "./scenarios.js";

/** Durable POST /transfers over the same server in memory. */
export const TARGET_DURABLE_RATIO = 0.5;

export const DURABLE_SECTION: Section = {
  heading: "## Durable mode",
  regions: [{ name: "http-durable", placeholder: "_Not run yet: `npm run bench:http -- --durable --only transfer,batch`._" }],
};

/** The scenarios --durable adds a durable server to, each with its reports: in memory first. */
function byScenario(reports: readonly ScenarioReport[]): ScenarioReport[][] {
  const durable = reports.filter((report) => report.fsync !== null);
  const scenarios = [...new Set(durable.map((report) => report.scenario))];
  return scenarios.map((scenario) =>
    reports.filter((report) => report.scenario === scenario && (report.server === "ours" || report.fsync !== null)),
  );
}

const COLUMNS: readonly Column[] = [
  { title: "Scenario", align: "left" },
  ...[
    "Conn.", "Req/s", "Runs (req/s)", "vs in memory", "Runs vs in memory", "p50 (ms)", "p99 (ms)", "Transfers/s",
    "CPU: server", "generator", "other", "Non-2xx", "Errors",
  ].map((title): Column => ({ title, align: "right" })),
  { title: "Checks", align: "left" },
];

/** Each durable run's rate over the in-memory run of the same round. */
function runRatios(report: ScenarioReport, memory: ScenarioReport): number[] {
  return report.runs.map((run, index) => run.requestsPerSecond / (memory.runs[index]?.requestsPerSecond ?? Number.NaN));
}

export function durableTable(reports: readonly ScenarioReport[]): string {
  const rows = byScenario(reports).flatMap((group) => {
    const memory = group.find((report) => report.fsync === null) as ScenarioReport;
    return group.map((report) => {
      const summary = summarize(report);
      const durable = report.fsync !== null;
      return [
        `\`${report.scenario.title}\`${serverTitle(report)}`,
        String(report.connections),
        formatCount(summary.requestsPerSecond),
        report.runs.map((run) => formatCount(run.requestsPerSecond)).join(" · ") || "–",
        durable ? formatFixed(summary.requestsPerSecond / summarize(memory).requestsPerSecond, 2) : "–",
        durable ? runRatios(report, memory).map((ratio) => formatFixed(ratio, 2)).join(" · ") : "–",
        formatFixed(summary.p50Ms, 2),
        formatFixed(summary.p99Ms, 2),
        formatCount(summary.transfersPerSecond),
        formatFixed(summary.serverCores, 2),
        formatFixed(summary.generatorCores, 2),
        formatFixed(summary.otherCores, 2),
        formatCount(report.non2xx),
        formatCount(report.errors),
        report.failures.length > 0 ? "**failed**" : "exact",
      ];
    });
  });
  return markdownTable(COLUMNS, rows);
}

const met = (ok: boolean) => (ok ? "met" : "**not met**");

/** One line per durable server and scenario, against the targets where there is one. */
export function durableVerdict(reports: readonly ScenarioReport[], floor: FsyncLatency): string {
  const lines: string[] = [];
  for (const group of byScenario(reports)) {
    const memory = group.find((report) => report.fsync === null) as ScenarioReport;
    const memoryRate = summarize(memory).requestsPerSecond;
    for (const report of group.filter((candidate) => candidate.fsync !== null)) {
      const summary = summarize(report);
      const ratio = summary.requestsPerSecond / memoryRate;
      const subject = `\`${report.scenario.title}\`, durable (\`--fsync ${report.fsync ?? ""}\`), ${report.connections} connections`;
      if (isBatchScenario(report.scenario.key)) {
        const target = report.fsync === "always"
          ? ` (target ≥ ${formatCount(TARGET_BATCH_TRANSFERS_PER_SECOND)}: ${met(summary.transfersPerSecond >= TARGET_BATCH_TRANSFERS_PER_SECOND)})`
          : "";
        lines.push(
          `- ${subject}: ${formatCount(summary.transfersPerSecond)} transfers/s${target}, ` +
            `${formatFixed(ratio, 2)} of the ${formatCount(summarize(memory).transfersPerSecond)}/s in memory ` +
            `(${memory.connections} connections); one batch's fsync alone has a median of ${formatFixed(floor.batchGroup.medianMs, 2)} ms.`,
        );
      } else {
        const target = report.fsync === "always" ? ` (target ≥ ${formatFixed(TARGET_DURABLE_RATIO, 2)}: ${met(ratio >= TARGET_DURABLE_RATIO)})` : "";
        lines.push(
          `- ${subject}: ${formatCount(summary.requestsPerSecond)} req/s against ${formatCount(memoryRate)} in memory, ` +
            `**${formatFixed(ratio, 2)}** of it${target}; run by run ${runRatios(report, memory).map((value) => formatFixed(value, 2)).join(" · ")}. ` +
            `p99 ${formatFixed(summary.p99Ms, 2)} ms against ${formatFixed(summarize(memory).p99Ms, 2)} ms in memory; ` +
            `one transfer's fsync alone has a median of ${formatFixed(floor.transferGroup.medianMs, 2)} ms.`,
        );
      }
    }
  }
  return lines.join("\n");
}

/** How the durable contenders are run, for the region. */
function method(facts: Pick<RunFacts, "runs" | "durationSeconds" | "warmUpSeconds">, intervals: readonly string[]): string {
  const variants = intervals.length === 0 ? "" : `, and one with \`--fsync ${intervals.join(", ")}\` (answers wait for the write; an fsync runs that often)`;
  return `
With \`--durable\`, the HTTP benchmark adds to \`POST /transfers\` and \`POST /transfers/batch\` our
server kept on disk: the same \`bank serve\`, started with \`--data-dir <a fresh temporary
directory> --fsync always\` (every answer waits for the fsync that covers it)${variants}. It is
loaded in turns with the same server in memory (and, for \`POST /transfers\`, the baselines of
"## HTTP"), with the same generator, connections, warm-up (${facts.warmUpSeconds} s), runs (${facts.runs} of about
${facts.durationSeconds} s) and exact checks after every run: each balance and the count of transactions the server
recorded. For the batch, every one of our servers tries 2, 4 and 8 connections and keeps its
fastest. "vs in memory" is the ratio of the medians; "Runs vs in memory" is each durable run over
the in-memory run of the same round. The data directories are removed afterwards. "other" counts
the kernel's I/O threads (ext4's journal commits) as well as other work on the machine.`;
}

export interface DurableFacts extends RunFacts {
  readonly fsyncBefore: FsyncLatency;
  readonly fsyncAfter: FsyncLatency;
}

/** The body of the http-durable region. */
export function durableBody(reports: readonly ScenarioReport[], facts: DurableFacts): string {
  const host = machine();
  const intervals = [...new Set(reports.flatMap((report) => (report.fsync === null || report.fsync === "always" ? [] : [report.fsync])))];
  return `
### Over HTTP (\`npm run bench:http -- --durable\`)
${method(facts, intervals)}

Run on ${facts.date} with ${facts.command}. Machine: ${host.cpu}, ${host.cpuCount} cores,
${host.memoryGiB.toFixed(1)} GiB, Node ${host.node}, ${host.platform}. Load generator: ${facts.generators}.
Load average (1 min) before the run: ${facts.loadBefore.toFixed(2)}, after: ${facts.loadAfter.toFixed(2)}.

${fsyncParagraph(facts.fsyncBefore, facts.fsyncAfter)}

${durableTable(reports)}

${durableVerdict(reports, facts.fsyncBefore)}
`;
}
