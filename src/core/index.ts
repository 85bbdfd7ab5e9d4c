// The core's only door: other layers (http, cli, the package entry) import from here.

export { Account } from "./account.js";
export { AssertionError } from "./assert.js";
export {
  type BatchItemResult,
  type BatchOptions,
  type BatchResult,
  type BatchSummary,
  type ResolvedTransfers,
  type TransferInstruction,
} from "./batch.js";
export {
  Bank,
  type AccountPage,
  type AccountPageOptions,
  type BankOptions,
  type HistoryPage,
  type HistoryPageOptions,
  type OperationOptions,
  type PageOptions,
} from "./bank.js";
export {
  AccountNotFoundError,
  BalanceLimitExceededError,
  BankError,
  BatchRefusedError,
  DuplicateAccountError,
  ERROR_CODES,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidAmountError,
  InvalidArgumentError,
  InvalidNameError,
  NegativeAmountError,
  NegativeInitialBalanceError,
  SameAccountError,
  type BankErrorCode,
} from "./errors.js";
export {
  IdempotencyStore,
  fingerprintOf,
  validateIdempotencyKey,
  type IdempotencyLookup,
  type IdempotencyStoreOptions,
} from "./idempotency.js";
export * from "./limits.js";
export {
  AMOUNT_INVALID,
  AMOUNT_NOT_POSITIVE,
  MAX_AMOUNT_MINOR,
  MINOR_PER_MAJOR,
  formatMinor,
  parseAmount,
  parseInitialBalance,
  toMajor,
  tryParseAmount,
  type AmountInput,
} from "./money.js";
export { nameProblem, validateName } from "./name.js";
export { type TransferCode } from "./refusal.js";
export { Transaction, type TransactionJson, type TransactionType } from "./transaction.js";
