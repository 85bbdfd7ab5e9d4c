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

/**
 * Largest body of `POST /transfers/batch`: a full batch of BATCH_SIZE_MAX transfers with names of
 * NAME_LENGTH_MAX characters, each escaped as JSON may escape it, fits with room to spare.
 */
export const BATCH_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Most bytes of stored responses kept for idempotency keys. With IDEMPOTENCY_KEYS_MAX keys this
 * bounds the store's memory; the oldest keys go first when either bound is reached.
 */
export const IDEMPOTENCY_RESPONSE_BYTES_MAX = 256 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects in a JSON body. The deepest valid body (a batch: body,
 * list, transfer) nests 3 deep; anything past this is refused before it is parsed, so that nothing
 * recursing over a body (the schema, the idempotency fingerprint) can run out of stack.
 */
export const JSON_DEPTH_MAX = 32;

/**
 * Most header fields a request may carry (Apache's LimitRequestFields). A request over it is
 * refused with a 431 problem, never served with some of its headers missing (as Node 20 would,
 * past its own count of 2,000); HEADERS_BYTES_MAX bounds what Node keeps meanwhile.
 */
export const HEADER_COUNT_MAX = 100;

/**
 * Most bytes of a request's line and headers together (Node's default). A request over it is
 * refused by Node's HTTP parser, and answered with a 431 problem.
 */
export const HEADERS_BYTES_MAX = 16 * 1024;

/**
 * How far an event stream's client may fall behind (events recorded and not yet sent to it) before
 * it is let go with a final event saying where to resume: the bank never waits for a reader, and a
 * reader that cannot keep up costs it nothing but this cursor while it catches up from the journal.
 */
export const EVENTS_LAG_MAX = 65_536;

/** Most bytes of events written to one client at once, before its socket is asked to drain. */
export const EVENTS_WRITE_BYTES_MAX = 64 * 1024;

/**
 * The share of a busy event loop that all event streams together may take (see event-pacer.ts):
 * the time the loop would have been idle is theirs too, so a quiet bank streams at full speed.
 */
export const EVENTS_TIME_SHARE = 0.04;

/** Most time the event streams may spend at once, in ms, however long the loop was idle before. */
export const EVENTS_PACER_BURST_MS = 5;

/** The least time, in ms, a stream's turn may take: below it, it waits for more. */
export const EVENTS_PACER_TURN_MS = 0.25;

/** How long a stream waits, in ms, once the streams have spent their time. */
export const EVENTS_PACER_WAIT_MS = 1;

/**
 * The least time, in ms, between two writes to one event stream's client while events keep coming:
 * what comes meanwhile goes out in the next write. A stream that was quiet for longer writes its
 * next event at once. It keeps what many clients cost a busy bank to a few writes a second each,
 * not one per batch, at a delay no person watching a feed can see.
 */
export const EVENTS_WRITE_INTERVAL_MS = 50;

/** How long a client's socket may stay full before the stream is closed. */
export const EVENTS_DRAIN_TIMEOUT_MS = 30_000;

/** How often an idle event stream sends a comment, so that proxies keep the connection open. */
export const EVENTS_HEARTBEAT_MS = 15_000;
