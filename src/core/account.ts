// Account: a handle on one account of a bank. It holds no state of its own; balance and history
// are read from the ledger, and every operation takes the same path as the bank's (transfer.ts).

import type { Bank, MovementOptions } from "./bank.js";
import { BankError, InvalidArgumentError } from "./errors.js";
import { historyOf, historyPage, type HistoryPage, type HistoryPageOptions } from "./history.js";
import { INSPECT, inspectAs, type Inspect, type InspectOptions } from "./inspect.js";
import { EntryKind, NONE } from "./journal.js";
import type { Ledger } from "./ledger.js";
import type { AmountInput } from "./money.js";
import type { Transaction } from "./transaction.js";
import { moveByIndexes } from "./transfer.js";
import { toMajor } from "./units.js";

/**
 * One account, as returned by `bank.createAccount` and `bank.getAccount`.
 *
 * @example
 * const alice = bank.createAccount("Alice", 100);
 * alice.deposit(500);
 * alice.withdraw(200);
 * alice.balance; // 400
 */
export class Account {
  /** @internal Accounts are made by their bank, never directly. */
  constructor(
    private readonly bank: Bank,
    private readonly ledger: Ledger,
    private readonly index: number,
    readonly name: string,
  ) {}

  /** The balance in major units, exact to the cent (400.5). */
  get balance(): number {
    return toMajor(this.ledger.balanceMinorAt(this.index));
  }

  /** The balance in minor units (40050): an integer, for exact arithmetic. */
  get balanceMinor(): number {
    return this.ledger.balanceMinorAt(this.index);
  }

  /** What pending holds reserve of the balance, in major units. */
  get held(): number {
    return toMajor(this.heldMinor);
  }

  /** What pending holds reserve of the balance, in minor units. */
  get heldMinor(): number {
    this.ledger.expireDue();
    return this.ledger.heldMinorAt(this.index);
  }

  /** What pending holds of other accounts reserve for this one, in major units: not in its balance until posted. */
  get incomingHeld(): number {
    return toMajor(this.incomingHeldMinor);
  }

  /** What pending holds of other accounts reserve for this one, in minor units. */
  get incomingHeldMinor(): number {
    this.ledger.expireDue();
    return this.ledger.incomingHeldMinorAt(this.index);
  }

  /** What the account may spend: its balance less what pending holds reserve, in major units. */
  get available(): number {
    return toMajor(this.availableMinor);
  }

  get availableMinor(): number {
    this.ledger.expireDue();
    return this.ledger.availableMinorAt(this.index);
  }

  /** Number of transactions in this account's history, the opening included. */
  get historyLength(): number {
    return this.ledger.historyOf(this.index).length;
  }

  /** Adds money. See `Bank.deposit`. */
  deposit(amount: AmountInput, options?: MovementOptions): Transaction {
    if (options !== undefined) return this.bank.deposit(this.name, amount, options);
    const result = moveByIndexes(this.ledger, EntryKind.Deposit, NONE, this.index, amount);
    // Thrown here, in the caller's frame, a refusal unwinds the fewest frames (see transfer.ts).
    if (result instanceof BankError) throw result;
    return result;
  }

  /** Takes money out; never below zero. See `Bank.withdraw`. */
  withdraw(amount: AmountInput, options?: MovementOptions): Transaction {
    if (options !== undefined) return this.bank.withdraw(this.name, amount, options);
    const result = moveByIndexes(this.ledger, EntryKind.Withdrawal, this.index, NONE, amount);
    // Thrown here, in the caller's frame, a refusal unwinds the fewest frames (see transfer.ts).
    if (result instanceof BankError) throw result;
    return result;
  }

  /** Sends money to another account of the same bank. Returns this account's side. */
  transfer(target: Account, amount: AmountInput, options?: MovementOptions): Transaction {
    if (!(target instanceof Account) || target.ledger !== this.ledger) {
      throw new InvalidArgumentError("Transfer target must be an account of the same bank");
    }
    if (options !== undefined) return this.bank.transfer(this.name, target.name, amount, options);
    const result = moveByIndexes(this.ledger, EntryKind.Transfer, this.index, target.index, amount);
    // Thrown here, in the caller's frame, a refusal unwinds the fewest frames (see transfer.ts).
    if (result instanceof BankError) throw result;
    return result;
  }

  /** The whole history, oldest first. A fresh copy: changing it changes nothing in the bank. */
  getTransactionHistory(): Transaction[] {
    return historyOf(this.ledger, this.index);
  }

  /**
   * One page of history, newest first, costing the page and not the history.
   *
   * @example
   * let page = account.getTransactionPage({ limit: 50 });
   * while (page.nextBefore !== null) page = account.getTransactionPage({ limit: 50, before: page.nextBefore });
   */
  getTransactionPage(options: HistoryPageOptions = {}): HistoryPage {
    return historyPage(this.ledger, this.index, options);
  }

  toJSON(): { name: string; balance: number } {
    return { name: this.name, balance: this.balance };
  }

  /** @internal How console.log and the REPL show it: `Account { name: 'Alice', balance: 400 }`. */
  [INSPECT](depth: number, options: InspectOptions, inspect: Inspect): string {
    return inspectAs("Account", this.toJSON(), depth, options, inspect);
  }
}
