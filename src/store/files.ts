// The file layer under durable mode, as an interface: the store does all its I/O through it, so
// tests can swap in one that tears a write, fails an fsync or runs out of space. `nodeFiles` is the
// real one, on node:fs.

import { closeSync, fdatasync, fstatSync, fsyncSync, openSync, writeSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, truncate, writeFile } from "node:fs/promises";
import path from "node:path";

/** A file open for appending: writes go to the operating system at once, `sync` makes them durable. */
export interface AppendFile {
  /** Bytes in the file, those written by `write` included. */
  readonly size: number;
  /** Appends `bytes`, synchronously (to the operating system's cache). Throws on failure (ENOSPC, ...). */
  write(bytes: Uint8Array): void;
  /** Makes every byte written so far durable (fdatasync). Rejects on failure. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Everything the store asks of a file system. Paths are absolute. */
export interface StoreFiles {
  makeDirectory(directory: string): Promise<void>;
  /** File names in the directory. */
  list(directory: string): Promise<string[]>;
  /** The whole file. */
  read(file: string): Promise<Uint8Array>;
  remove(file: string): Promise<void>;
  truncate(file: string, length: number): Promise<void>;
  /** Opens a file for appending, creating it (empty) if it does not exist. */
  openAppend(file: string): AppendFile;
  /**
   * Writes `chunks` into `file` so that it appears whole or not at all: into a temporary file,
   * synced, renamed over `file`, and the directory synced.
   */
  writeAtomically(file: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void>;
  /** Makes the directory's entries (new, renamed, removed files) durable. */
  syncDirectory(directory: string): Promise<void>;
  /**
   * Takes the directory's lock, or throws naming who holds it. Resolves with the function that
   * releases it.
   */
  lock(directory: string): Promise<() => Promise<void>>;
}

/** The data directory is another live process's. */
export class DataDirectoryLockedError extends Error {
  override readonly name = "DataDirectoryLockedError";
}

const LOCK_FILE = "LOCK";

class NodeAppendFile implements AppendFile {
  private fd: number;
  size: number;

  constructor(file: string, size: number) {
    this.fd = openSync(file, "a");
    this.size = size;
  }

  write(bytes: Uint8Array): void {
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written);
    this.size += bytes.length;
  }

  sync(): Promise<void> {
    // On the thread pool, so the event loop goes on while the disk works.
    return new Promise((resolve, reject) => {
      fdatasync(this.fd, (error) => (error === null ? resolve() : reject(error)));
    });
  }

  close(): Promise<void> {
    closeSync(this.fd);
    this.fd = -1;
    return Promise.resolve();
  }
}

/** The real file system. */
export const nodeFiles: StoreFiles = {
  async makeDirectory(directory) {
    await mkdir(directory, { recursive: true });
  },
  list: (directory) => readdir(directory),
  read: (file) => readFile(file),
  remove: (file) => rm(file, { force: true }),
  truncate: (file, length) => truncate(file, length),
  openAppend(file) {
    const fd = openSync(file, "a");
    closeSync(fd);
    return new NodeAppendFile(file, sizeOf(file));
  },
  async writeAtomically(file, chunks) {
    const temporary = `${file}.tmp`;
    const handle = await open(temporary, "w");
    try {
      for await (const chunk of chunks) await handle.write(chunk);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await nodeFiles.syncDirectory(path.dirname(file));
  },
  async syncDirectory(directory) {
    const fd = openSync(directory, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  async lock(directory) {
    const file = path.join(directory, LOCK_FILE);
    await takeLock(file);
    return () => rm(file, { force: true });
  },
};

function sizeOf(file: string): number {
  const fd = openSync(file, "r");
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}

/**
 * Creates the lock file holding our process id. A lock whose process is gone (a crash, a kill -9)
 * is stale and taken over; one whose process is alive, ours included, is refused.
 */
async function takeLock(file: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw lockError(file, error);
    }
    const holder = Number((await readFile(file, "utf8")).trim());
    if (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new DataDirectoryLockedError(
        `Data directory ${path.dirname(file)} is in use by process ${holder} (lock file ${file}); ` +
          "stop that process or choose another directory",
      );
    }
    // Stale: removed, then created again with "wx", so two processes racing for it cannot both win.
    await rm(file, { force: true });
  }
}

function lockError(file: string, error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code !== "EEXIST") return error as Error;
  return new DataDirectoryLockedError(`Data directory ${path.dirname(file)} was locked by another process just now (lock file ${file})`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is another user's.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
