// Units of money: how many minor units make a major one, and the two ways out of minor units (text
// and a major-unit number). A leaf: it imports nothing, so every module may use it without a cycle.

/** Minor units per major unit: two decimals, one currency. */
export const MINOR_PER_MAJOR = 100;

/**
 * Formats minor units as the seed's text: two decimals, no grouping.
 *
 * @example formatMinor(2550) === "25.50"; formatMinor(-5) === "-0.05"
 */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? "-" : "";
  const magnitude = Math.abs(minor);
  const cents = magnitude % MINOR_PER_MAJOR;
  return `${sign}${(magnitude - cents) / MINOR_PER_MAJOR}.${cents < 10 ? "0" : ""}${cents}`;
}

/**
 * Minor units as a major-unit number (2550 -> 25.5). Exact to the cent: the result is the double
 * nearest to the decimal value, so it prints and parses back to the same amount.
 */
export function toMajor(minor: number): number {
  return minor / MINOR_PER_MAJOR;
}
