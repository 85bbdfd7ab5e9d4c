// The real file layer, nodeFiles, against a temporary directory: appends (short writes included),
// fsyncs and their failure, atomic writes, truncation, and the lock: taken, refused while its holder
// lives (another user's process too), taken over from a dead one, and lost to a racing process.

import type * as fs from "node:fs";
import type * as fsPromises from "node:fs/promises";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DataDirectoryLockedError, nodeFiles } from "../../src/store/files.js";

/** Faults the mocked node:fs functions below inject when asked. */
const faults = vi.hoisted(() => ({
  /** Each writeSync writes at most this many bytes (a short write), when set. */
  writeBytesMax: null as number | null,
  fdatasync: null as string | null,
  /** After the next rm of this file, another process creates it at once. */
  recreateAfterRm: null as string | null,
}));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return {
    ...actual,
    writeSync(fd: number, buffer: Uint8Array, offset: number, length: number) {
      return actual.writeSync(fd, buffer, offset, Math.min(length, faults.writeBytesMax ?? length));
    },
    fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void) {
      if (faults.fdatasync === null) return actual.fdatasync(fd, callback);
      const error: NodeJS.ErrnoException = new Error(`${faults.fdatasync}: i/o error, fdatasync`);
      error.code = faults.fdatasync;
      faults.fdatasync = null;
      process.nextTick(callback, error);
    },
  };
});

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return {
    ...actual,
    async rm(file: string, options: Parameters<typeof actual.rm>[1]) {
      await actual.rm(file, options);
      if (faults.recreateAfterRm === file) {
        faults.recreateAfterRm = null;
        await actual.writeFile(file, "4242\n");
      }
    },
  };
});

let directory = "";
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "bank-files-"));
});
afterEach(() => {
  faults.writeBytesMax = null;
  faults.fdatasync = null;
  faults.recreateAfterRm = null;
  vi.restoreAllMocks();
  rmSync(directory, { recursive: true, force: true });
});

describe("nodeFiles", () => {
  it("makes directories, lists, reads, truncates and removes files", async () => {
    const nested = join(directory, "a", "b");
    await nodeFiles.makeDirectory(nested);
    writeFileSync(join(nested, "one"), "hello world");
    expect(await nodeFiles.list(nested)).toEqual(["one"]);
    await nodeFiles.truncate(join(nested, "one"), 5);
    expect(Buffer.from(await nodeFiles.read(join(nested, "one"))).toString()).toBe("hello");
    await nodeFiles.remove(join(nested, "one"));
    await nodeFiles.remove(join(nested, "missing"));
    expect(await nodeFiles.list(nested)).toEqual([]);
  });

  it("appends to a file, counting what it held before, even when the system writes less than asked", async () => {
    const file = join(directory, "journal");
    writeFileSync(file, "abc");
    const appended = nodeFiles.openAppend(file);
    expect(appended.size).toBe(3);
    faults.writeBytesMax = 2;
    appended.write(Buffer.from("defgh"));
    await appended.sync();
    await appended.close();
    expect(readFileSync(file, "utf8")).toBe("abcdefgh");
    expect(nodeFiles.openAppend(join(directory, "new")).size).toBe(0);
  });

  it("when an fsync fails, its promise rejects with the cause", async () => {
    const appended = nodeFiles.openAppend(join(directory, "journal"));
    appended.write(Buffer.from("x"));
    faults.fdatasync = "EIO";
    await expect(appended.sync()).rejects.toMatchObject({ code: "EIO" });
    await appended.close();
  });

  it("writes a file atomically from sync or async chunks, leaving no temporary file", async () => {
    const file = join(directory, "snapshot");
    writeFileSync(file, "old");
    await nodeFiles.writeAtomically(file, [Buffer.from("new "), Buffer.from("bytes")]);
    expect(readFileSync(file, "utf8")).toBe("new bytes");
    await nodeFiles.writeAtomically(file, (async function* () {
      yield Buffer.from("from ");
      yield Buffer.from("async");
    })());
    expect(readFileSync(file, "utf8")).toBe("from async");
    expect(readdirSync(directory)).toEqual(["snapshot"]);
    await nodeFiles.syncDirectory(directory);
  });

  it("when the chunks fail part-way, the file is untouched", async () => {
    const file = join(directory, "snapshot");
    writeFileSync(file, "old");
    const failing = (function* () {
      yield Buffer.from("half");
      throw new Error("the state could not be read");
    })();
    await expect(nodeFiles.writeAtomically(file, failing)).rejects.toThrow("the state could not be read");
    expect(readFileSync(file, "utf8")).toBe("old");
  });
});

describe("nodeFiles.lock", () => {
  const lockFile = () => join(directory, "LOCK");

  it("when free, takes the lock with this process's pid, and releases it", async () => {
    const release = await nodeFiles.lock(directory);
    expect(readFileSync(lockFile(), "utf8")).toBe(`${process.pid}\n`);
    await release();
    expect(existsSync(lockFile())).toBe(false);
  });

  it("when a live process holds it (this one included), refuses, naming the process and the lock file", async () => {
    await nodeFiles.lock(directory);
    await expect(nodeFiles.lock(directory)).rejects.toThrow(new DataDirectoryLockedError(
      `Data directory ${directory} is in use by process ${process.pid} (lock file ${lockFile()}); stop that process or choose another directory`,
    ));
  });

  it("when the holder is another user's process (EPERM), it is alive: refused", async () => {
    writeFileSync(lockFile(), "4242\n");
    vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("kill EPERM"), { code: "EPERM" });
    });
    await expect(nodeFiles.lock(directory)).rejects.toThrow(/in use by process 4242/);
  });

  it.each([["a dead process's pid", "4242\n"], ["no pid at all", "garbage"]])("when the lock file holds %s, takes it over", async (_case, content) => {
    writeFileSync(lockFile(), content);
    vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("kill ESRCH"), { code: "ESRCH" });
    });
    await nodeFiles.lock(directory);
    expect(readFileSync(lockFile(), "utf8")).toBe(`${process.pid}\n`);
  });

  it("when another process takes a stale lock first, refuses, saying it was locked just now", async () => {
    writeFileSync(lockFile(), "4242\n");
    vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("kill ESRCH"), { code: "ESRCH" });
    });
    faults.recreateAfterRm = lockFile();
    await expect(nodeFiles.lock(directory)).rejects.toThrow(new DataDirectoryLockedError(
      `Data directory ${directory} was locked by another process just now (lock file ${lockFile()})`,
    ));
  });

  it("when the directory does not exist, the system's error is passed on", async () => {
    await expect(nodeFiles.lock(join(directory, "missing"))).rejects.toMatchObject({ code: "ENOENT" });
  });
});
