// The answer of POST /transfers/batch. An atomic one is a few counts, serialised by the route's
// schema like any answer. An independent one also has a result per item, up to BATCH_SIZE_MAX of
// them, so its JSON text is written here straight from the outcome's columns, with no object per
// item: the same fields, in the same order, as the schema's serialiser would write them.

import type { TransferCode } from "../core/index.js";
import type { BatchOutcome } from "../core/internal.js";
import type { BatchResult } from "./schemas/batch.js";

/** The counts and id ranges of a batch's answer, without the results of its items. */
export function batchHead(atomic: boolean, outcome: BatchOutcome): BatchResult {
  return {
    atomic,
    applied: outcome.applied,
    refused: outcome.refused,
    first_transaction_id: outcome.firstTransactionId,
    last_transaction_id: outcome.lastTransactionId,
    ...(outcome.holdItems > 0 && { first_hold_id: outcome.firstHoldId, last_hold_id: outcome.lastHoldId }),
  };
}

/**
 * The JSON text of an independent batch's answer: its head, then `results`, one per item, in
 * order. An applied item is `{"index","status","transaction_id"}`, a refused one
 * `{"index","status","code","detail"}`, and a hold's step adds `hold_id` when it has one.
 */
export function independentBatchJson(outcome: BatchOutcome): string {
  const head = JSON.stringify(batchHead(false, outcome));
  let text = `${head.slice(0, -1)},"results":[`;
  let transactionId = outcome.firstTransactionId ?? 0;
  for (let index = 0; index < outcome.count; index++) {
    if (index > 0) text += ",";
    const code = outcome.codes[index] as TransferCode;
    text += code === "OK"
      ? `{"index":${index},"status":"applied","transaction_id":${transactionId++}`
      : `{"index":${index},"status":"refused","code":"${code}","detail":${JSON.stringify(outcome.errorAt(index).message)}`;
    const holdId = outcome.holdIdAt(index);
    text += holdId === undefined || holdId === null ? "}" : `,"hold_id":${holdId}}`;
  }
  return `${text}]}`;
}
