// `bank serve --data-dir` as a user runs it (node dist/cli/main.js): the bank survives a clean
// restart (SIGTERM, a snapshot, a new start); a second server on the directory is refused in one
// line naming the lock file; a lock left by a dead process is taken over; DATA_DIR and FSYNC are
// read from the environment; a torn last write is cut and said so in the log.

import { spawn } from "node:child_process";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { Client, exitOf, killBanks, spawnBank, startBank, stopBank, type BankServer } from "../bank-process.js";

let directory = "";
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "bank-serve-"));
});
afterEach(() => {
  killBanks();
  rmSync(directory, { recursive: true, force: true });
});
afterAll(killBanks);

const FSYNC_ERROR = `FSYNC must be "always" or an interval such as "100ms"`;

async function post(client: Client, path: string, body: unknown, key?: string): Promise<number> {
  const answer = await client.request("POST", path, JSON.stringify(body), key === undefined ? {} : { "idempotency-key": key });
  return answer.status;
}

/** Everything the server answers about its accounts: the list and each history, as text. */
async function everything(client: Client): Promise<string[]> {
  const list = await client.request("GET", "/accounts");
  const names = (JSON.parse(list.text) as { accounts: { name: string }[] }).accounts.map((account) => account.name);
  const histories = await Promise.all(names.map((name) => client.request("GET", `/accounts/${name}/history`)));
  return [list.text, ...histories.map((history) => history.text)];
}

async function stopCleanly(server: BankServer): Promise<void> {
  const exit = await stopBank(server, "SIGTERM");
  expect(exit, server.output()).toEqual({ code: 0, signal: null });
}

describe("bank serve --data-dir", () => {
  it("when stopped with SIGTERM and started again, serves the same bank, and replays the same answers", async () => {
    const first = await startBank(["--data-dir", directory]);
    const client = new Client(first);
    expect(await post(client, "/accounts", { name: "alice", initial_balance: 100 })).toBe(201);
    expect(await post(client, "/accounts", { name: "bob", initial_balance: "0.50" })).toBe(201);
    const transfer = await client.request("POST", "/transfers", JSON.stringify({ sender: "alice", recipient: "bob", amount: 30 }), { "idempotency-key": "t-1" });
    expect(transfer.status).toBe(200);
    expect(await post(client, "/transfers/batch", { transfers: [{ sender: "bob", recipient: "alice", amount: 1 }] })).toBe(200);
    const before = await everything(client);
    client.close();
    await stopCleanly(first);
    expect(first.output()).toContain("the bank is kept in " + directory);
    // A clean stop leaves a snapshot and no lock.
    expect(readdirSync(directory).filter((name) => name === "LOCK" || name.endsWith(".snap"))).toEqual([expect.stringMatching(/^snapshot-\d{16}\.snap$/)]);

    const second = await startBank(["--data-dir", directory]);
    const again = new Client(second);
    expect(await everything(again)).toEqual(before);
    const replay = await again.request("POST", "/transfers", JSON.stringify({ sender: "alice", recipient: "bob", amount: 30 }), { "idempotency-key": "t-1" });
    expect([replay.status, replay.headers["idempotency-replayed"], replay.text]).toEqual([200, "true", transfer.text]);
    expect(await everything(again)).toEqual(before);
    again.close();
    await stopCleanly(second);
  });

  it("when another server keeps the directory, a second exits 1 with one line naming the lock file, and the first goes on", async () => {
    const first = await startBank(["--data-dir", directory]);
    const second = spawnBank(["serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", directory]);
    const exit = await exitOf(second);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(second.output()).toBe(
      `error: Data directory ${directory} is in use by process ${first.pid} (lock file ${join(directory, "LOCK")}); ` +
        "stop that process or choose another directory\n",
    );
    const client = new Client(first);
    expect((await client.request("GET", "/health")).status).toBe(200);
    client.close();
    expect(readFileSync(join(directory, "LOCK"), "utf8")).toBe(`${first.pid}\n`);
    await stopCleanly(first);
  });

  it("when the lock file holds the pid of a process that is gone, the server takes the lock over", async () => {
    const gone = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => gone.on("exit", resolve));
    writeFileSync(join(directory, "LOCK"), `${gone.pid}\n`);
    const server = await startBank(["--data-dir", directory]);
    expect(readFileSync(join(directory, "LOCK"), "utf8")).toBe(`${server.pid}\n`);
    const client = new Client(server);
    expect(await post(client, "/accounts", { name: "alice", initial_balance: 1 })).toBe(201);
    client.close();
    await stopCleanly(server);
    expect(readdirSync(directory)).not.toContain("LOCK");
  });

  it("when DATA_DIR and FSYNC are set, keeps the bank there with that policy, and --data-dir finds it", async () => {
    const first = await startBank([], { DATA_DIR: directory, FSYNC: "100ms" });
    expect(first.output()).toContain(`the bank is kept in ${directory}`);
    const client = new Client(first);
    expect(await post(client, "/accounts", { name: "alice", initial_balance: 7 })).toBe(201);
    client.close();
    await stopCleanly(first);
    const second = await startBank(["--data-dir", directory]);
    const again = new Client(second);
    expect((await again.request("GET", "/accounts/alice")).text).toBe('{"name":"alice","balance":7,"available":7,"held":0,"incoming_held":0}');
    again.close();
    await stopCleanly(second);
  });

  it("when the last write was torn by a kill, the server cuts it, says so in its log, and keeps the rest", async () => {
    const first = await startBank(["--data-dir", directory]);
    const client = new Client(first);
    expect(await post(client, "/accounts", { name: "alice", initial_balance: 5 })).toBe(201);
    client.close();
    await stopBank(first, "SIGKILL");
    const segment = readdirSync(directory).find((name) => name.endsWith(".log")) as string;
    // The start of a record whose length says more than follows.
    appendFileSync(join(directory, segment), Buffer.from([48, 0, 0, 0, 1, 2, 3]));

    const second = await startBank(["--data-dir", directory]);
    expect(second.output()).toMatch(new RegExp(`"level":40,.*"msg":"cut 7 bytes at offset \\d+ of ${segment}: a last write that did not complete`));
    const again = new Client(second);
    expect((await again.request("GET", "/accounts/alice")).text).toBe('{"name":"alice","balance":5,"available":5,"held":0,"incoming_held":0}');
    again.close();
    await stopCleanly(second);
  });

  it("when FSYNC is not a policy, exits 1 with one line", async () => {
    const child = spawnBank(["serve", "--data-dir", directory], { FSYNC: "sometimes" });
    expect(await exitOf(child)).toEqual({ code: 1, signal: null });
    expect(child.output()).toBe(`error: ${FSYNC_ERROR}, not 'sometimes'\n`);
  });
});
