// The API's bodies as the dashboard reads them (docs/API.md has the full story).

export type TransactionType =
  | "account_opened" | "deposit" | "withdrawal" | "transfer_out" | "transfer_in"
  | "hold_created" | "hold_posted" | "hold_voided" | "hold_expired";

/** `GET /accounts/{name}`; `available`, `held` and `incoming_held` only where the server has holds. */
export interface AccountBody {
  readonly name: string;
  readonly balance: number;
  readonly available?: number;
  readonly held?: number;
  readonly incoming_held?: number;
}

/** A page of `GET /accounts`. */
export interface AccountPage {
  readonly accounts: AccountBody[];
  readonly next_after: string | null;
}

/** One history entry, as its account sees it. */
export interface TransactionBody {
  readonly id: number;
  readonly type: TransactionType;
  readonly amount: number;
  readonly balance_after: number;
  readonly counterparty: string | null;
  readonly timestamp: string;
  readonly description: string;
  /** Only for a hold's steps: whether this account is the hold's recipient. */
  readonly incoming?: boolean;
}

/** A page of `GET /accounts/{name}/history`, newest first. */
export interface HistoryPage {
  readonly name: string;
  readonly transactions: TransactionBody[];
  readonly next_before: number | null;
}

/** The `data:` of an `event: transaction` of `GET /events`. */
export interface StreamTransaction extends TransactionBody {
  /** The account the entry is seen from: the sender of a transfer, or the one asked for. */
  readonly account: string;
  readonly counterparty_balance_after: number | null;
}

/** `GET /summary`. */
export interface Summary {
  readonly accounts: number;
  readonly transactions: number;
  readonly total_balance: number;
}

/** An RFC 9457 problem, as every refusal is answered. */
export interface ProblemBody {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code?: string;
  /** A refused batch: the 0-based index of the first refused transfer, and its own refusal. */
  readonly index?: number;
  readonly refusal?: { readonly code: string; readonly detail: string };
}
