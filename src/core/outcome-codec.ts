// The bank's idempotency outcomes as JSON, for durable mode: an account or a transaction by its
// place in the ledger, a batch's results, a batch's codes, or a refusal as plain data.

import { Account } from "./account.js";
import type { BatchItemResult, BatchResult } from "./batch.js";
import { refusalFromJson, refusalToJson, type BankError, type RefusalJson } from "./errors.js";
import { transactionOfEntry } from "./history.js";
import { Hold } from "./hold.js";
import type { OutcomeCodec } from "./idempotency.js";
import type { Ledger } from "./ledger.js";
import { Transaction } from "./transaction.js";
import type { TransferCode } from "./transfer.js";

/** What the bank keeps per idempotency key: the value returned, or the refusal thrown. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: BankError };

type ItemJson = { index: number; transactionId: number; holdId?: number } | { index: number; error: RefusalJson };

type OutcomeJson =
  | { error: RefusalJson }
  | { account: number }
  | { hold: number }
  | { transaction: { id: number; account: number } }
  | { codes: TransferCode[] }
  | { batch: { applied: number; refused: number; results: ItemJson[] } };

/** The codec of a bank's outcomes; `accountAt` and `holdAt` give the bank's handles. */
export function outcomeCodec(
  ledger: Ledger, accountAt: (index: number) => Account, holdAt: (id: number) => Hold,
): OutcomeCodec<Outcome> {
  const indexOf = (name: string) => ledger.find(name) as number;
  return {
    encode(outcome): OutcomeJson {
      if (!outcome.ok) return { error: refusalToJson(outcome.error) };
      const { value } = outcome;
      if (value instanceof Account) return { account: indexOf(value.name) };
      if (value instanceof Hold) return { hold: value.id };
      if (value instanceof Transaction) return { transaction: { id: value.id, account: indexOf(value.accountName) } };
      if (Array.isArray(value)) return { codes: value as TransferCode[] };
      const batch = value as BatchResult;
      const results = batch.results.map((item): ItemJson => {
        if (!item.ok) return { index: item.index, error: refusalToJson(item.error) };
        const { index, transactionId, holdId } = item;
        return holdId === undefined ? { index, transactionId } : { index, transactionId, holdId };
      });
      return { batch: { applied: batch.applied, refused: batch.refused, results } };
    },
    decode(json): Outcome {
      const encoded = json as OutcomeJson;
      if ("error" in encoded) return { ok: false, error: refusalFromJson(encoded.error) };
      if ("account" in encoded) return { ok: true, value: accountAt(encoded.account) };
      if ("hold" in encoded) return { ok: true, value: holdAt(encoded.hold) };
      if ("transaction" in encoded) {
        const { id, account } = encoded.transaction;
        return { ok: true, value: transactionOfEntry(ledger, account, id - 1) };
      }
      if ("codes" in encoded) return { ok: true, value: encoded.codes };
      const results = encoded.batch.results.map((item): BatchItemResult => {
        if ("error" in item) return { index: item.index, ok: false, error: refusalFromJson(item.error) };
        const { index, transactionId, holdId } = item;
        return holdId === undefined ? { index, ok: true, transactionId } : { index, ok: true, transactionId, holdId };
      });
      return { ok: true, value: { applied: encoded.batch.applied, refused: encoded.batch.refused, results } };
    },
  };
}
