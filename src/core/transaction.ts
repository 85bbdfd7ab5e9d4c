// A transaction as one account sees it: an immutable record read out of the journal. Derived
// fields (major amounts, the timestamp, the seed's description) are computed when read, so that
// recording a transaction costs no string or Date.

import { assert } from "./assert.js";
import { INSPECT, inspectAs, type Inspect, type InspectOptions } from "./inspect.js";
import { EntryKind } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { formatMinor, toMajor } from "./units.js";

/**
 * What happened to the account. A transfer is `transfer_out` for the sender, `transfer_in` for the
 * recipient; each step of a hold (`hold_created`, `hold_posted`, `hold_voided`, `hold_expired`) is
 * in both their histories (`incoming` tells the recipient's).
 */
export type TransactionType =
  | "account_opened"
  | "deposit"
  | "withdrawal"
  | "transfer_out"
  | "transfer_in"
  | "hold_created"
  | "hold_posted"
  | "hold_voided"
  | "hold_expired";

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
  /** The caller's reference, when the transaction has one. */
  reference?: string;
  /** The hold a hold's step belongs to. */
  holdId?: number;
}

/**
 * One transaction of one account's history. It is a view of a journal entry as one account sees
 * it: it holds the entry's place and reads its fields from the journal, whose entries never
 * change, so it is as immutable as a copy and costs a quarter of one to make.
 *
 * @example
 * const [opened] = account.getTransactionHistory();
 * opened.description; // "Account created with balance: 100.00"
 */
export class Transaction {
  readonly #ledger: Ledger;
  readonly #position: number;
  readonly #account: number;
  /** The amount in minor units: an integer, for exact arithmetic. */
  readonly amountMinor: number;

  /** @internal Transactions are read out of their bank, never made directly. */
  constructor(ledger: Ledger, position: number, account: number, amountMinor: number) {
    this.#ledger = ledger;
    this.#position = position;
    this.#account = account;
    this.amountMinor = amountMinor;
  }

  /** Unique in the bank and increasing with time; a transfer has one id seen from both sides. */
  get id(): number {
    return this.#position + 1;
  }

  get type(): TransactionType {
    const journal = this.#ledger.journal;
    return transactionType(journal.kind(this.#position), journal.debitAccount(this.#position) === this.#account);
  }

  /** The account whose history this record belongs to. */
  get accountName(): string {
    return this.#ledger.nameAt(this.#account);
  }

  get balanceAfterMinor(): number {
    return this.#ledger.journal.balanceAfterMinor(this.#position, this.#account);
  }

  /** The other account of a transfer or a hold's step, or null. */
  get counterparty(): string | null {
    const journal = this.#ledger.journal;
    if (journal.kind(this.#position) < EntryKind.Transfer) return null;
    const debit = journal.debitAccount(this.#position);
    return this.#ledger.nameAt(debit === this.#account ? journal.creditAccount(this.#position) : debit);
  }

  /** Milliseconds since the Unix epoch, from the bank's clock. */
  get timeMs(): number {
    return this.#ledger.journal.timeMs(this.#position);
  }

  /** The caller's reference (an invoice number, an order id), or null. */
  get reference(): string | null {
    const ledger = this.#ledger;
    return ledger.references.textOf(ledger.annotations.referenceAt(this.#position));
  }

  /** For a hold's step: the hold's id, else null. */
  get holdId(): number | null {
    const hold = this.#ledger.holdOfEntry(this.#position);
    return hold === 0 ? null : hold;
  }

  /** For a hold's step: whether this account is the hold's recipient (the counterparty its sender). */
  get incoming(): boolean {
    const journal = this.#ledger.journal;
    return journal.kind(this.#position) >= EntryKind.HoldCreated && journal.creditAccount(this.#position) === this.#account;
  }

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
      case "hold_created":
        return this.incoming ? `Hold from ${this.counterparty}: ${amount}` : `Held: ${amount} for ${this.counterparty}`;
      case "hold_posted":
        return this.incoming ? `Received from hold: ${amount} ${this.counterparty}` : `Hold posted: ${amount} to ${this.counterparty}`;
      case "hold_voided":
      case "hold_expired": {
        const what = this.type === "hold_voided" ? "Hold voided" : "Hold expired";
        return this.incoming ? `${what}: ${amount} from ${this.counterparty}` : `${what}: ${amount} for ${this.counterparty}`;
      }
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
      ...(this.reference !== null && { reference: this.reference }),
      ...(this.holdId !== null && { holdId: this.holdId }),
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

/** The type of an entry of `kind` for the account on its debit side (`isDebit`) or credit side. */
export function transactionType(kind: EntryKind, isDebit: boolean): TransactionType {
  switch (kind) {
    case EntryKind.Opened:
      return "account_opened";
    case EntryKind.Deposit:
      return "deposit";
    case EntryKind.Withdrawal:
      return "withdrawal";
    case EntryKind.Transfer:
      return isDebit ? "transfer_out" : "transfer_in";
    case EntryKind.HoldCreated:
      return "hold_created";
    case EntryKind.HoldPosted:
      return "hold_posted";
    case EntryKind.HoldVoided:
      return "hold_voided";
    default:
      assert(kind === EntryKind.HoldExpired, "entry kind is known");
      return "hold_expired";
  }
}
