// Amounts as the dashboard shows them: exact to the cent, grouped in the reader's locale. The API
// sends amounts as JSON numbers exact to the cent, so their digits are read with toFixed(2), never
// by arithmetic, and Intl formats that exact decimal text. Totals kept live are integer cents.

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(locale: string | undefined): Intl.NumberFormat {
  const key = locale ?? "";
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * An amount in major units as the API sends it, as text: "1,234,567.89" in English.
 *
 * @example formatAmount(1234567.5, "en") // "1,234,567.50"; formatAmount(1234567.5, "de") // "1.234.567,50"
 */
export function formatAmount(amount: number, locale?: string): string {
  return formatterFor(locale).format(amount.toFixed(2) as `${number}`);
}

/** An amount in major units (exact to the cent) as integer cents, from its digits. */
export function toCents(amount: number): number {
  return Number(amount.toFixed(2).replace(".", ""));
}

/** Integer cents as text, formatted as `formatAmount` formats major units. */
export function formatCents(cents: number, locale?: string): string {
  const digits = Math.abs(cents).toString().padStart(3, "0");
  const decimal = `${cents < 0 ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return formatterFor(locale).format(decimal as `${number}`);
}

const signedFormatters = new Map<string, Intl.NumberFormat>();

/** An amount with its sign, as a history shows money in ("+25.00") and out ("-25.00"). */
export function formatSignedAmount(amount: number, outgoing: boolean, locale?: string): string {
  const key = locale ?? "";
  let formatter = signedFormatters.get(key);
  if (formatter === undefined) {
    formatter = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, signDisplay: "exceptZero" });
    signedFormatters.set(key, formatter);
  }
  return formatter.format(`${outgoing ? "-" : ""}${amount.toFixed(2)}` as `${number}`);
}

const counts = new Intl.NumberFormat();

/** A count, grouped: "100,000". */
export function formatCount(count: number): string {
  return counts.format(count);
}
