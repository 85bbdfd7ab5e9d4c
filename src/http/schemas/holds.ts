// Schemas of holds (two-phase transfers): reserve money on the sender's account, then post all or
// part of it to the recipient, or void it; a hold not ended in time expires.

import { Type, type Static } from "typebox";
import { HOLD_TIMEOUT_SECONDS_DEFAULT, HOLD_TIMEOUT_SECONDS_MAX, NAME_LENGTH_MAX } from "../../core/index.js";
import { BODY_LIMIT_BYTES } from "../limits.js";
import { AmountInput, bodyDescription, HoldId, Name, Nullable, problemResponses, Reference } from "./common.js";

/** A hold's timeout, in a body: whole seconds, within the core's bounds. */
export const TimeoutSeconds = Type.Integer({
  minimum: 1,
  maximum: HOLD_TIMEOUT_SECONDS_MAX,
  description: `Seconds until the hold expires unless it is posted or voided first: 1 to ${HOLD_TIMEOUT_SECONDS_MAX} ` +
    `(30 days); ${HOLD_TIMEOUT_SECONDS_DEFAULT} (7 days) when left out`,
  examples: [3600],
});

const NAME_RULE = `1 to ${NAME_LENGTH_MAX} characters (code points), case-sensitive`;

/** The fields of a new hold, shared with a batch's hold items. */
export const HOLD_FIELDS = {
  sender: Type.String({ ...Name, description: `The account the money is held on: ${NAME_RULE}` }),
  recipient: Type.String({ ...Name, description: `The account a post pays: ${NAME_RULE}`, examples: ["bob"] }),
  amount: AmountInput("Amount to hold, more than zero, at most what the sender has available", "positive"),
  reference: Type.Optional(Reference),
};

/** Body of `POST /holds`. */
export const CreateHoldRequest = Type.Object(
  { ...HOLD_FIELDS, timeout_seconds: Type.Optional(Type.Integer({ ...TimeoutSeconds, default: HOLD_TIMEOUT_SECONDS_DEFAULT })) },
  { additionalProperties: false, description: bodyDescription(BODY_LIMIT_BYTES) },
);
export type CreateHoldRequest = Static<typeof CreateHoldRequest>;

/** Body of `POST /holds/{id}/post`, which may be left out. */
export const PostHoldRequest = Type.Object(
  {
    amount: Type.Optional(AmountInput("What to move to the recipient, more than zero and at most the held amount (default: all of it)", "positive")),
  },
  { additionalProperties: false, description: `${bodyDescription(BODY_LIMIT_BYTES)}. May be left out (no body at all): then all of it is posted` },
);

/** Body of `POST /holds/{id}/void`, which may be left out. */
export const VoidHoldRequest = Type.Object(
  {},
  { additionalProperties: false, description: `${bodyDescription(BODY_LIMIT_BYTES)}. May be left out (no body at all); it has no fields` },
);

const HoldParams = Type.Object({ id: HoldId }, { additionalProperties: false });

/** A hold as the API returns it. */
export const HoldBody = Type.Object({
  id: HoldId,
  sender: Name,
  recipient: Type.String({ ...Name, examples: ["bob"] }),
  amount: Type.Number({ description: "What the hold reserves (or reserved), in major units", examples: [30] }),
  status: Type.Enum(["pending", "posted", "voided", "expired"], {
    type: "string",
    description: "pending until it is posted, voided or expired, once; a hold past its time reads as expired",
  }),
  posted_amount: Type.Number({ description: "What its post moved to the recipient; 0 unless posted", examples: [0] }),
  created_at: Type.String({ format: "date-time", description: "ISO-8601, UTC" }),
  expires_at: Type.String({ format: "date-time", description: "When it expires, or expired, unless posted or voided first" }),
  reference: Nullable(Type.String({ ...Reference, description: "The caller's reference given at its creation, or null" })),
});
export type HoldBody = Static<typeof HoldBody>;

// The statuses the steps of a hold add to those of every route: an unknown account or hold (404),
// a hold no longer pending (409, with the idempotency key's own 409), a body over the limit (413)
// or not JSON (415).
const STEP_STATUSES = [404, 413, 415];

/** Route schema of `POST /holds`. */
export const createHoldSchema = {
  summary: "Hold money: reserve it on the sender's account for the recipient",
  description: "The sender's `available` drops by the amount; its `balance` does not, until the hold is posted " +
    "(all or part moves to the recipient), voided, or expires. Checked as a transfer is, against what the sender " +
    "may spend. The hold's URL is in the Location header.",
  tags: ["holds"],
  body: CreateHoldRequest,
  response: {
    201: { description: "The new hold, pending", ...HoldBody },
    ...problemResponses(...STEP_STATUSES),
  },
};

/** Route schema of `POST /holds/{id}/post`. */
export const postHoldSchema = {
  summary: "Post a pending hold: move all or part of it to the recipient, release the rest",
  tags: ["holds"],
  params: HoldParams,
  body: PostHoldRequest,
  response: {
    200: { description: "The hold, posted", ...HoldBody },
    ...problemResponses(...STEP_STATUSES),
  },
};

/** Route schema of `POST /holds/{id}/void`. */
export const voidHoldSchema = {
  summary: "Void a pending hold: release all of it",
  tags: ["holds"],
  params: HoldParams,
  body: VoidHoldRequest,
  response: {
    200: { description: "The hold, voided", ...HoldBody },
    ...problemResponses(...STEP_STATUSES),
  },
};

/** Route schema of `GET /holds/{id}`. */
export const getHoldSchema = {
  summary: "Read a hold",
  tags: ["holds"],
  params: HoldParams,
  response: { 200: { description: "The hold", ...HoldBody }, ...problemResponses(404) },
};
