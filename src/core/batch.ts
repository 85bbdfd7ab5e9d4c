// Batches of transfers: up to BATCH_SIZE_MAX transfers in one call, either atomic (checked in full
// against a private copy of the balances they touch, then applied together, or not at all) or
// independent (each applied or refused on its own, in order).

import { AssertionError } from "./assert.js";
import type { Bank, OperationOptions } from "./bank.js";
import { BankError, BatchRefusedError, InvalidArgumentError } from "./errors.js";
import { BATCH_SIZE_MAX } from "./limits.js";
import { parseAmount, tryParseAmount, type AmountInput } from "./money.js";
import { amountCode, missingAccountCode, transferError, transferRefusal, type TransferCode } from "./refusal.js";

/** One transfer of a batch, by account names. */
export interface TransferInstruction {
  sender: string;
  recipient: string;
  amount: AmountInput;
}

export interface BatchOptions extends OperationOptions {
  /** All or nothing (the default), or each transfer on its own. */
  atomic?: boolean;
}

/** What became of one transfer of a batch. Ids are the transactions' ids, as in histories. */
export type BatchItemResult =
  | { readonly index: number; readonly ok: true; readonly transactionId: number }
  | { readonly index: number; readonly ok: false; readonly error: BankError };

export interface BatchResult {
  applied: number;
  refused: number;
  /** One per transfer, in the batch's order. */
  results: BatchItemResult[];
}

/** A batch after name and amount lookup: indexes, minor units, and each transfer's code so far. */
interface Resolved {
  readonly bank: Bank;
  readonly transfers: readonly TransferInstruction[];
  readonly senders: Int32Array;
  readonly recipients: Int32Array;
  readonly amountsMinor: Float64Array;
  readonly codes: TransferCode[];
  /** The sender's balance each refused transfer was checked against (for the error's wording). */
  readonly senderBalancesMinor: Float64Array;
  /** Journal position of each applied transfer. */
  readonly positions: Float64Array;
}

/** Runs a batch and describes each transfer; an atomic refusal throws BatchRefusedError. */
export function runBatch(bank: Bank, transfers: readonly TransferInstruction[], atomic: boolean): BatchResult {
  const batch = execute(bank, transfers, atomic);
  const results: BatchItemResult[] = new Array(transfers.length);
  let applied = 0;
  for (let index = 0; index < transfers.length; index++) {
    if (batch.codes[index] === "OK") {
      results[index] = { index, ok: true, transactionId: (batch.positions[index] as number) + 1 };
      applied++;
    } else if (atomic) {
      throw new BatchRefusedError(index, refusalError(batch, index));
    } else {
      results[index] = { index, ok: false, error: refusalError(batch, index) };
    }
  }
  return { applied, refused: transfers.length - applied, results };
}

/**
 * Runs a batch and returns a code per transfer, allocating no error. In a refused atomic batch the
 * refused transfer has its own code and every other one BATCH_REFUSED.
 */
export function runBatchCodes(bank: Bank, transfers: readonly TransferInstruction[], atomic: boolean): TransferCode[] {
  const { codes } = execute(bank, transfers, atomic);
  if (!atomic) return codes;
  const refused = codes.findIndex((code) => code !== "OK");
  if (refused < 0) return codes;
  return codes.map((code, index) => (index === refused ? code : "BATCH_REFUSED"));
}

/** The identity of a batch for idempotency: every field of every transfer. */
export function batchFingerprint(transfers: readonly TransferInstruction[]): unknown[] {
  if (!Array.isArray(transfers)) return [transfers];
  return transfers.flatMap((transfer: Partial<TransferInstruction> | null) => [
    transfer?.sender, transfer?.recipient, transfer?.amount,
  ]);
}

function execute(bank: Bank, transfers: readonly TransferInstruction[], atomic: boolean): Resolved {
  if (!Array.isArray(transfers) || transfers.length === 0 || transfers.length > BATCH_SIZE_MAX) {
    throw new InvalidArgumentError(`A batch must hold 1 to ${BATCH_SIZE_MAX} transfers`);
  }
  const batch = resolve(bank, transfers);
  if (atomic) {
    // Nothing is applied unless every transfer passes against the balances its predecessors leave.
    if (checkAll(bank, batch)) applyAll(bank, batch);
  } else {
    applyEach(bank, batch);
  }
  return batch;
}

function resolve(bank: Bank, transfers: readonly TransferInstruction[]): Resolved {
  const count = transfers.length;
  const batch: Resolved = {
    bank,
    transfers,
    senders: new Int32Array(count),
    recipients: new Int32Array(count),
    amountsMinor: new Float64Array(count),
    codes: new Array<TransferCode>(count),
    senderBalancesMinor: new Float64Array(count),
    positions: new Float64Array(count),
  };
  for (let index = 0; index < count; index++) {
    batch.codes[index] = resolveOne(bank, transfers[index], batch, index);
  }
  return batch;
}

function resolveOne(bank: Bank, transfer: TransferInstruction | undefined, batch: Resolved, index: number): TransferCode {
  if (typeof transfer !== "object" || transfer === null) return "INVALID_ARGUMENT";
  const sender = bank.findIndex(transfer.sender);
  if (sender === undefined) return missingAccountCode(transfer.sender);
  const recipient = bank.findIndex(transfer.recipient);
  if (recipient === undefined) return missingAccountCode(transfer.recipient);
  const amountMinor = tryParseAmount(transfer.amount);
  if (amountMinor <= 0) return amountCode(amountMinor);
  batch.senders[index] = sender;
  batch.recipients[index] = recipient;
  batch.amountsMinor[index] = amountMinor;
  return "OK";
}

/**
 * The balances an atomic batch would leave, kept beside the bank's own until the batch is known to
 * pass. A slot counts only if stamped with the current batch's number, so starting a batch costs
 * nothing however many accounts the last one touched.
 */
class Overlay {
  private balancesMinor = new Float64Array(0);
  private stamps = new Float64Array(0);
  private stamp = 0;

  constructor(private readonly bank: Bank) {}

  /** Starts a batch: every balance reads through to the bank again. */
  begin(): void {
    const accounts = this.bank.accountCount;
    if (this.stamps.length < accounts) {
      const length = Math.max(accounts, this.stamps.length * 2);
      const balancesMinor = new Float64Array(length);
      const stamps = new Float64Array(length);
      balancesMinor.set(this.balancesMinor);
      stamps.set(this.stamps);
      this.balancesMinor = balancesMinor;
      this.stamps = stamps;
    }
    this.stamp++;
  }

  balanceMinorAt(account: number): number {
    return this.stamps[account] === this.stamp
      ? (this.balancesMinor[account] as number)
      : this.bank.balanceMinorAt(account);
  }

  set(account: number, balanceMinor: number): void {
    this.stamps[account] = this.stamp;
    this.balancesMinor[account] = balanceMinor;
  }
}

const overlays = new WeakMap<Bank, Overlay>();

function overlayOf(bank: Bank): Overlay {
  let overlay = overlays.get(bank);
  if (overlay === undefined) {
    overlay = new Overlay(bank);
    overlays.set(bank, overlay);
  }
  overlay.begin();
  return overlay;
}

/** Checks every transfer in order against the batch's own copy of the balances; true when all pass. */
function checkAll(bank: Bank, batch: Resolved): boolean {
  const overlay = overlayOf(bank);
  for (let index = 0; index < batch.codes.length; index++) {
    if (batch.codes[index] !== "OK") return false;
    const sender = batch.senders[index] as number;
    const recipient = batch.recipients[index] as number;
    const amountMinor = batch.amountsMinor[index] as number;
    const senderBalanceMinor = overlay.balanceMinorAt(sender);
    const recipientBalanceMinor = overlay.balanceMinorAt(recipient);
    const code = transferRefusal(sender, recipient, amountMinor, senderBalanceMinor, recipientBalanceMinor);
    if (code !== "OK") {
      batch.codes[index] = code;
      batch.senderBalancesMinor[index] = senderBalanceMinor;
      return false;
    }
    overlay.set(sender, senderBalanceMinor - amountMinor);
    overlay.set(recipient, recipientBalanceMinor + amountMinor);
  }
  return true;
}

function applyAll(bank: Bank, batch: Resolved): void {
  const timeMs = bank.now();
  for (let index = 0; index < batch.codes.length; index++) {
    bank.applyTransfer(batch.senders[index] as number, batch.recipients[index] as number, batch.amountsMinor[index] as number, timeMs);
    batch.positions[index] = bank.transactionCount - 1;
  }
}

function applyEach(bank: Bank, batch: Resolved): void {
  const timeMs = bank.now();
  for (let index = 0; index < batch.codes.length; index++) {
    if (batch.codes[index] !== "OK") continue;
    const sender = batch.senders[index] as number;
    const recipient = batch.recipients[index] as number;
    const amountMinor = batch.amountsMinor[index] as number;
    const senderBalanceMinor = bank.balanceMinorAt(sender);
    const code = transferRefusal(sender, recipient, amountMinor, senderBalanceMinor, bank.balanceMinorAt(recipient));
    batch.codes[index] = code;
    if (code === "OK") {
      bank.applyTransfer(sender, recipient, amountMinor, timeMs);
      batch.positions[index] = bank.transactionCount - 1;
    } else {
      batch.senderBalancesMinor[index] = senderBalanceMinor;
    }
  }
}

/** The error a refused transfer of the batch would have thrown on its own. */
function refusalError(batch: Resolved, index: number): BankError {
  const code = batch.codes[index] as TransferCode;
  const transfer = batch.transfers[index] as TransferInstruction;
  if (code === "SAME_ACCOUNT" || code === "INSUFFICIENT_FUNDS" || code === "BALANCE_LIMIT_EXCEEDED") {
    const { sender, recipient } = transfer;
    return transferError(code, sender, recipient, batch.amountsMinor[index] as number, batch.senderBalancesMinor[index] as number);
  }
  return lookupError(batch.bank, transfer);
}

/** Re-runs the throwing lookups of a transfer refused before any balance was read, for their wording. */
function lookupError(bank: Bank, transfer: TransferInstruction | null): BankError {
  if (typeof transfer !== "object" || transfer === null) {
    return new InvalidArgumentError("Each transfer must be an object with sender, recipient and amount");
  }
  try {
    bank.indexOf(transfer.sender);
    bank.indexOf(transfer.recipient);
    parseAmount(transfer.amount);
  } catch (error) {
    if (error instanceof BankError) return error;
    throw error;
  }
  /* v8 ignore next -- the lookups above refused once and refuse again. */
  throw new AssertionError("Invariant broken: a transfer refused at lookup is refused again");
}
