// A file system in memory for the store's tests, which knows what an fsync made durable: `crash()`
// keeps only that (and, if asked, some bytes of what was written after it, as a torn write leaves
// them), and forgets files created since their directory's last fsync. Faults can be injected into
// the next write, fsync or directory fsync, and the disk can fill part-way through a write.

import path from "node:path";
import type { AppendFile, StoreFiles } from "../../src/store/files.js";
import { DataDirectoryLockedError } from "../../src/store/files.js";

interface MemoryFile {
  bytes: Uint8Array;
  length: number;
  /** Bytes made durable by an fsync. */
  synced: number;
}

export type Fault = "ENOSPC" | "EIO";

function errno(code: Fault): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`${code}: injected`);
  error.code = code;
  return error;
}

export class MemoryFiles implements StoreFiles {
  readonly files = new Map<string, MemoryFile>();
  private readonly locks = new Set<string>();
  /** The next write, fsync, or directory fsync fails with this. */
  failWrite: Fault | null = null;
  failSync: Fault | null = null;
  failDirectorySync: Fault | null = null;
  /** Bytes left on the disk, or null for no limit: a write past them keeps what fits, then fails with ENOSPC. */
  spaceBytes: number | null = null;
  /** Files created since their directory's last fsync: a crash forgets them. */
  private readonly unsyncedEntries = new Set<string>();
  /** Resolves each fsync only when the test says so (to see who waits for it). */
  holdSyncs = false;
  private readonly heldSyncs: { release: () => void; fail: (fault: Fault) => void }[] = [];
  writes = 0;
  syncs = 0;
  /** Bumped by each crash: the handles of a crashed process reach the disk no more. */
  private generation = 0;

  async makeDirectory(): Promise<void> {}

  async list(directory: string): Promise<string[]> {
    return [...this.files.keys()].filter((file) => path.dirname(file) === directory).map((file) => path.basename(file));
  }

  async read(file: string): Promise<Uint8Array> {
    const found = this.files.get(file);
    if (found === undefined) throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
    return found.bytes.slice(0, found.length);
  }

  // A removal is taken as durable at once (recovery copes with a removed file coming back too).
  async remove(file: string): Promise<void> {
    this.files.delete(file);
    this.unsyncedEntries.delete(file);
  }

  async truncate(file: string, length: number): Promise<void> {
    const found = this.files.get(file) as MemoryFile;
    found.length = Math.min(found.length, length);
    found.synced = Math.min(found.synced, length);
  }

  openAppend(file: string): AppendFile {
    if (!this.files.has(file)) {
      this.files.set(file, { bytes: new Uint8Array(1024), length: 0, synced: 0 });
      this.unsyncedEntries.add(file);
    }
    const memory = this.files.get(file) as MemoryFile;
    const generation = this.generation;
    const dead = () => generation !== this.generation;
    return {
      get size() {
        return memory.length;
      },
      write: (bytes) => {
        if (dead()) return;
        this.writes++;
        if (this.failWrite !== null) {
          const fault = this.failWrite;
          this.failWrite = null;
          throw errno(fault);
        }
        if (this.spaceBytes !== null && bytes.length > this.spaceBytes) {
          append(memory, bytes.subarray(0, this.spaceBytes));
          this.spaceBytes = 0;
          throw errno("ENOSPC");
        }
        if (this.spaceBytes !== null) this.spaceBytes -= bytes.length;
        append(memory, bytes);
      },
      sync: () => {
        if (dead()) return new Promise<void>(() => undefined);
        this.syncs++;
        const length = memory.length;
        if (this.failSync !== null) {
          const fault = this.failSync;
          this.failSync = null;
          return Promise.reject(errno(fault));
        }
        const done = () => {
          memory.synced = Math.max(memory.synced, Math.min(length, memory.length));
        };
        if (!this.holdSyncs) {
          done();
          return Promise.resolve();
        }
        return new Promise((resolve, reject) => this.heldSyncs.push({
          release: () => {
            done();
            resolve();
          },
          fail: (fault) => reject(errno(fault)),
        }));
      },
      close: () => Promise.resolve(),
    };
  }

  /** Lets every fsync held so far complete. */
  releaseSyncs(): void {
    for (const held of this.heldSyncs.splice(0)) held.release();
  }

  /** Makes every fsync held so far fail with `fault`. */
  failHeldSyncs(fault: Fault): void {
    for (const held of this.heldSyncs.splice(0)) held.fail(fault);
  }

  async writeAtomically(file: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    const generation = this.generation;
    const memory: MemoryFile = { bytes: new Uint8Array(1024), length: 0, synced: 0 };
    for await (const chunk of chunks) append(memory, chunk);
    memory.synced = memory.length;
    // A crashed process's snapshot never lands, and it goes on with nothing after it.
    if (generation !== this.generation) return new Promise<void>(() => undefined);
    this.files.set(file, memory);
    // The real one syncs the directory after the rename, which makes every entry in it durable.
    this.syncEntries(path.dirname(file));
  }

  async syncDirectory(directory: string): Promise<void> {
    if (this.failDirectorySync !== null) {
      const fault = this.failDirectorySync;
      this.failDirectorySync = null;
      throw errno(fault);
    }
    this.syncEntries(directory);
  }

  private syncEntries(directory: string): void {
    for (const file of this.unsyncedEntries) if (path.dirname(file) === directory) this.unsyncedEntries.delete(file);
  }

  async lock(directory: string): Promise<() => Promise<void>> {
    if (this.locks.has(directory)) throw new DataDirectoryLockedError(`Data directory ${directory} is in use`);
    this.locks.add(directory);
    return async () => {
      this.locks.delete(directory);
    };
  }

  /**
   * The process died: every file keeps what its fsyncs made durable, plus `torn(file, unsynced)`
   * bytes of what was written after (none by default); files created since their directory's last
   * fsync are gone, and so is every lock.
   */
  crash(torn: (file: string, unsynced: number) => number = () => 0): void {
    for (const file of this.unsyncedEntries) this.files.delete(file);
    this.unsyncedEntries.clear();
    for (const [file, memory] of this.files) {
      const unsynced = memory.length - memory.synced;
      memory.length = memory.synced + Math.max(0, Math.min(unsynced, torn(file, unsynced)));
      memory.synced = memory.length;
    }
    this.locks.clear();
    this.heldSyncs.length = 0;
    this.holdSyncs = false;
    this.generation++;
  }

  /**
   * The files as one process sees them: once it has crashed, that process does nothing more (every
   * call of its never completes, a file it opens takes no write), as a dead process does. A store
   * given `files` directly would go on after a crash: a snapshot it had begun would land and remove
   * segments the next process wrote.
   */
  process(): StoreFiles {
    const generation = this.generation;
    const dead = () => generation !== this.generation;
    const never = <T>() => new Promise<T>(() => undefined);
    const deadFile: AppendFile = { size: 0, write: () => undefined, sync: never, close: never };
    return {
      makeDirectory: () => (dead() ? never() : this.makeDirectory()),
      list: (directory) => (dead() ? never() : this.list(directory)),
      read: (file) => (dead() ? never() : this.read(file)),
      remove: (file) => (dead() ? never() : this.remove(file)),
      truncate: (file, length) => (dead() ? never() : this.truncate(file, length)),
      openAppend: (file) => (dead() ? deadFile : this.openAppend(file)),
      writeAtomically: async (file, chunks) => {
        if (dead()) return never();
        const bytes: Uint8Array[] = [];
        for await (const chunk of chunks) bytes.push(chunk);
        return dead() ? never() : this.writeAtomically(file, bytes);
      },
      syncDirectory: (directory) => (dead() ? never() : this.syncDirectory(directory)),
      lock: (directory) => (dead() ? never() : this.lock(directory)),
    };
  }

  /** Changes one byte of a file, as damage on the disk would. */
  corrupt(file: string, offset: number): void {
    const memory = this.files.get(file) as MemoryFile;
    memory.bytes[offset] = (memory.bytes[offset] as number) ^ 0xff;
  }

  names(): string[] {
    return [...this.files.keys()].map((file) => path.basename(file)).sort();
  }
}

function append(memory: MemoryFile, bytes: Uint8Array): void {
  if (memory.length + bytes.length > memory.bytes.length) {
    const grown = new Uint8Array(Math.max(memory.bytes.length * 2, memory.length + bytes.length));
    grown.set(memory.bytes.subarray(0, memory.length));
    memory.bytes = grown;
  }
  memory.bytes.set(bytes, memory.length);
  memory.length += bytes.length;
}
