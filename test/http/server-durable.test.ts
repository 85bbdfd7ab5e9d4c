// startServer with a data directory on the real file system: the bank survives a close and a new
// start, a second server on the directory is refused, a port in use frees the directory again, and
// a journal that cannot be written (an fsync made to fail) stops the process by default, or tells
// the handler given instead.

import type * as fs from "node:fs";
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BankApp } from "../../src/http/app.js";
import { startServer } from "../../src/http/server.js";
import { DataDirectoryLockedError, openBank, StoreFailedError } from "../../src/store/index.js";

/** When set, the next fdatasync fails with this code. */
const fault = vi.hoisted(() => ({ fdatasync: null as string | null }));

vi.mock("node:fs", async (importOriginal) => {
  const actual = await importOriginal<typeof fs>();
  return {
    ...actual,
    fdatasync(fd: number, callback: (error: NodeJS.ErrnoException | null) => void) {
      if (fault.fdatasync === null) return actual.fdatasync(fd, callback);
      const error: NodeJS.ErrnoException = new Error(`${fault.fdatasync}: i/o error, fdatasync`);
      error.code = fault.fdatasync;
      fault.fdatasync = null;
      process.nextTick(callback, error);
    },
  };
});

let directory = "";
const opened: BankApp[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "bank-server-"));
});
afterEach(async () => {
  fault.fdatasync = null;
  // A server whose store failed cannot close cleanly (its last sync fails); its lock goes all the same.
  await Promise.all(opened.splice(0).map((app) => app.close().catch(() => undefined)));
  rmSync(directory, { recursive: true, force: true });
});

async function start(options: Partial<Parameters<typeof startServer>[0]> = {}) {
  const started = await startServer({ host: "127.0.0.1", port: 0, logLevel: "silent", dataDir: directory, ...options });
  opened.push(started.app);
  return started;
}

function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

describe("startServer with a data directory", () => {
  it("when closed and started again on the directory, serves the same bank, from a snapshot", async () => {
    const first = await start();
    expect((await post(`${first.url}/accounts`, { name: "alice", initial_balance: 100 })).status).toBe(201);
    expect((await post(`${first.url}/accounts`, { name: "bob", initial_balance: 0 })).status).toBe(201);
    expect((await post(`${first.url}/transfers`, { sender: "alice", recipient: "bob", amount: 12.5 })).status).toBe(200);
    const history = await (await fetch(`${first.url}/accounts/bob/history`)).text();
    await first.app.close();
    expect(readdirSync(directory).filter((name) => name === "LOCK" || name.endsWith(".snap"))).toEqual([expect.stringMatching(/\.snap$/)]);

    const second = await start();
    expect(await (await fetch(`${second.url}/accounts`)).json()).toEqual({
      accounts: [{ name: "alice", balance: 87.5, available: 87.5, held: 0, incoming_held: 0 }, { name: "bob", balance: 12.5, available: 12.5, held: 0, incoming_held: 0 }],
      next_after: null,
    });
    expect(await (await fetch(`${second.url}/accounts/bob/history`)).text()).toBe(history);
  });

  it("when the journal ends in a torn write, starts with what was whole (the log says what was cut)", async () => {
    const first = await start();
    expect((await post(`${first.url}/accounts`, { name: "alice", initial_balance: 5 })).status).toBe(201);
    await first.app.close();
    // After the snapshot, the segment begun for what follows it: a record torn in it.
    const segment = readdirSync(directory).find((name) => name.endsWith(".log")) as string;
    appendFileSync(join(directory, segment), Buffer.from([48, 0, 0, 0, 1, 2, 3]));
    const second = await start();
    expect(await (await fetch(`${second.url}/accounts/alice`)).json()).toEqual({ name: "alice", balance: 5, available: 5, held: 0, incoming_held: 0 });
  });

  it("when another server keeps the directory, a second is refused, naming the lock file", async () => {
    await start();
    const error = await start().then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataDirectoryLockedError);
    expect((error as Error).message).toBe(
      `Data directory ${directory} is in use by process ${process.pid} (lock file ${join(directory, "LOCK")}); ` +
        "stop that process or choose another directory",
    );
  });

  it("when the port is in use, the bank it opened is closed again, and the directory free", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await expect(start({ port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      blocker.close();
    }
    const bank = await openBank({ dataDir: directory });
    await bank.close();
  });
});

describe("startServer when the journal cannot be written", () => {
  it("when an fsync fails, by default says why on stderr and exits 1, and the waiting request gets no 2xx", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as typeof process.exit);
    const { url } = await start();
    const written: string[] = [];
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let exits: unknown[][];
    try {
      fault.fdatasync = "EIO";
      const response = await post(`${url}/accounts`, { name: "alice", initial_balance: 1 });
      expect(response.status).toBe(500);
    } finally {
      exits = [...exit.mock.calls];
      stderr.mockRestore();
      exit.mockRestore();
    }
    expect(exits).toEqual([[1]]);
    expect(written).toEqual(["fatal: The journal could not be written (EIO: i/o error, fdatasync); the bank stopped taking changes\n"]);
  });

  it("when a handler is given, it is told once instead, and the process goes on", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as typeof process.exit);
    const failures: StoreFailedError[] = [];
    const { url } = await start({ onStoreFailure: (error) => failures.push(error) });
    fault.fdatasync = "EIO";
    expect((await post(`${url}/accounts`, { name: "alice", initial_balance: 1 })).status).toBe(500);
    expect((await fetch(`${url}/accounts`)).status).toBe(500);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(StoreFailedError);
    expect(exit.mock.calls).toEqual([]);
    exit.mockRestore();
  });
});
