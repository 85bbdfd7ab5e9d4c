// Amounts as the dashboard shows them: exact to the cent from the API's numbers, grouped.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMinor, toMajor } from "../../src/core/index.js";
import { formatAmount, formatCents, formatSignedAmount, toCents } from "../../src/web/money.js";

describe("the dashboard's amounts", () => {
  it("when given amounts as the API sends them, shows them grouped with two decimals", () => {
    expect(formatAmount(1234567.5, "en")).toBe("1,234,567.50");
    expect(formatAmount(1234567.5, "de")).toBe("1.234.567,50");
    expect(formatAmount(0.3, "en")).toBe("0.30");
    expect(formatAmount(1_000_000_000_000, "en")).toBe("1,000,000,000,000.00");
    expect(formatSignedAmount(25.5, true, "en")).toBe("-25.50");
    expect(formatSignedAmount(25.5, false, "en")).toBe("+25.50");
  });

  it("for every amount up to the limit, shows the cents the core formats, and reads them back as cents", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (minor) => {
        // JSON carries the number the core's toMajor gives: the dashboard sees exactly that.
        const amount = JSON.parse(JSON.stringify(toMajor(minor))) as number;
        expect(formatAmount(amount, "en").replaceAll(",", "")).toBe(formatMinor(minor));
        expect(toCents(amount)).toBe(minor);
        expect(formatCents(minor, "en")).toBe(formatAmount(amount, "en"));
      }),
    );
  });

  it("when cents are negative or below a unit, keeps their sign and leading zeros", () => {
    expect(formatCents(-5, "en")).toBe("-0.05");
    expect(formatCents(7, "en")).toBe("0.07");
    expect(formatCents(0, "en")).toBe("0.00");
  });
});
