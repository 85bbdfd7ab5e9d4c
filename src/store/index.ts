// Durable mode's door: `openBank({ dataDir })` opens a bank kept on files in `dataDir` (see
// docs/DURABILITY.md). The package's entry re-exports this beside the core.

import { Bank, type BankOptions } from "../core/index.js";
import { FileStore, type FileStoreOptions } from "./file-store.js";

export { CorruptDataError, StoreFailedError } from "./errors.js";
export { DataDirectoryLockedError } from "./files.js";
export type { FsyncPolicy } from "./file-store.js";

/** A bank's options and its store's. */
export type OpenBankOptions = BankOptions & FileStoreOptions;

/**
 * Opens the bank kept in `dataDir`, creating it if the directory is new: everything it held is
 * back, and every change from now on is written to its journal. Operations return at once; `await
 * bank.sync()` waits until what they changed is on disk. `await bank.close()` when done.
 *
 * @example
 * const bank = await openBank({ dataDir: "./data" });
 * bank.createAccount("Alice", 100);
 * await bank.sync(); // Alice survives a crash from here on
 * await bank.close();
 */
export async function openBank(options: OpenBankOptions): Promise<Bank> {
  return Bank.open({ ...options, store: new FileStore(options) });
}
