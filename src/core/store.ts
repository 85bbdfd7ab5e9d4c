// The interface durable mode implements (src/store does, with files). The core defines it and never
// imports node:fs: a store is handed the bank's state once, replays what it saved into it, and from
// then on records every change as the ledger and the idempotency stores report it.

import type { Ledger } from "./ledger.js";

/**
 * State kept beside the ledger that must survive a restart too: the bank's idempotency outcomes,
 * and whatever another layer registers (the HTTP replay store, holder tokens). A scope's entries
 * are recorded as they change and taken whole into each snapshot.
 */
export interface DurableScope {
  /** A stable name, written into the journal: "bank.idempotency", "http.idempotency", ... */
  readonly name: string;
  /** Every entry now, encoded, for a snapshot. */
  entries(): Iterable<Uint8Array>;
  /** Puts back one entry recorded or snapshotted before the restart. */
  restore(entry: Uint8Array): void;
  /** Called once by the store: from then on, `record` writes a changed entry into the journal. */
  attach(record: (entry: Uint8Array) => void): void;
}

/** What a bank hands its store: the ledger and the scopes of its own. */
export interface DurableState {
  readonly ledger: Ledger;
  readonly scopes: readonly DurableScope[];
}

/** A store: the bank's memory of itself across restarts. */
export interface Store {
  /**
   * Replays the saved state into `state` (before the bank takes any operation), then records every
   * change from here on. Scopes added later with `addScope` get their saved entries then.
   */
  open(state: DurableState): Promise<void>;
  /** Adds a scope of another layer after opening: its saved entries are restored, then recorded. */
  addScope(scope: DurableScope): void;
  /** Resolves once every change recorded so far is as durable as the store's policy makes it. */
  sync(): Promise<void>;
  /** Syncs, writes a snapshot, and releases the store's resources. */
  close(): Promise<void>;
}
