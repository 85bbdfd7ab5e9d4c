// Comma-separated values (RFC 4180): a header row, then one row per record, each line ended by CRLF.
// A field holding a comma, a double quote or a line break is quoted, its quotes doubled.

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when it must be. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The whole text: `header`, then `rows`, every line ended by CRLF. */
export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  let text = `${header.map(csvField).join(",")}\r\n`;
  for (const row of rows) text += `${row.map(csvField).join(",")}\r\n`;
  return text;
}
