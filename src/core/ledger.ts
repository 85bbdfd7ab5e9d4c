// The ledger: the bank's whole state (accounts, balances, the journal and each account's history)
// and the only code that writes it. Callers check first (transfer.ts) and then apply here; every
// write asserts what the check promised, so a bug crashes instead of leaving a wrong balance.

import { Annotations } from "./annotations.js";
import { assert } from "./assert.js";
import { HoldStatus, HoldTable } from "./holds.js";
import { EntryKind, Journal, NONE } from "./journal.js";
import { AMOUNT_MINOR_MAX } from "./limits.js";
import { Overlay } from "./overlay.js";
import { PositionList } from "./positions.js";
import { References } from "./references.js";

/** What moves money: a deposit (credit only), a withdrawal (debit only) or a transfer (both). */
export type MovementKind = typeof EntryKind.Deposit | typeof EntryKind.Withdrawal | typeof EntryKind.Transfer;

const BALANCES_CAPACITY_MIN = 16;

/** How a hold ends. */
export type HoldEnd = typeof HoldStatus.Posted | typeof HoldStatus.Voided | typeof HoldStatus.Expired;

/** What the ledger tells its listener: each entry as it is recorded, after the state holds it. */
export interface LedgerListener {
  opened(account: number, name: string, balanceMinor: number, timeMs: number): void;
  /** `debit` or `credit` is NONE for a side the movement does not have. */
  moved(kind: MovementKind, debit: number, credit: number, amountMinor: number, timeMs: number, reference: string | null): void;
  held(hold: number, sender: number, recipient: number, amountMinor: number, expiresAtMs: number, timeMs: number, reference: string | null): void;
  /** A pending hold ended; `postedMinor` is what a post moved (0 otherwise). */
  finished(hold: number, end: HoldEnd, postedMinor: number, timeMs: number): void;
}

/** Accounts are numbered from 0 in the order they were opened; a name is the key to its number. */
export class Ledger {
  readonly journal = new Journal();
  private readonly indexByName = new Map<string, number>();
  private readonly names: string[] = [];
  private balancesMinor = new Float64Array(BALANCES_CAPACITY_MIN);
  /** Per account, the sum of its pending outgoing holds: its balance less this is what it may spend. */
  private heldMinor = new Float64Array(BALANCES_CAPACITY_MIN);
  /** Per account, the sum of the pending holds it is the recipient of: money on its way, not yet its own. */
  private incomingHeldMinor = new Float64Array(BALANCES_CAPACITY_MIN);
  readonly holds = new HoldTable();
  readonly references = new References();
  readonly annotations = new Annotations();
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

  /** What pending holds reserve of the account's balance. */
  heldMinorAt(account: number): number {
    return this.heldMinor[account] as number;
  }

  /** What pending holds of other accounts reserve for this one: not in its balance until posted. */
  incomingHeldMinorAt(account: number): number {
    return this.incomingHeldMinor[account] as number;
  }

  /** What the account may spend: its balance less its pending holds. */
  availableMinorAt(account: number): number {
    return (this.balancesMinor[account] as number) - (this.heldMinor[account] as number);
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

  /**
   * Ends the pending holds whose time has come, as expired, each at its expiry (or the journal's
   * last time, if later): called before anything spends or reads what holds reserve, so that a
   * hold is never in force past its time. Costs one comparison while no hold is pending. A caller
   * that records entries after it passes the time it will stamp them with, so that no hold it
   * reads as pending is past its time then.
   */
  expireDue(timeMs?: number): void {
    if (this.holds.pending !== 0) this.expirePending(timeMs ?? this.now());
  }

  private expirePending(nowMs: number): void {
    for (let hold = this.holds.dueAt(nowMs); hold !== 0; hold = this.holds.dueAt(nowMs)) {
      this.endHold(hold, HoldStatus.Expired, 0, Math.max(this.holds.expiresAtMsOf(hold), this.journal.lastTimeMs));
    }
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
    const heldMinor = new Float64Array(balancesMinor.length);
    const incomingHeldMinor = new Float64Array(balancesMinor.length);
    balancesMinor.set(this.balancesMinor);
    heldMinor.set(this.heldMinor);
    incomingHeldMinor.set(this.incomingHeldMinor);
    this.balancesMinor = balancesMinor;
    this.heldMinor = heldMinor;
    this.incomingHeldMinor = incomingHeldMinor;
  }

  /**
   * Moves `amountMinor` out of `debit` and into `credit` (NONE for a side the movement does not
   * have) and records it; returns the entry's position. The movement must have been checked.
   */
  move(kind: MovementKind, debit: number, credit: number, amountMinor: number, timeMs: number, reference = 0): number {
    const balancesMinor = this.balancesMinor;
    let debitAfterMinor = 0;
    let creditAfterMinor = 0;
    if (debit !== NONE) {
      debitAfterMinor = (balancesMinor[debit] as number) - amountMinor;
      assert(debitAfterMinor >= (this.heldMinor[debit] as number), "the debit was checked against what is available");
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
    if (reference !== 0) this.annotate(position, 0, reference);
    if (this.listener !== null) this.tellMoved(this.listener, kind, debit, credit, amountMinor, timeMs, reference);
    return position;
  }

  /** Out of `move`, so that a ledger without listeners pays one comparison for them. */
  private tellMoved(
    listener: LedgerListener, kind: MovementKind, debit: number, credit: number, amountMinor: number, timeMs: number, reference: number,
  ): void {
    listener.moved(kind, debit, credit, amountMinor, timeMs, this.references.textOf(reference));
  }

  /**
   * Reserves `amountMinor` of the sender's balance for the recipient until `expiresAtMs`; returns
   * the hold's id. The sender's available balance must have been checked.
   */
  hold(sender: number, recipient: number, amountMinor: number, expiresAtMs: number, timeMs: number, reference = 0): number {
    assert(sender !== recipient && amountMinor > 0 && this.availableMinorAt(sender) >= amountMinor, "the hold was checked");
    this.heldMinor[sender] = (this.heldMinor[sender] as number) + amountMinor;
    this.incomingHeldMinor[recipient] = (this.incomingHeldMinor[recipient] as number) + amountMinor;
    const position = this.recordBetween(EntryKind.HoldCreated, sender, recipient, timeMs);
    const hold = this.holds.add(sender, recipient, amountMinor, expiresAtMs, reference, position);
    // The hold a creating entry belongs to is found from the hold table (holdOfEntry): only a
    // reference makes it worth a note (a note costs a hold and its post about a tenth, measured).
    if (reference !== 0) this.annotate(position, hold, reference);
    this.listener?.held(hold, sender, recipient, amountMinor, expiresAtMs, timeMs, this.references.textOf(reference));
    return hold;
  }

  /**
   * Ends a pending hold: its reservation is released, and a post moves `postedMinor` (at most the
   * hold's amount, and more than nothing) from its sender to its recipient. Returns the entry's position.
   */
  endHold(hold: number, end: HoldEnd, postedMinor: number, timeMs: number): number {
    const holds = this.holds;
    assert(holds.has(hold) && holds.statusOf(hold) === HoldStatus.Pending, "only a pending hold ends");
    const sender = holds.senderOf(hold);
    const recipient = holds.recipientOf(hold);
    const amountMinor = holds.amountMinorOf(hold);
    assert(end === HoldStatus.Posted ? postedMinor > 0 && postedMinor <= amountMinor : postedMinor === 0, "a post moves part or all of the hold");
    this.heldMinor[sender] = (this.heldMinor[sender] as number) - amountMinor;
    this.incomingHeldMinor[recipient] = (this.incomingHeldMinor[recipient] as number) - amountMinor;
    if (postedMinor > 0) {
      this.balancesMinor[sender] = (this.balancesMinor[sender] as number) - postedMinor;
      this.balancesMinor[recipient] = (this.balancesMinor[recipient] as number) + postedMinor;
      assert(this.balancesMinor[recipient] as number <= AMOUNT_MINOR_MAX, "the post was checked against the limit");
    }
    const kind = end === HoldStatus.Posted ? EntryKind.HoldPosted : end === HoldStatus.Voided ? EntryKind.HoldVoided : EntryKind.HoldExpired;
    const position = this.recordBetween(kind, sender, recipient, timeMs);
    holds.finish(hold, end, postedMinor, position);
    this.annotate(position, hold, holds.referenceOf(hold));
    this.listener?.finished(hold, end, postedMinor, timeMs);
    return position;
  }

  /** Records an entry of both accounts at their balances now, in both histories. */
  private recordBetween(kind: EntryKind, debit: number, credit: number, timeMs: number): number {
    const position = this.journal.append(kind, timeMs, debit, this.balancesMinor[debit] as number, credit, this.balancesMinor[credit] as number);
    (this.histories[debit] as PositionList).push(position);
    (this.histories[credit] as PositionList).push(position);
    return position;
  }

  /** The hold the entry at `position` is a step of, or 0 for an entry of no hold. */
  holdOfEntry(position: number): number {
    const kind = this.journal.kind(position);
    if (kind === EntryKind.HoldCreated) return this.holds.createdAt(position);
    return kind > EntryKind.HoldCreated ? this.annotations.holdAt(position) : 0;
  }

  private annotate(position: number, hold: number, reference: number): void {
    this.annotations.add(position, hold, reference);
    if (reference !== 0) this.references.noteEntry(reference, position);
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
    moved(kind, debit, credit, amountMinor, timeMs, reference) {
      for (const listener of all) listener.moved(kind, debit, credit, amountMinor, timeMs, reference);
    },
    held(hold, sender, recipient, amountMinor, expiresAtMs, timeMs, reference) {
      for (const listener of all) listener.held(hold, sender, recipient, amountMinor, expiresAtMs, timeMs, reference);
    },
    finished(hold, end, postedMinor, timeMs) {
      for (const listener of all) listener.finished(hold, end, postedMinor, timeMs);
    },
  };
}
