// Helpers shared by the core tests: a snapshot of everything a refused operation must leave alone,
// and a way to catch a refusal so that its fields can be checked.

import { expect } from "vitest";
import type { Bank } from "../../src/core/index.js";

/** Every account's name, balance and history length, plus the journal's size. */
export interface BankState {
  accounts: Array<[name: string, balanceMinor: number, historyLength: number]>;
  transactionCount: number;
}

export function snapshot(bank: Bank): BankState {
  return {
    accounts: bank.listAccounts().map((account) => [account.name, account.balanceMinor, account.historyLength]),
    transactionCount: bank.transactionCount,
  };
}

/** Runs `action`, which must throw, and returns what it threw. */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error("expected the action to throw, but it returned");
}

/**
 * Runs `action`, which must be refused with an instance of `errorClass`, and checks that the bank's
 * state is exactly what it was before. Returns the error for further checks.
 */
export function expectRefusedWithoutTrace<E extends Error>(
  bank: Bank,
  action: () => unknown,
  errorClass: abstract new (...args: never[]) => E,
): E {
  const before = snapshot(bank);
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(errorClass);
  expect(snapshot(bank)).toEqual(before);
  return error as E;
}

/** Minor units as a decimal string, written independently of the core's formatter. */
export function centsText(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(3, "0");
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
