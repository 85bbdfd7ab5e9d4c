// POST /transfers/batch: up to BATCH_SIZE_MAX items in one round trip, transfers and the steps of
// holds. An atomic batch answers with counts and the range of ids; an independent one also lists
// each item's result. The usual body (transfers only, with no reference) is read by a fast reader
// straight into account indexes and minor units (batch-reader/), unless the app turns it off; any
// other body goes the ordinary way, through JSON.parse and the schema.

import type { FastifySchemaCompiler } from "fastify";
import type { Bank, BatchInstruction, TransferCode } from "../../core/index.js";
import { atomicRefusal, holdsMadeIn, ledgerOf, runBatch, runResolvedBatch, type BatchOutcome } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import { batchReader, ScannedBatch, useBatchReader } from "../batch-reader/index.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { batchSchema, type BatchItem, type BatchItemRequest, type BatchResult } from "../schemas/batch.js";

/**
 * Registers `POST /transfers/batch` on `bank`; `compiler` is the app's validator compiler, and
 * `fastReader` whether the fast reader reads the usual bodies.
 */
export function registerBatchRoutes(
  app: BankApp, bank: Bank, compiler: FastifySchemaCompiler<unknown>, fastReader: boolean,
): void {
  // In a scope of its own, so that its body reader serves this route only.
  app.register((scope: BankApp, _options, done) => {
    const validatorCompiler = fastReader
      ? useBatchReader(scope, batchReader(bank), compiler, BATCH_BODY_LIMIT_BYTES)
      : compiler;
    registerBatchRoute(scope, bank, validatorCompiler);
    done();
  });
}

function registerBatchRoute(app: BankApp, bank: Bank, validatorCompiler: FastifySchemaCompiler<unknown>): void {
  const ledger = ledgerOf(bank);
  app.post(
    "/transfers/batch",
    { schema: batchSchema, bodyLimit: BATCH_BODY_LIMIT_BYTES, validatorCompiler },
    (request): BatchResult => {
      const body: unknown = request.body;
      if (body instanceof ScannedBatch) return resultBody(body.atomic, runResolvedBatch(ledger, body, body.atomic));
      const { transfers, atomic = true } = request.body as { transfers: BatchItemRequest[]; atomic?: boolean };
      const outcome = runBatch(ledger, transfers.map(instruction), atomic);
      if (outcome.holdsMade > 0) holdsMadeIn(bank);
      return resultBody(atomic, outcome);
    },
  );
}

/** An item of the body as the core takes it: a transfer as it is, a hold's step with its fields renamed. */
function instruction(item: BatchItemRequest): BatchInstruction {
  switch (item.type) {
    case undefined:
    case "transfer":
      return item;
    case "hold": {
      const { timeout_seconds, ...hold } = item;
      return timeout_seconds === undefined ? hold : { ...hold, timeoutSeconds: timeout_seconds };
    }
    case "post":
      return item.amount === undefined ? { type: "post", holdId: item.hold_id } : { type: "post", holdId: item.hold_id, amount: item.amount };
    default:
      return { type: "void", holdId: item.hold_id };
  }
}

function resultBody(atomic: boolean, outcome: BatchOutcome): BatchResult {
  // An atomic refusal is thrown, and the error handler turns it into a problem.
  const refusal = atomic ? atomicRefusal(outcome) : null;
  if (refusal !== null) throw refusal;
  return {
    atomic,
    applied: outcome.applied,
    refused: outcome.refused,
    first_transaction_id: outcome.firstTransactionId,
    last_transaction_id: outcome.lastTransactionId,
    ...(outcome.holdItems > 0 && { first_hold_id: outcome.firstHoldId, last_hold_id: outcome.lastHoldId }),
    ...(!atomic && { results: itemBodies(outcome) }),
  };
}

function itemBodies(outcome: BatchOutcome): BatchItem[] {
  const items = new Array<BatchItem>(outcome.count);
  let transactionId = outcome.firstTransactionId ?? 0;
  for (let index = 0; index < outcome.count; index++) {
    const code = outcome.codes[index] as TransferCode;
    // A hold's step names its hold (a refused creation has none); a transfer names none.
    const holdId = outcome.holdIdAt(index);
    const hold = holdId === undefined || holdId === null ? {} : { hold_id: holdId };
    items[index] = code === "OK"
      ? { index, status: "applied", transaction_id: transactionId++, ...hold }
      : { index, status: "refused", code, detail: outcome.errorAt(index).message, ...hold };
  }
  return items;
}
