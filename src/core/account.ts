// Account: a handle on one account of a bank. It holds no state of its own; balance and history
// are read from the bank, and every operation goes through the bank's validate-then-apply path.

import type { Bank, HistoryPage, HistoryPageOptions, OperationOptions } from "./bank.js";
import { InvalidArgumentError } from "./errors.js";
import { parseAmount, toMajor, type AmountInput } from "./money.js";
import type { Transaction } from "./transaction.js";

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
  /** @internal Accounts are made by `Bank.createAccount`, never directly. */
  constructor(
    /** @internal */ readonly bank: Bank,
    /** @internal */ readonly index: number,
    readonly name: string,
  ) {}

  /** The balance in major units, exact to the cent (400.5). */
  get balance(): number {
    return toMajor(this.bank.balanceMinorAt(this.index));
  }

  /** The balance in minor units (40050): an integer, for exact arithmetic. */
  get balanceMinor(): number {
    return this.bank.balanceMinorAt(this.index);
  }

  /** Number of transactions in this account's history, the opening included. */
  get historyLength(): number {
    return this.bank.historyLengthAt(this.index);
  }

  /** Adds money. See `Bank.deposit`. */
  deposit(amount: AmountInput, options?: OperationOptions): Transaction {
    if (options !== undefined) return this.bank.deposit(this.name, amount, options);
    return this.bank.depositAt(this.index, parseAmount(amount));
  }

  /** Takes money out; never below zero. See `Bank.withdraw`. */
  withdraw(amount: AmountInput, options?: OperationOptions): Transaction {
    if (options !== undefined) return this.bank.withdraw(this.name, amount, options);
    return this.bank.withdrawAt(this.index, parseAmount(amount));
  }

  /** Sends money to another account of the same bank. Returns this account's side. */
  transfer(target: Account, amount: AmountInput, options?: OperationOptions): Transaction {
    if (!(target instanceof Account) || target.bank !== this.bank) {
      throw new InvalidArgumentError("Transfer target must be an account of the same bank");
    }
    if (options !== undefined) return this.bank.transfer(this.name, target.name, amount, options);
    return this.bank.transferAt(this.index, target.index, parseAmount(amount));
  }

  /** The whole history, oldest first. A fresh copy: changing it changes nothing in the bank. */
  getTransactionHistory(): Transaction[] {
    return this.bank.historyAt(this.index);
  }

  /**
   * One page of history, newest first, costing the page and not the history.
   *
   * @example
   * let page = account.getTransactionPage({ limit: 50 });
   * while (page.nextBefore !== null) page = account.getTransactionPage({ limit: 50, before: page.nextBefore });
   */
  getTransactionPage(options: HistoryPageOptions = {}): HistoryPage {
    return this.bank.historyPageAt(this.index, options);
  }

  toJSON(): { name: string; balance: number } {
    return { name: this.name, balance: this.balance };
  }
}
