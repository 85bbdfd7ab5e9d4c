// The server the dashboard benchmark measures: the real `bank serve` (bench/common/bank-server.ts
// starts and stops it), with room for the largest runs' heap.

import { startBankServer, type BankServer } from "../common/bank-server.js";

export type { BankServer };

/** Starts the server; `heapMb` raises its heap for the largest runs. */
export function startServer(heapMb = 4096): Promise<BankServer> {
  return startBankServer({ nodeArgs: [`--max-old-space-size=${heapMb}`] });
}
