// POST /transfers/batch: up to BATCH_SIZE_MAX transfers in one round trip. An atomic batch answers
// with counts and the range of ids; an independent one also lists each transfer's result. The usual
// body is read by a fast reader straight into account indexes and minor units (see batch-scan.ts);
// any other goes the ordinary way, through JSON.parse and the schema.

import type { FastifySchemaCompiler } from "fastify";
import type { Bank, BatchItemResult, BatchSummary } from "../../core/index.js";
import type { BankApp } from "../app.js";
import { reusedBufferJsonParser } from "../batch-body.js";
import { BatchScanner, ScannedBatch } from "../batch-scan.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { NameBytesIndex } from "../name-bytes-index.js";
import { batchSchema, type BatchItem, type BatchResult } from "../schemas/batch.js";
import { passingCheckedBodies } from "../validation.js";

/** Registers `POST /transfers/batch` on `bank`; `compiler` is the app's validator compiler. */
export function registerBatchRoutes(app: BankApp, bank: Bank, compiler: FastifySchemaCompiler<unknown>): void {
  const scanner = new BatchScanner(bank, new NameBytesIndex((name) => bank.findIndex(name)));
  // In a scope of its own, so that its body reader serves this route only.
  app.register((scope: BankApp, _options, done) => {
    scope.removeContentTypeParser("application/json");
    scope.addContentTypeParser(
      "application/json",
      reusedBufferJsonParser(BATCH_BODY_LIMIT_BYTES, (bytes) => scanner.scan(bytes)),
    );
    registerBatchRoute(scope, bank, compiler);
    done();
  });
}

function registerBatchRoute(app: BankApp, bank: Bank, compiler: FastifySchemaCompiler<unknown>): void {
  app.post(
    "/transfers/batch",
    {
      schema: batchSchema,
      bodyLimit: BATCH_BODY_LIMIT_BYTES,
      // The fast reader accepts only bodies the schema accepts.
      validatorCompiler: passingCheckedBodies(compiler, (body) => body instanceof ScannedBatch),
    },
    (request): BatchResult => {
      // An atomic refusal throws BatchRefusedError, which the error handler turns into a problem.
      const body: unknown = request.body;
      if (body instanceof ScannedBatch) {
        const atomic = body.atomicSent ?? true;
        return resultBody(atomic, bank.transferResolvedBatch(body, atomic));
      }
      const { transfers, atomic = true } = request.body;
      return resultBody(atomic, summarize(bank.transferBatch(transfers, { atomic }).results, atomic));
    },
  );
}

function summarize(results: BatchItemResult[], atomic: boolean): BatchSummary {
  let applied = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const item of results) {
    if (!item.ok) continue;
    applied++;
    first ??= item.transactionId;
    last = item.transactionId;
  }
  return {
    applied,
    refused: results.length - applied,
    firstTransactionId: first,
    lastTransactionId: last,
    results: atomic ? null : results,
  };
}

function resultBody(atomic: boolean, summary: BatchSummary): BatchResult {
  return {
    atomic,
    applied: summary.applied,
    refused: summary.refused,
    first_transaction_id: summary.firstTransactionId,
    last_transaction_id: summary.lastTransactionId,
    ...(summary.results !== null && { results: summary.results.map(itemBody) }),
  };
}

function itemBody(item: BatchItemResult): BatchItem {
  if (item.ok) {
    return { index: item.index, status: "applied", transaction_id: item.transactionId, code: null, detail: null };
  }
  return { index: item.index, status: "refused", transaction_id: null, code: item.error.code, detail: item.error.message };
}
