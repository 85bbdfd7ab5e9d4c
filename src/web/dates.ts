// Dates as the person reading them writes them: the browser's locale and time zone.

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** An ISO timestamp from the API as a local date and time. */
export function formatDateTime(timestamp: string | number): string {
  return DATE_TIME.format(new Date(timestamp));
}

/** An ISO timestamp from the API as a local date. */
export function formatDate(timestamp: string | number): string {
  return DATE.format(new Date(timestamp));
}
