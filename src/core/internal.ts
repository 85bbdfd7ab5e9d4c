// What the other layers of this package (src/http, and later the store) need of the core beyond
// its public API. Never re-exported by the package's entry: these may change without notice.

export { holdsMadeIn, ledgerOf, storeOf } from "./bank.js";
export { atomicRefusal, runBatch, runResolvedBatch, type BatchOutcome, type ResolvedTransfers } from "./batch.js";
export { HoldStatus } from "./holds.js";
export { EntryKind, NONE } from "./journal.js";
export {
  IdempotencyStore,
  fingerprintOf,
  idempotencyScope,
  type KeptOutcome,
  type OutcomeCodec,
  validateIdempotencyKey,
  type IdempotencyLookup,
  type IdempotencyStoreOptions,
} from "./idempotency.js";
export type { HoldEnd, Ledger, LedgerListener, MovementKind } from "./ledger.js";
export type { DurableScope, DurableState, Store } from "./store.js";
export { nameProblem } from "./name.js";
export type { TransferCode } from "./transfer.js";
