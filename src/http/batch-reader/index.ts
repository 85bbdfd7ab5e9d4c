// The batch route's fast reader, behind one function: the bytes of a body in, the batch resolved to
// account indexes and minor units out, or null ("not mine": the ordinary path reads the body, and
// gives every answer and every error its usual form). See scan.ts for what it accepts.

import type { FastifySchemaCompiler } from "fastify";
import type { Bank } from "../../core/index.js";
import { ledgerOf } from "../../core/internal.js";
import type { BankApp } from "../app.js";
import { reusedBufferJsonParser } from "./body.js";
import { passingCheckedBodies } from "./bypass.js";
import { NameBytesIndex } from "./name-index.js";
import { BatchScanner, ScannedBatch } from "./scan.js";

export { ScannedBatch } from "./scan.js";

/** A fast reader of batch bodies for one bank. */
export type BatchReader = (bytes: Uint8Array) => ScannedBatch | null;

/** The fast reader of `bank`'s batch bodies; its buffers are reused from body to body. */
export function batchReader(bank: Bank): BatchReader {
  const ledger = ledgerOf(bank);
  const scanner = new BatchScanner(ledger, new NameBytesIndex((name) => ledger.find(name)));
  return (bytes) => scanner.scan(bytes);
}

/**
 * Puts the fast reader in front of `scope`'s JSON bodies (a scope of the batch route alone): the
 * body goes to `read` first, and what it declines is parsed as JSON. Returns the validator compiler
 * the route must use, which lets the reader's batches through and validates every other body.
 */
export function useBatchReader(
  scope: BankApp, read: BatchReader, compiler: FastifySchemaCompiler<unknown>, limitBytes: number,
): FastifySchemaCompiler<unknown> {
  scope.removeContentTypeParser("application/json");
  scope.addContentTypeParser("application/json", reusedBufferJsonParser(limitBytes, read));
  return passingCheckedBodies(compiler, (body) => body instanceof ScannedBatch);
}
