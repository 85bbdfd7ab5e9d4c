// Durable mode on files: the store that `openBank({ dataDir })` gives a bank. Every change the
// ledger and the scopes report is encoded at once into a buffer; at the end of the event-loop turn
// the turn's records, closed by a commit record, go out in one write, and one fsync covers every
// write made before it started (group commit). `sync()` resolves when the fsync (or, under the
// interval policy, the write) covering what came before it is done. A failed write or fsync stops
// the store for good.

import path from "node:path";
import type { DurableScope, DurableState, Ledger, LedgerListener, Store } from "../core/internal.js";
import { StoreFailedError } from "./errors.js";
import { nodeFiles, type AppendFile, type StoreFiles } from "./files.js";
import { RecordBuffer } from "./records.js";
import { recover } from "./recovery.js";
import { classify, segmentHeader, segmentName, snapshotName, type Named } from "./segments.js";
import { captureSnapshot, encodeSnapshot } from "./snapshot.js";

/** When a change counts as durable: after its fsync (the default), or after its write, with an fsync every `intervalMs`. */
export type FsyncPolicy = "always" | { readonly intervalMs: number };

export interface FileStoreOptions {
  /** The data directory; created if missing. One process at a time may use it (a lock). */
  readonly dataDir: string;
  readonly fsync?: FsyncPolicy;
  /** The file layer (tests inject faults through it). */
  readonly files?: StoreFiles;
  /** A segment is closed and a new one begun past this size. */
  readonly segmentBytesMax?: number;
  /** Journal bytes since the last snapshot before the next is written: at least this, and the last snapshot's size. */
  readonly snapshotBytesMin?: number;
  /** Told what recovery cut off or cleaned up, and of snapshots that failed (the journal still holds their data). */
  readonly onNotice?: (message: string) => void;
  /** Told once, when a write or fsync fails: the store takes no more changes. */
  readonly onFailure?: (error: StoreFailedError) => void;
}

export const SEGMENT_BYTES_MAX = 64 * 1024 * 1024;
export const SNAPSHOT_BYTES_MIN = 64 * 1024 * 1024;
/** Past this many bytes within one turn, records are written out early (without their commit yet). */
const PENDING_BYTES_MAX = 4 * 1024 * 1024;

interface Waiter {
  readonly sequence: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

export class FileStore implements Store {
  private readonly files: StoreFiles;
  private readonly directory: string;
  private readonly policy: FsyncPolicy;
  private readonly segmentBytesMax: number;
  private readonly snapshotBytesMin: number;
  private ledger: Ledger | null = null;
  private readonly scopes = new Map<string, DurableScope>();
  /** Entries of scopes not added yet (another layer's, added after opening). */
  private readonly dormant = new Map<string, Uint8Array[]>();
  private readonly buffer = new RecordBuffer();
  private nextSequence = 1;
  /** The last commit written to the operating system, and the last one fsynced. */
  private writtenSequence = 0;
  private durableSequence = 0;
  private segment: AppendFile | null = null;
  private segments: Named[] = [];
  /** Files written since their last fsync, and those rolled away, to close once synced. */
  private unsynced = new Set<AppendFile>();
  private rolledAway: AppendFile[] = [];
  private directoryDirty = false;
  private flushScheduled = false;
  private syncing = false;
  private readonly waiters: Waiter[] = [];
  private failure: StoreFailedError | null = null;
  private closing = false;
  private journalBytesSinceSnapshot = 0;
  private snapshotBytes = 0;
  private snapshotting: Promise<void> | null = null;
  private unlock: (() => Promise<void>) | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly options: FileStoreOptions) {
    this.files = options.files ?? nodeFiles;
    this.directory = path.resolve(options.dataDir);
    this.policy = options.fsync ?? "always";
    this.segmentBytesMax = options.segmentBytesMax ?? SEGMENT_BYTES_MAX;
    this.snapshotBytesMin = options.snapshotBytesMin ?? SNAPSHOT_BYTES_MIN;
    if (this.policy !== "always" && !(Number.isSafeInteger(this.policy.intervalMs) && this.policy.intervalMs >= 1)) {
      throw new RangeError("The fsync interval must be a whole number of milliseconds, at least 1");
    }
  }

  async open(state: DurableState): Promise<void> {
    await this.files.makeDirectory(this.directory);
    this.unlock = await this.files.lock(this.directory);
    try {
      for (const scope of state.scopes) this.scopes.set(scope.name, scope);
      const recovery = await recover(this.files, this.directory, state.ledger, (name, entry) => this.restoreEntry(name, entry));
      for (const notice of recovery.notices) this.options.onNotice?.(notice);
      this.nextSequence = recovery.nextSequence;
      this.writtenSequence = this.durableSequence = recovery.nextSequence - 1;
      this.segments = [...recovery.segments];
      this.journalBytesSinceSnapshot = recovery.journalBytesSinceSnapshot;
      this.snapshotBytes = recovery.snapshotBytes;
      const last = this.segments[this.segments.length - 1];
      // A last segment that ends before the recovered state (a snapshot covers it) takes no more
      // records: they would not follow its own. A new segment is begun instead.
      if (last !== undefined && recovery.appendable) this.segment = this.files.openAppend(path.join(this.directory, last.name));
      // The segment appended to may have been made by a process that never synced the directory
      // (it wrote nothing), and recovery may have removed files: the first fsync syncs it too.
      this.directoryDirty = true;
      if ((this.segment === null || this.segment.size >= this.segmentBytesMax) && !this.roll()) throw this.failure;
    } catch (error) {
      await this.release();
      throw error;
    }
    this.ledger = state.ledger;
    state.ledger.addListener(this.listener);
    for (const scope of state.scopes) scope.attach((entry) => this.recordScoped(scope.name, entry));
    if (this.policy !== "always") {
      this.interval = setInterval(() => this.syncSoon(), this.policy.intervalMs);
      this.interval.unref();
    }
  }

  addScope(scope: DurableScope): void {
    for (const entry of this.dormant.get(scope.name) ?? []) scope.restore(entry);
    this.dormant.delete(scope.name);
    this.scopes.set(scope.name, scope);
    scope.attach((entry) => this.recordScoped(scope.name, entry));
  }

  sync(): Promise<void> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const sequence = this.nextSequence - 1;
    if (sequence <= this.acknowledgedSequence()) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ sequence, resolve, reject }));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    try {
      this.flush();
      await this.sync();
      await this.snapshotting;
      this.closing = true;
      // A clean shutdown leaves a snapshot, so the next start replays nothing.
      if (this.journalBytesSinceSnapshot > 0 && this.roll()) {
        await this.writeSnapshot(this.writtenSequence, this.segments.slice(0, -1));
        await this.syncFiles();
      }
    } finally {
      this.closing = true;
      if (this.interval !== null) clearInterval(this.interval);
      for (const file of [...this.rolledAway, ...(this.segment === null ? [] : [this.segment])]) await file.close();
      this.rolledAway = [];
      this.segment = null;
      await this.release();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Recording

  private readonly listener: LedgerListener = {
    opened: (account, name, balanceMinor, timeMs) => {
      this.ensureOpen();
      this.buffer.opened(this.nextSequence++, account, name, balanceMinor, timeMs);
      this.recorded();
    },
    moved: (kind, debit, credit, amountMinor, timeMs, reference) => {
      this.ensureOpen();
      this.buffer.moved(this.nextSequence++, kind, debit, credit, amountMinor, timeMs, reference);
      this.recorded();
    },
    held: (hold, sender, recipient, amountMinor, expiresAtMs, timeMs, reference) => {
      this.ensureOpen();
      this.buffer.held(this.nextSequence++, hold, sender, recipient, amountMinor, expiresAtMs, timeMs, reference);
      this.recorded();
    },
    finished: (hold, end, postedMinor, timeMs) => {
      this.ensureOpen();
      this.buffer.ended(this.nextSequence++, hold, end, postedMinor, timeMs);
      this.recorded();
    },
  };

  private recordScoped(scope: string, entry: Uint8Array): void {
    this.ensureOpen();
    this.buffer.scoped(this.nextSequence++, scope, entry);
    this.recorded();
  }

  private restoreEntry(name: string, entry: Uint8Array): void {
    const scope = this.scopes.get(name);
    if (scope !== undefined) {
      scope.restore(entry);
      return;
    }
    // A copy, so that the bytes of the file it was read from can be freed.
    const entries = this.dormant.get(name) ?? [];
    entries.push(Uint8Array.from(entry));
    this.dormant.set(name, entries);
  }

  private ensureOpen(): void {
    if (this.failure !== null) throw this.failure;
    if (this.closing) throw new Error("The bank is closed: changes are no longer recorded");
  }

  private recorded(): void {
    if (this.buffer.length > PENDING_BYTES_MAX) this.writeOut();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Closes the turn's group with a commit record and writes it out. */
  private flush(): void {
    this.flushScheduled = false;
    // Nothing recorded since the last commit; records written out early (the buffer may be empty
    // of them) still want theirs.
    if (this.failure !== null || this.nextSequence - 1 === this.writtenSequence) return;
    const commit = this.nextSequence++;
    this.buffer.commit(commit);
    if (!this.writeOut()) return;
    this.writtenSequence = commit;
    if (this.policy === "always") this.syncSoon();
    else this.acknowledge();
    if (this.segment !== null && this.segment.size >= this.segmentBytesMax && !this.roll()) return;
    this.snapshotIfDue(commit);
  }

  /** Writes the buffer to the current segment; false (and the store failed) if the write failed. */
  private writeOut(): boolean {
    const segment = this.segment as AppendFile;
    try {
      segment.write(this.buffer.view());
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
    this.journalBytesSinceSnapshot += this.buffer.length;
    this.buffer.clear();
    this.unsynced.add(segment);
    return true;
  }

  /**
   * Starts a new segment at the next sequence number, unless the current one starts there already;
   * the old one is closed once synced. False (and the store failed) if the file could not be made.
   */
  private roll(): boolean {
    const first = this.nextSequence;
    if (this.segments[this.segments.length - 1]?.sequence === first && this.segment !== null) return true;
    const name = segmentName(first);
    try {
      const next = this.files.openAppend(path.join(this.directory, name));
      if (next.size > 0) throw new Error(`${name} exists already`);
      next.write(segmentHeader(first));
      this.unsynced.add(next);
      this.directoryDirty = true;
      if (this.segment !== null) this.rolledAway.push(this.segment);
      this.segment = next;
      this.segments.push({ name, sequence: first });
      return true;
    } catch (error) {
      this.fail(error as Error);
      return false;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Syncing

  private acknowledgedSequence(): number {
    return this.policy === "always" ? this.durableSequence : this.writtenSequence;
  }

  /** Starts an fsync of everything written, unless one is running (it starts another when done). */
  private syncSoon(): void {
    if (this.syncing || this.failure !== null || this.writtenSequence === this.durableSequence) return;
    this.syncing = true;
    const target = this.writtenSequence;
    this.syncFiles().then(
      () => {
        this.syncing = false;
        this.durableSequence = Math.max(this.durableSequence, target);
        this.acknowledge();
        this.syncSoon();
      },
      (error: unknown) => this.fail(error as Error),
    );
  }

  private async syncFiles(): Promise<void> {
    const files = [...this.unsynced];
    this.unsynced.clear();
    for (const file of files) await file.sync();
    if (this.directoryDirty) {
      this.directoryDirty = false;
      await this.files.syncDirectory(this.directory);
    }
    const rolled = this.rolledAway.filter((file) => !this.unsynced.has(file));
    this.rolledAway = this.rolledAway.filter((file) => this.unsynced.has(file));
    for (const file of rolled) await file.close();
  }

  /** Resolves the waiters whose changes are now acknowledged, in order. */
  private acknowledge(): void {
    const acknowledged = this.acknowledgedSequence();
    while (this.waiters.length > 0 && (this.waiters[0] as Waiter).sequence <= acknowledged) {
      (this.waiters.shift() as Waiter).resolve();
    }
  }

  private fail(cause: Error): void {
    if (this.failure !== null) return;
    this.failure = cause instanceof StoreFailedError ? cause : new StoreFailedError(cause);
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.failure);
    this.options.onFailure?.(this.failure);
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshots

  /** Starts a snapshot when the journal since the last one has outgrown it (and the minimum). */
  private snapshotIfDue(sequence: number): void {
    if (this.snapshotting !== null || this.closing) return;
    if (this.journalBytesSinceSnapshot < Math.max(this.snapshotBytesMin, this.snapshotBytes)) return;
    // Every segment before the one begun now holds records up to `sequence` only.
    if (!this.roll()) return;
    const covered = this.segments.slice(0, -1);
    this.snapshotting = this.writeSnapshot(sequence, covered)
      .catch((error: unknown) => {
        this.options.onNotice?.(`a snapshot could not be written (${(error as Error).message}); the journal still holds everything`);
      })
      .finally(() => {
        this.snapshotting = null;
      });
  }

  /** Writes the snapshot of the state now (at `sequence`), then removes what it covers. */
  private async writeSnapshot(sequence: number, covered: readonly Named[]): Promise<void> {
    const ledger = this.ledger as Ledger;
    const state = captureSnapshot(ledger, [...this.scopes.values(), ...this.dormantScopes()], sequence);
    this.journalBytesSinceSnapshot = 0;
    const name = snapshotName(sequence);
    let bytes = 0;
    const chunks = encodeSnapshot(state);
    await this.files.writeAtomically(path.join(this.directory, name), (function* () {
      for (const chunk of chunks) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    })());
    this.snapshotBytes = bytes;
    const { snapshots } = classify(await this.files.list(this.directory));
    for (const old of snapshots.filter((snapshot) => snapshot.sequence < sequence)) {
      await this.files.remove(path.join(this.directory, old.name));
    }
    for (const segment of covered) await this.files.remove(path.join(this.directory, segment.name));
    this.segments = this.segments.filter((segment) => !covered.includes(segment));
    await this.files.syncDirectory(this.directory);
  }

  /** The entries of scopes not added yet, as a snapshot takes them: by name, as they were restored. */
  private dormantScopes(): Pick<DurableScope, "name" | "entries">[] {
    return [...this.dormant].map(([name, entries]) => ({ name, entries: () => entries }));
  }

  private async release(): Promise<void> {
    const unlock = this.unlock;
    this.unlock = null;
    await unlock?.();
  }
}
