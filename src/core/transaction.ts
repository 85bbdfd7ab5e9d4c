// A transaction as one account sees it: an immutable record read out of the journal. Derived
// fields (major amounts, the timestamp, the seed's description) are computed when read, so that
// recording a transaction costs no string or Date.

import { INSPECT, inspectAs, type Inspect, type InspectOptions } from "./inspect.js";
import { formatMinor, toMajor } from "./units.js";

/** What happened to the account. A transfer is `transfer_out` for the sender, `transfer_in` for the recipient. */
export type TransactionType =
  | "account_opened"
  | "deposit"
  | "withdrawal"
  | "transfer_out"
  | "transfer_in";

/** The fields of a transaction as plain JSON: what `toJSON()` and the REST API give. */
export interface TransactionJson {
  id: number;
  type: TransactionType;
  account: string;
  amount: number;
  balanceAfter: number;
  counterparty: string | null;
  timestamp: string;
  description: string;
}

/**
 * One transaction of one account's history.
 *
 * @example
 * const [opened] = account.getTransactionHistory();
 * opened.description; // "Account created with balance: 100.00"
 */
export class Transaction {
  constructor(
    /** Unique in the bank and increasing with time; a transfer has one id seen from both sides. */
    readonly id: number,
    readonly type: TransactionType,
    /** The account whose history this record belongs to. */
    readonly accountName: string,
    readonly amountMinor: number,
    readonly balanceAfterMinor: number,
    /** The other account of a transfer, or null. */
    readonly counterparty: string | null,
    /** Milliseconds since the Unix epoch, from the bank's clock. */
    readonly timeMs: number,
  ) {}

  /** The amount in major units, exact to the cent (25.5). */
  get amount(): number {
    return toMajor(this.amountMinor);
  }

  /** The account's balance right after this transaction, in major units. */
  get balanceAfter(): number {
    return toMajor(this.balanceAfterMinor);
  }

  /** When it happened (a new Date on each read). */
  get timestamp(): Date {
    return new Date(this.timeMs);
  }

  /** The seed's wording: "Deposited: 50.00", "Transferred to: 25.00 Bob". */
  get description(): string {
    const amount = formatMinor(this.amountMinor);
    switch (this.type) {
      case "account_opened":
        return `Account created with balance: ${amount}`;
      case "deposit":
        return `Deposited: ${amount}`;
      case "withdrawal":
        return `Withdrawn: ${amount}`;
      case "transfer_out":
        return `Transferred to: ${amount} ${this.counterparty}`;
      case "transfer_in":
        return `Received from: ${amount} ${this.counterparty}`;
    }
  }

  toJSON(): TransactionJson {
    return {
      id: this.id,
      type: this.type,
      account: this.accountName,
      amount: this.amount,
      balanceAfter: this.balanceAfter,
      counterparty: this.counterparty,
      timestamp: this.timestamp.toISOString(),
      description: this.description,
    };
  }

  /**
   * @internal How console.log and the REPL show it: its fields as `toJSON()` gives them, the
   * timestamp in ISO-8601.
   */
  [INSPECT](depth: number, options: InspectOptions, inspect: Inspect): string {
    return inspectAs("Transaction", this.toJSON(), depth, options, inspect);
  }
}
