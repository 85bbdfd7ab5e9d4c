// The bank: accounts by name, their balances, and the journal of every transaction. Each operation
// validates everything first and only then applies, synchronously, so a refused operation leaves
// no trace and no two operations can interleave (see docs/ARCHITECTURE.md).

import { Account } from "./account.js";
import { assert } from "./assert.js";
import { SystemClock } from "./clock.js";
import {
  AccountNotFoundError,
  BalanceLimitExceededError,
  BankError,
  DuplicateAccountError,
  IdempotencyKeyReusedError,
  InsufficientFundsError,
  InvalidArgumentError,
} from "./errors.js";
import { IdempotencyStore, fingerprintOf, validateIdempotencyKey } from "./idempotency.js";
import { EntryKind, Journal, NONE } from "./journal.js";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "./limits.js";
import {
  MAX_AMOUNT_MINOR,
  parseAmount,
  parseInitialBalance,
  tryParseAmount,
  type AmountInput,
} from "./money.js";
import { validateName } from "./name.js";
import {
  amountCode,
  missingAccountCode,
  transferError,
  transferRefusal,
  type TransferCode,
} from "./refusal.js";
import {
  batchFingerprint,
  runBatch,
  runBatchCodes,
  runResolvedBatch,
  type BatchOptions,
  type BatchResult,
  type BatchSummary,
  type ResolvedTransfers,
  type TransferInstruction,
} from "./batch.js";
import { Transaction, type TransactionType } from "./transaction.js";

export interface BankOptions {
  /**
   * Milliseconds since the epoch for transaction timestamps, read once per operation (tests pin it).
   * Without it, the system clock, never going backwards and read at most once per 256 operations
   * of one synchronous run (see clock.ts).
   */
  clock?: () => number;
  /** How many idempotency keys are kept at most, and for how long (defaults in limits.ts). */
  idempotencyKeysMax?: number;
  idempotencyTtlMs?: number;
}

export interface OperationOptions {
  /**
   * Makes the call safe to retry: a later call with the same key and the same arguments returns
   * the first outcome (the same transaction, or the same refusal) and changes nothing.
   */
  idempotencyKey?: string;
}

export interface PageOptions {
  /** Items per page, 1 to PAGE_SIZE_MAX (default PAGE_SIZE_DEFAULT). */
  limit?: number;
}

export interface HistoryPageOptions extends PageOptions {
  /** The id of a transaction of this account: the page starts just before it (older ones). */
  before?: number;
}

export interface HistoryPage {
  /** Newest first. */
  transactions: Transaction[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

export interface AccountPageOptions extends PageOptions {
  /** A name: the page starts just after it in name order. */
  after?: string;
}

export interface AccountPage {
  accounts: Account[];
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: BankError };

/**
 * An in-memory bank. Amounts are given in major units (25.5) or as decimal strings ("25.50") and
 * are exact to the cent; balances never go negative.
 *
 * @example
 * const bank = new Bank();
 * const alice = bank.createAccount("Alice", 100);
 * bank.createAccount("Bob");
 * bank.transfer("Alice", "Bob", 25);
 * alice.balance; // 75
 */
export class Bank {
  /** @internal */ readonly journal = new Journal();
  private readonly indexByName = new Map<string, number>();
  private readonly accounts: Account[] = [];
  private readonly balancesMinor: number[] = [];
  private readonly lastPositions: number[] = [];
  private readonly historyLengths: number[] = [];
  private sortedAccounts: Account[] | null = [];
  private readonly clock: () => number;
  private readonly outcomes: IdempotencyStore<Outcome>;

  constructor(options: BankOptions = {}) {
    this.clock = options.clock ?? new SystemClock().now;
    this.outcomes = new IdempotencyStore<Outcome>({
      clock: this.clock,
      ...(options.idempotencyKeysMax !== undefined && { keysMax: options.idempotencyKeysMax }),
      ...(options.idempotencyTtlMs !== undefined && { ttlMs: options.idempotencyTtlMs }),
    });
  }

  /** Number of accounts. */
  get accountCount(): number {
    return this.accounts.length;
  }

  /** Number of transactions recorded (a transfer counts once). */
  get transactionCount(): number {
    return this.journal.length;
  }

  /**
   * Opens an account. The initial balance is recorded as the account's first transaction.
   *
   * @throws InvalidNameError, DuplicateAccountError, NegativeInitialBalanceError, InvalidAmountError
   */
  createAccount(name: string, initialBalance: AmountInput = 0, options?: OperationOptions): Account {
    return this.idempotent(options, () => ["createAccount", name, initialBalance], () => {
      validateName(name);
      const balanceMinor = parseInitialBalance(initialBalance);
      if (this.indexByName.has(name)) throw new DuplicateAccountError(name);
      return this.openAccount(name, balanceMinor);
    });
  }

  private openAccount(name: string, balanceMinor: number): Account {
    const index = this.accounts.length;
    const account = new Account(this, index, name);
    const position = this.journal.append(
      EntryKind.Opened, balanceMinor, this.clock(), NONE, 0, NONE, index, balanceMinor, NONE,
    );
    this.indexByName.set(name, index);
    this.accounts.push(account);
    this.balancesMinor.push(balanceMinor);
    this.lastPositions.push(position);
    this.historyLengths.push(1);
    this.sortedAccounts = null;
    return account;
  }

  /** The account with this name. @throws AccountNotFoundError */
  getAccount(name: string): Account {
    return this.accounts[this.indexOf(name)] as Account;
  }

  /** Whether an account has this name. */
  hasAccount(name: string): boolean {
    return this.indexByName.has(name);
  }

  /** Every account, sorted by name (UTF-16 code unit order, the same on every machine). */
  listAccounts(): Account[] {
    return [...this.sorted()];
  }

  /** One page of accounts in name order. */
  listAccountPage(options: AccountPageOptions = {}): AccountPage {
    const limit = pageLimit(options.limit);
    const sorted = this.sorted();
    const start = options.after === undefined ? 0 : firstAfter(sorted, options.after);
    const accounts = sorted.slice(start, start + limit);
    const more = start + limit < sorted.length;
    return { accounts, nextAfter: more ? (accounts[accounts.length - 1] as Account).name : null };
  }

  private sorted(): Account[] {
    this.sortedAccounts ??= [...this.accounts].sort((a, b) => (a.name < b.name ? -1 : 1));
    return this.sortedAccounts;
  }

  /** Adds money to an account. @throws AccountNotFoundError, NegativeAmountError, InvalidAmountError */
  deposit(name: string, amount: AmountInput, options?: OperationOptions): Transaction {
    return this.idempotent(options, () => ["deposit", name, amount], () =>
      this.depositAt(this.indexOf(name), parseAmount(amount)),
    );
  }

  /** Takes money out of an account. @throws InsufficientFundsError and the deposit's errors */
  withdraw(name: string, amount: AmountInput, options?: OperationOptions): Transaction {
    return this.idempotent(options, () => ["withdraw", name, amount], () =>
      this.withdrawAt(this.indexOf(name), parseAmount(amount)),
    );
  }

  /**
   * Moves money between two accounts, all or nothing. Returns the sender's side of the transaction.
   *
   * @throws AccountNotFoundError, SameAccountError, InsufficientFundsError, NegativeAmountError, ...
   */
  transfer(
    senderName: string,
    recipientName: string,
    amount: AmountInput,
    options?: OperationOptions,
  ): Transaction {
    return this.idempotent(options, () => ["transfer", senderName, recipientName, amount], () =>
      this.transferAt(this.indexOf(senderName), this.indexOf(recipientName), parseAmount(amount)),
    );
  }

  /** @internal */
  depositAt(account: number, amountMinor: number): Transaction {
    const balanceAfterMinor = (this.balancesMinor[account] as number) + amountMinor;
    if (balanceAfterMinor > MAX_AMOUNT_MINOR) throw this.balanceLimitError(account);
    const timeMs = this.clock();
    this.balancesMinor[account] = balanceAfterMinor;
    this.record(EntryKind.Deposit, amountMinor, timeMs, NONE, 0, account, balanceAfterMinor);
    return this.transactionAt(this.journal.length - 1, account);
  }

  /** @internal */
  withdrawAt(account: number, amountMinor: number): Transaction {
    const balanceMinor = this.balancesMinor[account] as number;
    if (amountMinor > balanceMinor) throw this.insufficientFundsError(account, amountMinor);
    const timeMs = this.clock();
    const balanceAfterMinor = balanceMinor - amountMinor;
    this.balancesMinor[account] = balanceAfterMinor;
    this.record(EntryKind.Withdrawal, amountMinor, timeMs, account, balanceAfterMinor, NONE, 0);
    return this.transactionAt(this.journal.length - 1, account);
  }

  /** @internal The hot path of every transfer: plain checks, two balance writes, one append. */
  transferAt(sender: number, recipient: number, amountMinor: number): Transaction {
    const balancesMinor = this.balancesMinor;
    const code = transferRefusal(
      sender, recipient, amountMinor, balancesMinor[sender] as number, balancesMinor[recipient] as number,
    );
    if (code !== "OK") {
      const senderBalanceMinor = balancesMinor[sender] as number;
      throw transferError(code, this.nameAt(sender), this.nameAt(recipient), amountMinor, senderBalanceMinor);
    }
    const timeMs = this.clock();
    this.applyTransfer(sender, recipient, amountMinor, timeMs);
    return new Transaction(
      this.journal.length, "transfer_out", this.nameAt(sender), amountMinor,
      balancesMinor[sender] as number, this.nameAt(recipient), timeMs,
    );
  }

  /**
   * The non-throwing transfer, for callers that move money in bulk: returns "OK" when applied,
   * else the refusal's code, and never allocates an error.
   *
   * @example if (bank.tryTransfer("Alice", "Bob", 25) === "INSUFFICIENT_FUNDS") { ... }
   */
  tryTransfer(senderName: string, recipientName: string, amount: AmountInput): TransferCode {
    const sender = this.indexByName.get(senderName);
    if (sender === undefined) return missingAccountCode(senderName);
    const recipient = this.indexByName.get(recipientName);
    if (recipient === undefined) return missingAccountCode(recipientName);
    const amountMinor = tryParseAmount(amount);
    if (amountMinor <= 0) return amountCode(amountMinor);
    const code = transferRefusal(
      sender, recipient, amountMinor, this.balancesMinor[sender] as number, this.balancesMinor[recipient] as number,
    );
    if (code === "OK") this.applyTransfer(sender, recipient, amountMinor, this.clock());
    return code;
  }

  /**
   * Many transfers in one call, in order. With `atomic` (the default) all are applied or none:
   * each sees the balances left by the ones before it, and a refusal of any throws
   * BatchRefusedError naming it. Without, each is applied or refused on its own.
   */
  transferBatch(transfers: readonly TransferInstruction[], options: BatchOptions = {}): BatchResult {
    return this.idempotent(options, () => ["transferBatch", options.atomic, ...batchFingerprint(transfers)], () =>
      runBatch(this, transfers, options.atomic ?? true),
    );
  }

  /** The non-throwing form of `transferBatch`: one code per transfer ("OK" when applied). */
  tryTransferBatch(transfers: readonly TransferInstruction[], options: BatchOptions = {}): TransferCode[] {
    return this.idempotent(options, () => ["tryTransferBatch", options.atomic, ...batchFingerprint(transfers)], () =>
      runBatchCodes(this, transfers, options.atomic ?? true),
    );
  }

  /**
   * @internal A batch already resolved to account indexes and minor units by a bulk reader (the
   * HTTP batch route's), as `transferBatch` would run it. An atomic refusal throws BatchRefusedError.
   */
  transferResolvedBatch(transfers: ResolvedTransfers, atomic: boolean): BatchSummary {
    return runResolvedBatch(this, transfers, atomic);
  }

  /** @internal Applies a transfer already checked against the current balances. */
  applyTransfer(sender: number, recipient: number, amountMinor: number, timeMs: number): void {
    const senderAfterMinor = (this.balancesMinor[sender] as number) - amountMinor;
    const recipientAfterMinor = (this.balancesMinor[recipient] as number) + amountMinor;
    assert(senderAfterMinor >= 0 && recipientAfterMinor <= MAX_AMOUNT_MINOR, "transfer was checked");
    this.balancesMinor[sender] = senderAfterMinor;
    this.balancesMinor[recipient] = recipientAfterMinor;
    this.record(EntryKind.Transfer, amountMinor, timeMs, sender, senderAfterMinor, recipient, recipientAfterMinor);
  }

  /** @internal The index of the account with this name, or undefined. */
  findIndex(name: string): number | undefined {
    return this.indexByName.get(name);
  }

  /** @internal The name of the account at this index. */
  nameAt(index: number): string {
    return (this.accounts[index] as Account).name;
  }

  /** @internal The bank's clock, read once per operation or batch. */
  now(): number {
    return this.clock();
  }

  /** Appends an entry (NONE for a missing side) and links it into each side's history. */
  private record(
    kind: EntryKind, amountMinor: number, timeMs: number,
    debit: number, debitAfterMinor: number, credit: number, creditAfterMinor: number,
  ): void {
    const debitPrevious = debit === NONE ? NONE : (this.lastPositions[debit] as number);
    const creditPrevious = credit === NONE ? NONE : (this.lastPositions[credit] as number);
    const position = this.journal.append(
      kind, amountMinor, timeMs, debit, debitAfterMinor, debitPrevious, credit, creditAfterMinor, creditPrevious,
    );
    if (debit !== NONE) {
      this.lastPositions[debit] = position;
      (this.historyLengths[debit] as number)++;
    }
    if (credit !== NONE) {
      this.lastPositions[credit] = position;
      (this.historyLengths[credit] as number)++;
    }
  }

  /** @internal */
  balanceMinorAt(account: number): number {
    return this.balancesMinor[account] as number;
  }

  /** @internal */
  historyLengthAt(account: number): number {
    return this.historyLengths[account] as number;
  }

  /** @internal The whole history of an account, oldest first, walked back from its last entry. */
  historyAt(account: number): Transaction[] {
    const history = new Array<Transaction>(this.historyLengths[account] as number);
    let position = this.lastPositions[account] as number;
    for (let slot = history.length - 1; slot >= 0; slot--) {
      history[slot] = this.transactionAt(position, account);
      position = this.journal.previousOf(position, account);
    }
    assert(position === NONE, "history length matches the journal links");
    return history;
  }

  /** @internal One page of an account's history, newest first; costs the page, not the history. */
  historyPageAt(account: number, options: HistoryPageOptions): HistoryPage {
    const limit = pageLimit(options.limit);
    let position = this.lastPositions[account] as number;
    if (options.before !== undefined) {
      const cursor = this.cursorPosition(account, options.before);
      position = this.journal.previousOf(cursor, account);
    }
    const transactions: Transaction[] = [];
    while (position !== NONE && transactions.length < limit) {
      transactions.push(this.transactionAt(position, account));
      position = this.journal.previousOf(position, account);
    }
    const last = transactions[transactions.length - 1];
    return { transactions, nextBefore: position !== NONE && last !== undefined ? last.id : null };
  }

  private cursorPosition(account: number, before: number): number {
    const position = before - 1;
    if (
      !Number.isSafeInteger(before) || position < 0 || position >= this.journal.length ||
      !this.journal.involves(position, account)
    ) {
      const name = this.nameAt(account);
      throw new InvalidArgumentError(`Cursor ${String(before)} is not a transaction of account '${name}'`);
    }
    return position;
  }

  /** The journal entry at `position` as `account` sees it. */
  private transactionAt(position: number, account: number): Transaction {
    const journal = this.journal;
    const kind = journal.kind(position);
    const isDebit = journal.debitAccount(position) === account;
    const balanceAfterMinor = isDebit
      ? journal.debitBalanceAfterMinor(position)
      : journal.creditBalanceAfterMinor(position);
    let counterparty: string | null = null;
    if (kind === EntryKind.Transfer) {
      const other = isDebit ? journal.creditAccount(position) : journal.debitAccount(position);
      counterparty = this.nameAt(other);
    }
    return new Transaction(
      position + 1, transactionType(kind, isDebit), this.nameAt(account),
      journal.amountMinor(position), balanceAfterMinor, counterparty, journal.timeMs(position),
    );
  }

  /** @internal The index of the account with this name. @throws AccountNotFoundError */
  indexOf(name: string): number {
    const index = this.indexByName.get(name);
    if (index !== undefined) return index;
    validateName(name);
    throw new AccountNotFoundError(name);
  }

  private insufficientFundsError(account: number, amountMinor: number): InsufficientFundsError {
    const name = this.nameAt(account);
    return new InsufficientFundsError(name, amountMinor, this.balancesMinor[account] as number);
  }

  private balanceLimitError(account: number): BalanceLimitExceededError {
    return new BalanceLimitExceededError(this.nameAt(account), MAX_AMOUNT_MINOR);
  }

  /**
   * Runs `operation` once per idempotency key: a repeat with the same arguments gets the first
   * outcome back, a repeat with other arguments is refused. Without a key it simply runs.
   */
  private idempotent<T>(options: OperationOptions | undefined, request: () => unknown[], operation: () => T): T {
    if (options?.idempotencyKey === undefined) return operation();
    const key = validateIdempotencyKey(options.idempotencyKey);
    // The request's parts are gathered only when a key is given: a batch has thousands.
    const lookup = this.outcomes.begin(key, fingerprintOf(request()));
    // Operations are synchronous and a fingerprint is always given: never pending, never "done".
    assert(lookup.kind !== "pending" && lookup.kind !== "done", "a key is settled between two calls");
    if (lookup.kind === "mismatch") throw new IdempotencyKeyReusedError(key);
    if (lookup.kind === "replay") {
      if (lookup.outcome.ok) return lookup.outcome.value as T;
      throw lookup.outcome.error;
    }
    try {
      const value = operation();
      this.outcomes.complete(key, { ok: true, value });
      return value;
    } catch (error) {
      // Refusals are outcomes and are kept; anything else is a bug and must not be replayed.
      if (error instanceof BankError) this.outcomes.complete(key, { ok: false, error });
      else this.outcomes.abandon(key);
      throw error;
    }
  }
}

function transactionType(kind: EntryKind, isDebit: boolean): TransactionType {
  switch (kind) {
    case EntryKind.Opened:
      return "account_opened";
    case EntryKind.Deposit:
      return "deposit";
    case EntryKind.Withdrawal:
      return "withdrawal";
    case EntryKind.Transfer:
      return isDebit ? "transfer_out" : "transfer_in";
  }
}

function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return PAGE_SIZE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
    throw new InvalidArgumentError(`Page limit must be an integer from 1 to ${PAGE_SIZE_MAX}`);
  }
  return limit;
}

/** Index of the first account whose name sorts after `name` (binary search). */
function firstAfter(sorted: readonly Account[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as Account).name <= name) low = middle + 1;
    else high = middle;
  }
  return low;
}
