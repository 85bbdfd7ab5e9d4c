// Assertions: a broken invariant is a bug, thrown as AssertionError, never as a BankError refusal.

import { describe, expect, it } from "vitest";
import { AssertionError, assert } from "../../src/core/assert.js";
import * as core from "../../src/core/index.js";
import { BankError } from "../../src/core/index.js";
import { thrownBy } from "./support.js";

describe("assert", () => {
  it("when the condition is false, it throws AssertionError naming the broken invariant", () => {
    const error = thrownBy(() => assert(false, "balances are never negative"));
    expect(error).toBeInstanceOf(AssertionError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(BankError);
    expect((error as Error).name).toBe("AssertionError");
    expect((error as Error).message).toBe("Invariant broken: balances are never negative");
  });

  it("when the condition is true, it returns without throwing", () => {
    expect(assert(true, "unused")).toBeUndefined();
  });

  it("the AssertionError class is the one the core exports", () => {
    expect(core.AssertionError).toBe(AssertionError);
  });
});
