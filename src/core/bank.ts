// The bank: the public facade over one ledger. Each operation resolves and checks everything first
// and only then applies, synchronously, so a refused operation leaves no trace and no two
// operations can interleave (see docs/ARCHITECTURE.md). Idempotency keys are handled here.

import { Account } from "./account.js";
import { assert } from "./assert.js";
import {
  atomicRefusal,
  checkBatchSize,
  runBatch,
  type BatchOptions,
  type BatchOutcome,
  type BatchInstruction,
  type BatchResult,
} from "./batch.js";
import { SystemClock } from "./clock.js";
import { BankError, DuplicateAccountError, HoldNotFoundError, IdempotencyKeyReusedError, InvalidArgumentError } from "./errors.js";
import { EventHub, type EventStream } from "./events.js";
import { Hold } from "./hold.js";
import { createHold, postHold, voidHold, type HoldRequest } from "./hold-steps.js";
import { IdempotencyStore, fingerprintOf, idempotencyScope, validateIdempotencyKey } from "./idempotency.js";
import { instantMs } from "./instant.js";
import { INSPECT, inspectAs, type Inspect, type InspectOptions } from "./inspect.js";
import { EntryKind } from "./journal.js";
import { Ledger } from "./ledger.js";
import { parseInitialBalance, tryParseAmount, tryParseInitialBalance, type AmountInput } from "./money.js";
import { validateName } from "./name.js";
import { outcomeCodec, type Outcome } from "./outcome-codec.js";
import { pageLimit, type PageOptions } from "./page.js";
import { validateReference } from "./references.js";
import { balanceMinorAt, statementOf, type Statement } from "./statement.js";
import type { Store } from "./store.js";
import type { Transaction } from "./transaction.js";
import { check, findOrThrow, moveByNames, resolve, Resolved, type TransferCode } from "./transfer.js";
import { toMajor } from "./units.js";

export interface BankOptions {
  /**
   * Milliseconds since the epoch for transaction timestamps, read once per operation (tests pin it).
   * Without it, the system clock, read at most once per 256 operations of one synchronous run (see
   * clock.ts). Time in the journal never goes backwards, whichever clock is used.
   */
  clock?: () => number;
  /** How many idempotency keys are kept at most, and for how long (defaults in limits.ts). */
  idempotencyKeysMax?: number;
  idempotencyTtlMs?: number;
}

export interface OperationOptions {
  /**
   * Makes the call safe to retry: a later call with the same key and the same request returns
   * the first outcome (the same transaction, or the same refusal) and changes nothing.
   */
  idempotencyKey?: string;
}

/** The options of a deposit, withdrawal or transfer. */
export interface MovementOptions extends OperationOptions {
  /** The caller's reference for the transaction (an invoice number): 1 to 64 visible ASCII characters. */
  reference?: string;
}

/** The options of a new hold. */
export interface HoldOptions extends MovementOptions {
  /** Seconds until it expires unless posted or voided first (default 7 days, at most 30). */
  timeoutSeconds?: number;
}

export interface AccountPageOptions extends PageOptions {
  /** A name: the page starts just after it in name order. */
  after?: string;
  /** Only names that start with this (case-sensitive, as names are). */
  prefix?: string;
}

export interface AccountPage {
  accounts: Account[];
  /** Pass as `after` for the next page; null on the last page. */
  nextAfter: string | null;
}

/** A durable bank's options: those of any bank, and the store that keeps it across restarts. */
export interface DurableBankOptions extends BankOptions {
  store: Store;
}

/** The ledger behind a bank, for the other layers of this package (see internal.ts). */
export let ledgerOf: (bank: Bank) => Ledger;
/** The store of a durable bank, or null, for the other layers of this package (see internal.ts). */
export let storeOf: (bank: Bank) => Store | null;
/**
 * Tells a bank that holds were made behind its back (a batch run on its ledger by another layer),
 * so that it sets the timer that expires them in time (see internal.ts).
 */
export let holdsMadeIn: (bank: Bank) => void;

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
  private readonly ledger: Ledger;
  private readonly handles: Account[] = [];
  private sortedAccounts: Account[] = [];
  private readonly outcomes: IdempotencyStore<Outcome>;
  private readonly resolved = new Resolved();
  private store: Store | null = null;
  private hub: EventHub | null = null;
  private expiryTimer: ReturnType<typeof setTimeout> | null = null;
  private expiryTimerMs = Number.POSITIVE_INFINITY;

  static {
    ledgerOf = (bank) => bank.ledger;
    storeOf = (bank) => bank.store;
    holdsMadeIn = (bank) => bank.scheduleExpiry();
  }

  /**
   * Opens a durable bank: the store replays what it saved (every account, transaction and
   * idempotency outcome) and records every change from then on. `openBank({ dataDir })`, from the
   * package's entry, opens one on files. Close it with `close()`.
   *
   * @example
   * const bank = await Bank.open({ store });
   * bank.deposit("Alice", 5);
   * await bank.sync(); // the deposit is on disk
   */
  static async open(options: DurableBankOptions): Promise<Bank> {
    const bank = new Bank(options);
    const outcomes = idempotencyScope("bank.idempotency", bank.outcomes, outcomeCodec(bank.ledger, (index) => bank.accountAt(index), (id) => bank.holdAt(id)));
    await options.store.open({ ledger: bank.ledger, scopes: [outcomes] });
    bank.store = options.store;
    bank.scheduleExpiry();
    return bank;
  }

  /**
   * Resolves once every change made so far is durable (at once for an in-memory bank). Operations
   * apply and return at once; a durable bank's caller awaits this before it acts on their outcome,
   * as the REST server does before it answers.
   */
  sync(): Promise<void> {
    return this.store === null ? Promise.resolve() : this.store.sync();
  }

  /** Syncs and closes a durable bank's store (writing a snapshot); nothing for an in-memory bank. */
  async close(): Promise<void> {
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.expiryTimerMs = Number.POSITIVE_INFINITY;
    await this.store?.close();
  }

  constructor(options: BankOptions = {}) {
    const clock = options.clock ?? new SystemClock().now;
    this.ledger = new Ledger(clock);
    this.outcomes = new IdempotencyStore<Outcome>({
      clock,
      ...(options.idempotencyKeysMax !== undefined && { keysMax: options.idempotencyKeysMax }),
      ...(options.idempotencyTtlMs !== undefined && { ttlMs: options.idempotencyTtlMs }),
    });
  }

  /** Number of accounts. */
  get accountCount(): number {
    return this.ledger.accountCount;
  }

  /** Number of transactions recorded (a transfer counts once). */
  get transactionCount(): number {
    return this.ledger.entryCount;
  }

  /** All the money in the bank, the sum of every balance, in minor units (transfers never change it). */
  get totalBalanceMinor(): number {
    return this.ledger.totalMinor;
  }

  /** @internal How console.log and the REPL show it: `Bank { accounts: 2, transactions: 5 }`. */
  [INSPECT](depth: number, options: InspectOptions, inspect: Inspect): string {
    const summary = { accounts: this.accountCount, transactions: this.transactionCount };
    return inspectAs("Bank", summary, depth, options, inspect);
  }

  /**
   * Opens an account. The initial balance is recorded as the account's first transaction.
   *
   * @throws InvalidNameError, DuplicateAccountError, NegativeInitialBalanceError, InvalidAmountError
   */
  createAccount(name: string, initialBalance: AmountInput = 0, options?: OperationOptions): Account {
    return this.idempotent(options, () => ["createAccount", name, ...normalisedBalance(initialBalance)], () => {
      validateName(name);
      const balanceMinor = parseInitialBalance(initialBalance);
      if (this.ledger.find(name) !== undefined) throw new DuplicateAccountError(name);
      return this.accountAt(this.ledger.open(name, balanceMinor, this.ledger.now()));
    });
  }

  /** The account with this name. @throws AccountNotFoundError, InvalidNameError */
  getAccount(name: string): Account {
    return this.accountAt(findOrThrow(this.ledger, name));
  }

  /** Whether an account has this name. */
  hasAccount(name: string): boolean {
    return this.ledger.find(name) !== undefined;
  }

  /** Every account, sorted by name (UTF-16 code unit order, the same on every machine). */
  listAccounts(): Account[] {
    return [...this.sorted()];
  }

  /** One page of accounts in name order. */
  listAccountPage(options: AccountPageOptions = {}): AccountPage {
    const limit = pageLimit(options.limit);
    const { prefix = "" } = options;
    const sorted = this.sorted();
    // Names with a prefix are one run of the sorted list: from the first at or after the prefix.
    const after = options.after !== undefined && options.after >= prefix ? options.after : null;
    const start = after === null ? firstAtOrAfter(sorted, prefix) : firstAfter(sorted, after);
    let end = start;
    while (end < sorted.length && end - start <= limit && (sorted[end] as Account).name.startsWith(prefix)) end++;
    const accounts = sorted.slice(start, Math.min(end, start + limit));
    const more = end - start > limit;
    return { accounts, nextAfter: more ? (accounts[accounts.length - 1] as Account).name : null };
  }

  /** Adds money to an account. @throws AccountNotFoundError, NegativeAmountError, InvalidAmountError */
  deposit(name: string, amount: AmountInput, options?: MovementOptions): Transaction {
    const reference = referenceOf(options);
    return this.idempotent(options, () => ["deposit", name, ...normalisedAmount(amount), reference], () =>
      moveByNames(this.ledger, EntryKind.Deposit, undefined, name, amount, this.resolved, reference),
    );
  }

  /** Takes money out of an account. @throws InsufficientFundsError and the deposit's errors */
  withdraw(name: string, amount: AmountInput, options?: MovementOptions): Transaction {
    const reference = referenceOf(options);
    return this.idempotent(options, () => ["withdraw", name, ...normalisedAmount(amount), reference], () =>
      moveByNames(this.ledger, EntryKind.Withdrawal, name, undefined, amount, this.resolved, reference),
    );
  }

  /**
   * Moves money between two accounts, all or nothing. Returns the sender's side of the transaction.
   *
   * @throws AccountNotFoundError, SameAccountError, InsufficientFundsError, NegativeAmountError, ...
   */
  transfer(senderName: string, recipientName: string, amount: AmountInput, options?: MovementOptions): Transaction {
    const reference = referenceOf(options);
    return this.idempotent(options, () => ["transfer", senderName, recipientName, ...normalisedAmount(amount), reference], () =>
      moveByNames(this.ledger, EntryKind.Transfer, senderName, recipientName, amount, this.resolved, reference),
    );
  }

  /**
   * Reserves money for a recipient: the sender's `available` drops by the amount, its `balance`
   * does not, until the hold is posted (`postHold`: all or part moves), voided (`voidHold`), or
   * expires after `timeoutSeconds`. Checked as a transfer is, against what the sender may spend.
   *
   * @example
   * const hold = bank.hold("Alice", "Bob", 30, { timeoutSeconds: 600, reference: "order-7" });
   * hold.post(25); // 25 to Bob; the other 5 are Alice's to spend again
   *
   * @throws the refusals of a transfer, and InvalidArgumentError for a timeout out of bounds
   */
  hold(senderName: string, recipientName: string, amount: AmountInput, options?: HoldOptions): Hold {
    const reference = referenceOf(options);
    const timeoutSeconds = options?.timeoutSeconds;
    const request = { sender: senderName, recipient: recipientName, amount, timeoutSeconds, reference };
    // Without a key, at once: the closures `idempotent` takes cost a hold and its post about a tenth
    // of their time, measured (the optimiser removes them from a transfer's path, not from these).
    if (options?.idempotencyKey === undefined) {
      const hold = this.makeHold(request);
      if (typeof hold !== "number") throw hold;
      return this.holdAt(hold);
    }
    return this.idempotent(options, () => ["hold", senderName, recipientName, ...normalisedAmount(amount), timeoutSeconds, reference], () => {
      const hold = this.makeHold(request);
      return typeof hold === "number" ? this.holdAt(hold) : hold;
    });
  }

  /** A new hold's id, its expiry scheduled; or the refusal. */
  private makeHold(request: HoldRequest): number | BankError {
    const hold = createHold(this.ledger, request, this.resolved);
    // A timer set for an earlier expiry already wakes the bank in time for this one.
    if (typeof hold === "number" && this.ledger.holds.expiresAtMsOf(hold) < this.expiryTimerMs) this.scheduleExpiry();
    return hold;
  }

  /**
   * Posts a pending hold: `amount` (by default all of it) moves to its recipient, the rest is
   * released. @throws HoldNotFoundError, HoldNotPendingError, HoldAmountExceededError, amount refusals
   */
  postHold(id: number, amount?: AmountInput, options?: OperationOptions): Hold {
    if (options?.idempotencyKey === undefined) {
      const posted = postHold(this.ledger, id, amount);
      if (typeof posted !== "number") throw posted;
      return this.holdAt(id);
    }
    return this.idempotent(options, () => ["postHold", id, ...(amount === undefined ? [] : normalisedAmount(amount))], () => {
      const posted = postHold(this.ledger, id, amount);
      return typeof posted === "number" ? this.holdAt(id) : posted;
    });
  }

  /** Voids a pending hold: all of it is released. @throws HoldNotFoundError, HoldNotPendingError */
  voidHold(id: number, options?: OperationOptions): Hold {
    if (options?.idempotencyKey === undefined) {
      const voided = voidHold(this.ledger, id);
      if (typeof voided !== "number") throw voided;
      return this.holdAt(id);
    }
    return this.idempotent(options, () => ["voidHold", id], () => {
      const voided = voidHold(this.ledger, id);
      return typeof voided === "number" ? this.holdAt(id) : voided;
    });
  }

  /** The hold with this id. @throws HoldNotFoundError */
  getHold(id: number): Hold {
    if (!this.ledger.holds.has(id)) throw new HoldNotFoundError(id);
    return this.holdAt(id);
  }

  /**
   * The account's balance at an instant: after its last transaction at or before it, exact.
   * @throws AccountNotFoundError; InvalidArgumentError when the account was opened after the instant
   */
  balanceAt(name: string, at: Date | number): number {
    const account = findOrThrow(this.ledger, name);
    return toMajor(balanceMinorAt(this.ledger, account, instantMs(at, "at")));
  }

  /**
   * The account's statement for a period, both ends included: its opening balance, every
   * transaction in it, oldest first, and its closing balance.
   * @throws AccountNotFoundError; InvalidArgumentError for a reversed or too long period
   */
  statement(name: string, from: Date | number, to: Date | number): Statement {
    const account = findOrThrow(this.ledger, name);
    this.ledger.expireDue();
    return statementOf(this.ledger, account, instantMs(from, "from"), instantMs(to, "to"));
  }

  /**
   * The non-throwing transfer, for callers that move money in bulk: returns "OK" when applied,
   * else the refusal's code, and never allocates an error.
   *
   * @example if (bank.tryTransfer("Alice", "Bob", 25) === "INSUFFICIENT_FUNDS") { ... }
   */
  tryTransfer(senderName: string, recipientName: string, amount: AmountInput): TransferCode {
    const ledger = this.ledger;
    const resolved = this.resolved;
    ledger.expireDue();
    const resolution = resolve(ledger, EntryKind.Transfer, senderName, recipientName, amount, resolved);
    if (resolution !== "OK") return resolution;
    const { debit, credit, amountMinor } = resolved;
    const code = check(debit, credit, amountMinor, ledger.availableMinorAt(debit), ledger.balanceMinorAt(credit));
    if (code === "OK") ledger.move(EntryKind.Transfer, debit, credit, amountMinor, ledger.now());
    return code;
  }

  /**
   * Many transfers in one call, in order, and the steps of holds among them (items of type "hold",
   * "post" and "void", as `hold`, `postHold` and `voidHold` take them). With `atomic` (the
   * default) all are applied or none: each sees the balances and holds left by the ones before it,
   * and a refusal of any throws BatchRefusedError naming it. Without, each is applied or refused on
   * its own, as the same calls one by one would be.
   *
   * @example
   * bank.transferBatch([
   *   { type: "hold", sender: "Alice", recipient: "Bob", amount: 30 },
   *   { type: "post", holdId: 1, amount: 20 },
   *   { sender: "Alice", recipient: "Bob", amount: 5, reference: "tip" },
   * ]);
   */
  transferBatch(transfers: readonly BatchInstruction[], options: BatchOptions = {}): BatchResult {
    const atomic = options.atomic ?? true;
    return this.idempotent(options, () => ["transferBatch", atomic, ...batchParts(transfers)], () => {
      const outcome = this.runBatch(transfers, atomic);
      return { applied: outcome.applied, refused: outcome.refused, results: outcome.results() };
    });
  }

  /**
   * The non-throwing form of `transferBatch`: one code per transfer ("OK" when applied). In a
   * refused atomic batch the refused transfer has its own code and every other one BATCH_REFUSED.
   */
  tryTransferBatch(transfers: readonly BatchInstruction[], options: BatchOptions = {}): TransferCode[] {
    const atomic = options.atomic ?? true;
    return this.idempotent(options, () => ["tryTransferBatch", atomic, ...batchParts(transfers)], () => {
      checkBatchSize(transfers);
      const outcome = runBatch(this.ledger, transfers, atomic);
      if (outcome.holdsMade > 0) this.scheduleExpiry();
      const { codes } = outcome;
      const refused = atomic ? codes.findIndex((code) => code !== "OK") : -1;
      if (refused < 0) return codes;
      return codes.map((code, index) => (index === refused ? code : "BATCH_REFUSED"));
    });
  }

  private runBatch(transfers: readonly BatchInstruction[], atomic: boolean): BatchOutcome {
    checkBatchSize(transfers);
    const outcome = runBatch(this.ledger, transfers, atomic);
    if (outcome.holdsMade > 0) this.scheduleExpiry();
    const refusal = atomic ? atomicRefusal(outcome) : null;
    if (refusal !== null) throw refusal;
    return outcome;
  }

  /**
   * Every transaction as it is recorded, as an async iterator: from now on, or after the event with
   * id `after` (a transaction id; 0 for the whole history), so a subscriber that stopped resumes
   * with no gap and no repeat. With `account`, only that account's, as it sees them. A durable
   * bank gives an event once it is durable. End it with `break` or `return()`.
   *
   * @example
   * for await (const transaction of bank.events({ after: 0 })) console.log(transaction.description);
   *
   * @throws InvalidArgumentError for an `after` past the last transaction; AccountNotFoundError
   */
  events(options: { after?: number; account?: string } = {}): EventStream {
    const { after } = options;
    if (after !== undefined && !(Number.isSafeInteger(after) && after >= 0 && after <= this.transactionCount)) {
      throw new InvalidArgumentError(`Event id ${String(after)} is not one of this bank's: the last is ${this.transactionCount}`);
    }
    const account = options.account === undefined ? undefined : findOrThrow(this.ledger, options.account);
    this.hub ??= new EventHub(this.ledger, () => this.sync());
    return this.hub.subscribe({ ...(after !== undefined && { after }), ...(account !== undefined && { account }) });
  }

  /** A handle on the hold with this id (which exists). */
  private holdAt(id: number): Hold {
    return new Hold(this, this.ledger, id);
  }

  /**
   * Sets a timer for the next pending hold's expiry, so that it expires on its own, in time, even
   * when nothing else happens (every operation also expires what is due first). The timer does not
   * keep a process alive.
   */
  private scheduleExpiry(): void {
    const nextMs = this.ledger.holds.nextExpiryMs();
    if (nextMs === Number.POSITIVE_INFINITY || nextMs >= this.expiryTimerMs) return;
    if (this.expiryTimer !== null) clearTimeout(this.expiryTimer);
    this.expiryTimerMs = nextMs;
    const delayMs = Math.min(Math.max(1, nextMs - this.ledger.now()), TIMER_DELAY_MAX_MS);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      this.expiryTimerMs = Number.POSITIVE_INFINITY;
      this.ledger.expireDue();
      this.scheduleExpiry();
    }, delayMs);
    (this.expiryTimer as { unref?: () => void }).unref?.();
  }

  /** The one handle of the account at `index`, made the first time it is asked for. */
  private accountAt(index: number): Account {
    return (this.handles[index] ??= new Account(this, this.ledger, index, this.ledger.nameAt(index)));
  }

  private sorted(): Account[] {
    // Accounts are only ever added, so the sorted list is current while it has them all.
    if (this.sortedAccounts.length !== this.ledger.accountCount) {
      const all = Array.from({ length: this.ledger.accountCount }, (_, index) => this.accountAt(index));
      this.sortedAccounts = all.sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    return this.sortedAccounts;
  }

  /**
   * Runs `operation` once per idempotency key: a repeat of the same request gets the first outcome
   * back, a repeat with another request is refused. Without a key it simply runs. An operation
   * returns its refusal or throws it; either way it is thrown from here, close to the caller.
   */
  private idempotent<T>(options: OperationOptions | undefined, request: () => unknown[], operation: () => T | BankError): T {
    if (options?.idempotencyKey === undefined) {
      const outcome = operation();
      if (outcome instanceof BankError) throw outcome;
      return outcome;
    }
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
    let outcome: T | BankError;
    try {
      outcome = operation();
    } catch (error) {
      // Refusals are outcomes and are kept; anything else is a bug and must not be replayed.
      if (error instanceof BankError) this.outcomes.complete(key, { ok: false, error });
      else this.outcomes.abandon(key);
      throw error;
    }
    if (outcome instanceof BankError) {
      this.outcomes.complete(key, { ok: false, error: outcome });
      throw outcome;
    }
    this.outcomes.complete(key, { ok: true, value: outcome });
    return outcome;
  }
}

/** Timers longer than this overflow in Node; a longer wait is taken in steps. */
const TIMER_DELAY_MAX_MS = 2 ** 31 - 1;

/** The checked reference of a movement's options, or null. @throws InvalidArgumentError */
function referenceOf(options: MovementOptions | undefined): string | null {
  return options?.reference === undefined ? null : validateReference(options.reference);
}

/**
 * An amount as the bank executes it, for fingerprints: minor units when it is valid (so 25.5 and
 * "25.50" are the same request), else the value as given. The flag keeps the two kinds apart.
 */
function normalisedAmount(amount: unknown): [boolean, unknown] {
  const amountMinor = tryParseAmount(amount);
  return amountMinor > 0 ? [true, amountMinor] : [false, amount];
}

function normalisedBalance(balance: unknown): [boolean, unknown] {
  const balanceMinor = tryParseInitialBalance(balance);
  return balanceMinor >= 0 ? [true, balanceMinor] : [false, balance];
}

/** Marks, in a batch's identity, an item with more than a plain transfer's three fields. */
const ITEM_WITH_MORE = Symbol("item");

/**
 * The parts of a batch's identity: every field of every item, amounts normalised. A plain transfer
 * (no type but "transfer", no reference) has the three parts it always had, so that a key kept by
 * a durable bank still finds its batch.
 */
function batchParts(items: readonly BatchInstruction[]): unknown[] {
  if (!Array.isArray(items)) return [items];
  return items.flatMap((item: Record<string, unknown> | null) => {
    const type = item?.type;
    const reference = item?.reference;
    const plain = (type === undefined || type === "transfer") && reference === undefined;
    const transfer = [item?.sender, item?.recipient, ...normalisedAmount(item?.amount)];
    return plain ? transfer : [ITEM_WITH_MORE, type, ...transfer, item?.timeoutSeconds, reference, item?.holdId];
  });
}

/** Index of the first account whose name sorts at or after `name` (binary search). */
function firstAtOrAfter(sorted: readonly Account[], name: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as Account).name < name) low = middle + 1;
    else high = middle;
  }
  return low;
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
