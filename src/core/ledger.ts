// The ledger: the bank's whole state (accounts, balances, the journal and each account's history)
// and the only code that writes it. Callers check first (transfer.ts) and then apply here; every
// write asserts what the check promised, so a bug crashes instead of leaving a wrong balance.

import { assert } from "./assert.js";
import { EntryKind, Journal, NONE } from "./journal.js";
import { AMOUNT_MINOR_MAX } from "./limits.js";
import { Overlay } from "./overlay.js";
import { PositionList } from "./positions.js";

/** What moves money: a deposit (credit only), a withdrawal (debit only) or a transfer (both). */
export type MovementKind = typeof EntryKind.Deposit | typeof EntryKind.Withdrawal | typeof EntryKind.Transfer;

const BALANCES_CAPACITY_MIN = 16;

/** What the ledger tells its listener: each entry as it is recorded, after the state holds it. */
export interface LedgerListener {
  opened(account: number, name: string, balanceMinor: number, timeMs: number): void;
  /** `debit` or `credit` is NONE for a side the movement does not have. */
  moved(kind: MovementKind, debit: number, credit: number, amountMinor: number, timeMs: number): void;
}

/** Accounts are numbered from 0 in the order they were opened; a name is the key to its number. */
export class Ledger {
  readonly journal = new Journal();
  private readonly indexByName = new Map<string, number>();
  private readonly names: string[] = [];
  private balancesMinor = new Float64Array(BALANCES_CAPACITY_MIN);
  private readonly histories: PositionList[] = [];
  /** Scratch balances for checking atomic batches (see overlay.ts); not part of the state. */
  readonly overlay: Overlay = new Overlay(this);

  /** The sum of every balance: changed by openings, deposits and withdrawals, never by transfers. */
  totalMinor = 0;

  constructor(private readonly clock: () => number) {}

  /** Number of accounts. */
  get accountCount(): number {
    return this.names.length;
  }

  /** Number of journal entries (a transfer counts once). */
  get entryCount(): number {
    return this.journal.length;
  }

  /** The index of the account with this name, or undefined (also for a name that is not a string). */
  find(name: unknown): number | undefined {
    return this.indexByName.get(name as string);
  }

  nameAt(account: number): string {
    return this.names[account] as string;
  }

  balanceMinorAt(account: number): number {
    return this.balancesMinor[account] as number;
  }

  /** The journal positions of the account's entries, oldest first. Read it; never write it. */
  historyOf(account: number): PositionList {
    return this.histories[account] as PositionList;
  }

  /**
   * Told of every entry as it is recorded: the listeners added, in the order they were added
   * (durable mode's store first, then the event stream), through one object. Null when there are
   * none, which costs one comparison per entry.
   */
  private listener: LedgerListener | null = null;
  private readonly listeners: LedgerListener[] = [];

  /** Tells `listener` of every entry recorded from now on, after the listeners added before it. */
  addListener(listener: LedgerListener): void {
    this.listeners.push(listener);
    this.listener = fanOut(this.listeners);
  }

  removeListener(listener: LedgerListener): void {
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
    this.listener = fanOut(this.listeners);
  }

  /**
   * The time for the next entry: the clock's reading, but never before the last entry's, so that
   * time in the journal never goes backwards even under a clock that does (or after a restart).
   */
  now(): number {
    const timeMs = this.clock();
    const lastMs = this.journal.lastTimeMs;
    return timeMs > lastMs ? timeMs : lastMs;
  }

  /** Opens an account whose name is new, with a checked opening balance; returns its index. */
  open(name: string, balanceMinor: number, timeMs: number): number {
    assert(!this.indexByName.has(name), "a new account's name is free");
    assert(Number.isSafeInteger(balanceMinor) && balanceMinor >= 0 && balanceMinor <= AMOUNT_MINOR_MAX, "opening balance was checked");
    const account = this.names.length;
    if (account === this.balancesMinor.length) this.growBalances();
    const history = new PositionList();
    history.push(this.journal.append(EntryKind.Opened, timeMs, NONE, 0, account, balanceMinor));
    this.indexByName.set(name, account);
    this.names.push(name);
    this.balancesMinor[account] = balanceMinor;
    this.totalMinor += balanceMinor;
    this.histories.push(history);
    this.listener?.opened(account, name, balanceMinor, timeMs);
    return account;
  }

  private growBalances(): void {
    const balancesMinor = new Float64Array(this.balancesMinor.length * 2);
    balancesMinor.set(this.balancesMinor);
    this.balancesMinor = balancesMinor;
  }

  /**
   * Moves `amountMinor` out of `debit` and into `credit` (NONE for a side the movement does not
   * have) and records it; returns the entry's position. The movement must have been checked.
   */
  move(kind: MovementKind, debit: number, credit: number, amountMinor: number, timeMs: number): number {
    const balancesMinor = this.balancesMinor;
    let debitAfterMinor = 0;
    let creditAfterMinor = 0;
    if (debit !== NONE) {
      debitAfterMinor = (balancesMinor[debit] as number) - amountMinor;
      assert(debitAfterMinor >= 0, "the debit was checked against the balance");
      balancesMinor[debit] = debitAfterMinor;
    }
    if (credit !== NONE) {
      creditAfterMinor = (balancesMinor[credit] as number) + amountMinor;
      assert(creditAfterMinor <= AMOUNT_MINOR_MAX, "the credit was checked against the limit");
      balancesMinor[credit] = creditAfterMinor;
    }
    if (kind !== EntryKind.Transfer) this.totalMinor += kind === EntryKind.Deposit ? amountMinor : -amountMinor;
    const position = this.journal.append(kind, timeMs, debit, debitAfterMinor, credit, creditAfterMinor);
    if (debit !== NONE) (this.histories[debit] as PositionList).push(position);
    if (credit !== NONE) (this.histories[credit] as PositionList).push(position);
    if (this.listener !== null) this.listener.moved(kind, debit, credit, amountMinor, timeMs);
    return position;
  }
}

/** One listener for all of `listeners`: null for none, itself for one, a copy's loop for more. */
function fanOut(listeners: readonly LedgerListener[]): LedgerListener | null {
  if (listeners.length === 0) return null;
  if (listeners.length === 1) return listeners[0] as LedgerListener;
  const all = [...listeners];
  return {
    opened(account, name, balanceMinor, timeMs) {
      for (const listener of all) listener.opened(account, name, balanceMinor, timeMs);
    },
    moved(kind, debit, credit, amountMinor, timeMs) {
      for (const listener of all) listener.moved(kind, debit, credit, amountMinor, timeMs);
    },
  };
}
