// POST /transfers/batch: up to BATCH_SIZE_MAX transfers in one round trip. An atomic batch answers
// with counts and the range of ids; an independent one also lists each transfer's result. The usual
// body is read by a fast reader straight into account indexes and minor units (batch-reader/),
// unless the app turns it off; any other body goes the ordinary way, through JSON.parse and the schema.

import type { FastifySchemaCompiler } from "fastify";
import type { Bank, TransferCode } from "../../core/index.js";
import { atomicRefusal, ledgerOf, runBatch, runResolvedBatch, type BatchOutcome } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import { batchReader, ScannedBatch, useBatchReader } from "../batch-reader/index.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { batchSchema, type BatchItem, type BatchResult } from "../schemas/batch.js";

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
      const { transfers, atomic = true } = request.body;
      return resultBody(atomic, runBatch(ledger, transfers, atomic));
    },
  );
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
    ...(!atomic && { results: itemBodies(outcome) }),
  };
}

function itemBodies(outcome: BatchOutcome): BatchItem[] {
  const items = new Array<BatchItem>(outcome.count);
  let transactionId = outcome.firstTransactionId ?? 0;
  for (let index = 0; index < outcome.count; index++) {
    const code = outcome.codes[index] as TransferCode;
    items[index] = code === "OK"
      ? { index, status: "applied", transaction_id: transactionId++ }
      : { index, status: "refused", code, detail: outcome.errorAt(index).message };
  }
  return items;
}
