// One server under load for the access-control benchmark: the real `bank serve` with the flags and
// environment of its scenario (bench/common/bank-server.ts starts and stops it).

import { startBankServer, type BankServer } from "../common/bank-server.js";

export type BenchServer = BankServer;

/** Starts `bank serve` with `args` and `env` added; resolves once it is healthy. */
export function startServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<BenchServer> {
  return startBankServer({ args, env });
}
