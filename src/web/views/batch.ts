// A batch of transfers from a file (CSV or JSON), sent as one POST /transfers/batch: all or
// nothing, or each transfer on its own. The file is read as soon as it is chosen, so a file that
// is not a batch is said at once; the server's refusals name the transfer and its line.

import { request, type Problem } from "../api.js";
import { BatchFileError, parseBatchFile, type ParsedBatch } from "../batch-file.js";
import { h } from "../dom.js";
import { field, SubmissionForm } from "../form.js";
import { formatCount } from "../money.js";
import type { View, ViewContext } from "./view.js";

interface BatchResult {
  readonly index: number;
  readonly status: "applied" | "refused";
  readonly transaction_id: number | null;
  readonly code: string | null;
  readonly detail: string | null;
}

interface BatchAnswer {
  readonly atomic: boolean;
  readonly applied: number;
  readonly refused: number;
  readonly first_transaction_id: number | null;
  readonly last_transaction_id: number | null;
  readonly results?: BatchResult[];
}

/** Where a transfer is in the file, for a person: "transfer 3 (line 4)". */
function where(batch: ParsedBatch, index: number): string {
  const line = batch.lines[index];
  return `transfer ${index + 1}${line === undefined ? "" : ` (line ${line})`}`;
}

/** The transfers an independent batch refused, and why. */
function refusalsTable(sent: ParsedBatch, refusals: readonly BatchResult[]): HTMLTableElement {
  return h(
    "table",
    {},
    h("caption", {}, "Transfers refused"),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Transfer"), h("th", { scope: "col" }, "Why"))),
    h("tbody", {}, ...refusals.map((result) => h("tr", {}, h("td", {}, where(sent, result.index)), h("td", {}, result.detail ?? "")))),
  );
}

export function batchView(context: ViewContext): View {
  const file = field("batch", "file", {
    label: "File",
    type: "file",
    accept: ".csv,.json,text/csv,application/json",
    hint: "CSV with the header sender,recipient,amount, or JSON: {\"transfers\": [{\"sender\", \"recipient\", \"amount\"}, ...]}. At most 8,190 transfers.",
  });
  const atomic = h("input", { id: "batch-atomic", type: "checkbox", name: "atomic", checked: true });
  const preview = h("p", { class: "hint", id: "batch-preview" });
  const status = h("p", { class: "form-status" });
  const results = h("div", { class: "results" });
  const form = h(
    "form",
    { class: "card", "aria-labelledby": "batch-heading" },
    h("h2", { id: "batch-heading" }, "Upload a batch"),
    file.wrapper,
    preview,
    h("div", { class: "field checkbox" }, atomic, h("label", { for: "batch-atomic" }, "All or nothing: if any transfer would be refused, apply none")),
    h("div", { class: "form-actions" }, h("button", { type: "submit" }, "Send the batch"), status),
  );
  let batch: ParsedBatch | null = null;
  let readError: string | null = null;

  const read = async () => {
    batch = null;
    readError = null;
    preview.textContent = "";
    const chosen = file.input.files?.[0];
    if (chosen === undefined) return;
    try {
      batch = parseBatchFile(await chosen.text());
      if (batch.atomic !== undefined) atomic.checked = batch.atomic;
      preview.textContent = `${formatCount(batch.transfers.length)} transfers read from ${chosen.name}.`;
    } catch (error) {
      if (!(error instanceof BatchFileError)) throw error;
      readError = error.message;
    }
  };
  let reading = Promise.resolve();
  file.input.addEventListener("change", () => {
    reading = read();
  });

  new SubmissionForm<BatchAnswer>({
    form,
    fields: [file],
    status,
    announce: context.announce,
    check: async () => {
      await reading;
      if (readError !== null) return { file: readError };
      return batch === null ? { file: "Choose a CSV or JSON file" } : {};
    },
    send: (_values, idempotencyKey) => {
      const transfers = (batch as ParsedBatch).transfers;
      return request<BatchAnswer>("POST", "/transfers/batch", { body: { transfers, atomic: atomic.checked }, idempotencyKey });
    },
    fieldOf: () => "file",
    describe: (problem: Problem) => {
      const index = problem.body.index;
      if (problem.code !== "BATCH_REFUSED" || index === undefined || batch === null) return problem.detail;
      return `Nothing was applied: ${where(batch, index)} was refused: ${problem.body.refusal?.detail ?? problem.detail}`;
    },
    success: ({ body }) => {
      const first = body.first_transaction_id;
      const ids = first === null ? "" : first === body.last_transaction_id ? ` (transaction ${first})` : ` (transactions ${first} to ${body.last_transaction_id})`;
      const refused = body.refused === 0 ? "" : `; ${formatCount(body.refused)} refused`;
      return `${formatCount(body.applied)} ${body.applied === 1 ? "transfer" : "transfers"} applied${ids}${refused}.`;
    },
    after: ({ body }) => {
      const sent = batch;
      batch = null;
      preview.textContent = "";
      const refusals = body.results?.filter((result) => result.status === "refused") ?? [];
      results.replaceChildren();
      if (refusals.length > 0 && sent !== null) results.append(refusalsTable(sent, refusals));
    },
  });

  context.main.append(context.heading("Batch of transfers"), form, results);
  context.ready();
  return {};
}
