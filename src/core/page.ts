// Paging: how many items a page of history or of accounts holds.

import { InvalidArgumentError } from "./errors.js";
import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from "./limits.js";

export interface PageOptions {
  /** Items per page, 1 to PAGE_SIZE_MAX (default PAGE_SIZE_DEFAULT). */
  limit?: number;
}

/** The page size asked for, checked. @throws InvalidArgumentError */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return PAGE_SIZE_DEFAULT;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > PAGE_SIZE_MAX) {
    throw new InvalidArgumentError(`Page limit must be an integer from 1 to ${PAGE_SIZE_MAX}, not ${typeof limit === "number" ? limit : `a ${typeof limit}`}`);
  }
  return limit;
}
