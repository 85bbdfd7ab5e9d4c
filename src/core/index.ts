// The package's public API, and nothing else: `import { Bank } from "banking-system"` gives this.
// What the other layers of this package need beyond it comes from internal.ts.

export { Account } from "./account.js";
export { AssertionError } from "./assert.js";
export {
  Bank,
  type AccountPage,
  type AccountPageOptions,
  type BankOptions,
  type DurableBankOptions,
  type HoldOptions,
  type MovementOptions,
  type OperationOptions,
} from "./bank.js";
export {
  type BatchInstruction,
  type BatchItemResult,
  type BatchOptions,
  type BatchResult,
  type HoldInstruction,
  type PostHoldInstruction,
  type TransferInstruction,
  type VoidHoldInstruction,
} from "./batch.js";
export {
  AccountNotFoundError,
  BalanceLimitExceededError,
  BankError,
  BatchRefusedError,
  DuplicateAccountError,
  ERROR_CODES,
  HoldAmountExceededError,
  HoldNotFoundError,
  HoldNotPendingError,
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
export { type EventStream } from "./events.js";
export { type HistoryPage, type HistoryPageOptions } from "./history.js";
export { Hold, type HoldJson, type HoldStatusName } from "./hold.js";
export * from "./limits.js";
export { parseAmount, parseInitialBalance, type AmountInput } from "./money.js";
export { validateName } from "./name.js";
export { type PageOptions } from "./page.js";
export { type Statement } from "./statement.js";
export { type DurableScope, type DurableState, type Store } from "./store.js";
export { type TransferCode } from "./transfer.js";
export { Transaction, type TransactionJson, type TransactionType } from "./transaction.js";
export { formatMinor, MINOR_PER_MAJOR, toMajor } from "./units.js";
