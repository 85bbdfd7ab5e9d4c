// POST /transfers/batch: up to BATCH_SIZE_MAX items in one round trip, transfers and the steps of
// holds. An atomic batch answers with counts and the range of ids; an independent one also lists
// each item's result. The usual body (transfers only, with no reference) is read by a fast reader
// straight into account indexes and minor units (batch-reader/), unless the app turns it off; any
// other body goes the ordinary way, through JSON.parse and the schema.

import type { FastifyReply, FastifySchemaCompiler } from "fastify";
import type { Bank, BatchInstruction } from "../../core/index.js";
import { atomicRefusal, holdsMadeIn, ledgerOf, runBatch, runResolvedBatch, type BatchOutcome } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import { batchHead, independentBatchJson } from "../batch-answer.js";
import { batchReader, ScannedBatch, useBatchReader } from "../batch-reader/index.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { batchSchema, type BatchItemRequest, type BatchResult } from "../schemas/batch.js";

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
    (request, reply) => {
      const body: unknown = request.body;
      if (body instanceof ScannedBatch) return answer(reply, body.atomic, runResolvedBatch(ledger, body, body.atomic));
      const { transfers, atomic = true } = request.body as { transfers: BatchItemRequest[]; atomic?: boolean };
      const outcome = runBatch(ledger, transfers.map(instruction), atomic);
      if (outcome.holdsMade > 0) holdsMadeIn(bank);
      return answer(reply, atomic, outcome);
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

/**
 * The answer: an atomic batch's counts (its refusal is thrown, and the error handler turns it into
 * a problem); an independent one's JSON text, results and all, written by batch-answer.ts and
 * sent here.
 */
function answer(reply: FastifyReply, atomic: boolean, outcome: BatchOutcome): BatchResult | undefined {
  if (!atomic) {
    void reply.type("application/json; charset=utf-8").send(independentBatchJson(outcome));
    return undefined;
  }
  const refusal = atomicRefusal(outcome);
  if (refusal !== null) throw refusal;
  return batchHead(true, outcome);
}
