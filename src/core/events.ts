// The event stream: every committed change, in order, as the transaction it recorded. Events are
// read out of the journal itself, so a subscriber resumes exactly after the last event it saw (by
// its id, the transaction's) from any point of the history, across restarts of a durable bank, and
// a slow one costs the bank nothing but its cursor. The ledger tells the hub of new entries only
// while someone listens.

import { EntryKind } from "./journal.js";
import type { Ledger, LedgerListener } from "./ledger.js";
import { transactionOfEntry } from "./history.js";
import type { Transaction } from "./transaction.js";

export interface EventOptions {
  /** Start after the event (transaction) with this id; 0, the default, from the first. Without it, from now on. */
  after?: number;
  /** Only the events of this account (by its index in the ledger), as that account sees them. */
  account?: number;
}

/** A subscriber's events, as `bank.events()` gives them. */
export interface EventStream extends AsyncIterableIterator<Transaction> {
  /** The id of the last event given: a new stream started `after` it misses nothing. */
  readonly lastId: number;
  /** How many events are recorded and not yet given. */
  readonly lag: number;
  /** Ends the stream: a pending `next()` resolves as done. */
  close(): void;
}

/** Wakes the subscribers once per synchronous run in which entries were recorded. */
export class EventHub implements LedgerListener {
  private readonly subscribers = new Set<EventSubscription>();
  private scheduled = false;

  constructor(
    private readonly ledger: Ledger,
    /** Resolves once what was recorded before the call is durable (at once in memory). */
    private readonly sync: () => Promise<void>,
  ) {}

  /** An async iterator of events, as `EventOptions` says. */
  subscribe(options: EventOptions): EventSubscription {
    const subscription = new EventSubscription(this.ledger, options, this.sync, () => this.unsubscribe(subscription));
    if (this.subscribers.size === 0) this.ledger.addListener(this);
    this.subscribers.add(subscription);
    return subscription;
  }

  /** Called once per subscription, when it closes. */
  private unsubscribe(subscription: EventSubscription): void {
    this.subscribers.delete(subscription);
    if (this.subscribers.size === 0) this.ledger.removeListener(this);
  }

  opened(): void {
    this.wake();
  }

  moved(): void {
    this.wake();
  }

  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      for (const subscription of this.subscribers) subscription.wake();
    });
  }
}

/**
 * One subscriber's events: it reads the journal from its own cursor, so it never misses one and
 * never holds more than the next. In a durable bank an event is given only once it is durable.
 */
export class EventSubscription implements EventStream {
  /** Unfiltered: the next journal position. Filtered: the next index in the account's history. */
  private cursor: number;
  /** Entries below this position are known to be durable. */
  private durableBefore = 0;
  private waiting: ((result: IteratorResult<Transaction>) => void) | null = null;
  private done = false;

  constructor(
    private readonly ledger: Ledger,
    private readonly options: EventOptions,
    private readonly sync: () => Promise<void>,
    private readonly onClose: () => void,
  ) {
    const after = options.after ?? ledger.entryCount;
    this.cursor = options.account === undefined ? after : ledger.historyOf(options.account).lastAtOrBefore(after - 1) + 1;
  }

  /** The id of the last event given: where a new subscription resumes to miss nothing. */
  get lastId(): number {
    if (this.options.account === undefined) return this.cursor;
    return this.cursor === 0 ? 0 : this.ledger.historyOf(this.options.account).at(this.cursor - 1) + 1;
  }

  /** How many events are recorded and not yet given. */
  get lag(): number {
    if (this.options.account === undefined) return this.ledger.entryCount - this.cursor;
    return this.ledger.historyOf(this.options.account).length - this.cursor;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Transaction>> {
    if (this.done) return { done: true, value: undefined };
    if (this.lag === 0) {
      const result = await new Promise<IteratorResult<Transaction>>((resolve) => (this.waiting = resolve));
      if (result.done === true) return result;
    }
    const position = this.nextPosition();
    if (position >= this.durableBefore) {
      const recorded = this.ledger.entryCount;
      await this.sync();
      this.durableBefore = recorded;
    }
    if (this.done) return { done: true, value: undefined };
    this.cursor++;
    return { done: false, value: this.eventAt(position) };
  }

  async return(): Promise<IteratorResult<Transaction>> {
    this.close();
    return { done: true, value: undefined };
  }

  /** Ends the iteration: a pending `next` resolves as done. */
  close(): void {
    if (this.done) return;
    this.done = true;
    this.onClose();
    this.waiting?.({ done: true, value: undefined });
    this.waiting = null;
  }

  /** Called by the hub when entries were recorded. */
  wake(): void {
    const waiting = this.waiting;
    if (waiting === null || this.lag === 0) return;
    this.waiting = null;
    // A marker: `next` goes on to read the entry itself.
    waiting({ done: false, value: undefined as unknown as Transaction });
  }

  private nextPosition(): number {
    const { account } = this.options;
    return account === undefined ? this.cursor : this.ledger.historyOf(account).at(this.cursor);
  }

  /** The entry as the subscriber's account sees it, or as the account acting in it does. */
  private eventAt(position: number): Transaction {
    const account = this.options.account ?? actingAccount(this.ledger, position);
    return transactionOfEntry(this.ledger, account, position);
  }
}

/** The account an entry is the act of: the sender of a transfer or withdrawal, the one credited otherwise. */
export function actingAccount(ledger: Ledger, position: number): number {
  const kind = ledger.journal.kind(position);
  const debits = kind === EntryKind.Transfer || kind === EntryKind.Withdrawal;
  return debits ? ledger.journal.debitAccount(position) : ledger.journal.creditAccount(position);
}
