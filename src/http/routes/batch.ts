// POST /transfers/batch: up to BATCH_SIZE_MAX transfers in one round trip. An atomic batch answers
// with counts and the range of ids; an independent one also lists each transfer's result.

import type { Bank, BatchItemResult } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { reusedBufferJsonParser } from "../batch-body.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { batchSchema, type BatchItem, type BatchResult } from "../schemas/batch.js";

/** Registers `POST /transfers/batch` on `bank`. */
export function registerBatchRoutes(app: BankApp, bank: Bank): void {
  // In a scope of its own, so that its body reader serves this route only.
  app.register((scope: BankApp, _options, done) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser("application/json", reusedBufferJsonParser(BATCH_BODY_LIMIT_BYTES));
    registerBatchRoute(scope, bank);
    done();
  });
}

function registerBatchRoute(app: BankApp, bank: Bank): void {
  app.post(
    "/transfers/batch",
    { schema: batchSchema, bodyLimit: BATCH_BODY_LIMIT_BYTES },
    (request): BatchResult => {
      const { transfers, atomic = true } = request.body;
      // An atomic refusal throws BatchRefusedError, which the error handler turns into a problem.
      const result = bank.transferBatch(transfers, { atomic });
      const ids = appliedIdRange(result.results);
      return {
        atomic,
        applied: result.applied,
        refused: result.refused,
        first_transaction_id: ids.first,
        last_transaction_id: ids.last,
        ...(!atomic && { results: result.results.map(itemBody) }),
      };
    },
  );
}

function appliedIdRange(results: readonly BatchItemResult[]): { first: number | null; last: number | null } {
  let first: number | null = null;
  let last: number | null = null;
  for (const item of results) {
    if (!item.ok) continue;
    first ??= item.transactionId;
    last = item.transactionId;
  }
  return { first, last };
}

function itemBody(item: BatchItemResult): BatchItem {
  if (item.ok) {
    return { index: item.index, status: "applied", transaction_id: item.transactionId, code: null, detail: null };
  }
  return { index: item.index, status: "refused", transaction_id: null, code: item.error.code, detail: item.error.message };
}
