// Bounds the HTTP layer adds to the core's (src/core/limits.ts): what one request may carry.

import { NAME_LENGTH_MAX } from "../core/index.js";

/**
 * Largest request body, in bytes, for the single-operation routes. A deposit or a transfer is
 * well under 1 KiB; 64 KiB leaves room for any valid request and refuses the rest with a 413.
 */
export const BODY_LIMIT_BYTES = 64 * 1024;

/**
 * Longest path parameter, in characters as they travel (percent-encoded). A name holds at most
 * NAME_LENGTH_MAX code points, each at most 4 UTF-8 bytes written as "%XX": 12 characters.
 * Longer parameters are refused with a 414 before routing.
 */
export const PATH_PARAM_LENGTH_MAX = NAME_LENGTH_MAX * 12;
