// Schemas of batches: up to BATCH_SIZE_MAX items in one request, atomic or not. An item is a
// transfer (the default), or a hold's step: a new hold, a post or a void.

import { Type, type Static, type TSchema } from "typebox";
import { BATCH_SIZE_MAX } from "../../core/index.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { AmountInput, bodyDescription, HoldId, Nullable, problemResponses } from "./common.js";
import { HOLD_FIELDS, TimeoutSeconds } from "./holds.js";
import { TransferRequest } from "./transfers.js";

/** The item kinds, as their `type` names them. */
export const BATCH_ITEM_TYPES = ["transfer", "hold", "post", "void"] as const;

/** `type` naming one kind of item. */
function TypeOf<T extends (typeof BATCH_ITEM_TYPES)[number]>(type: T, description: string) {
  return Type.Unsafe<T>({ type: "string", enum: [type], description });
}

/**
 * The check an item of the union opens with: that its `type` names this kind (or, for a transfer,
 * that it names none). Checked before the item's other keywords, so that an item of another kind
 * fails here and nowhere else, and the validation errors' formatter (validation.ts) can tell the
 * item's own kind's errors from the others': it drops these, and reports the rest.
 */
function tagged(type: (typeof BATCH_ITEM_TYPES)[number], required: boolean) {
  return { allOf: [{ ...(required && { required: ["type"] }), properties: { type: { enum: [type] } } }] };
}

/** A transfer of a batch: the body of `POST /transfers`, and `type`, which may be left out. */
const TransferItem = Type.Object(
  { type: Type.Optional(TypeOf("transfer", "The default: a transfer, as `POST /transfers` makes one")), ...TransferRequest.properties },
  { additionalProperties: false, ...tagged("transfer", false), title: "Transfer" },
);

const HoldItem = Type.Object(
  {
    type: TypeOf("hold", "A new hold, as `POST /holds` makes one"),
    ...HOLD_FIELDS,
    // No `default` here: validators apply none inside a union; the core takes the same default.
    timeout_seconds: Type.Optional(TimeoutSeconds),
  },
  { additionalProperties: false, ...tagged("hold", true), title: "Hold" },
);

const PostItem = Type.Object(
  {
    type: TypeOf("post", "A post of a pending hold, as `POST /holds/{id}/post` makes one"),
    hold_id: HoldId,
    amount: Type.Optional(AmountInput("What to move to the recipient, at most the held amount (default: all of it)", "positive")),
  },
  { additionalProperties: false, ...tagged("post", true), title: "Post" },
);

const VoidItem = Type.Object(
  { type: TypeOf("void", "A void of a pending hold, as `POST /holds/{id}/void` makes one"), hold_id: HoldId },
  { additionalProperties: false, ...tagged("void", true), title: "Void" },
);

/** One item of a batch, by its `type`. */
export const BatchItemRequest = Type.Union([TransferItem, HoldItem, PostItem, VoidItem] as TSchema[], {
  description: "A transfer (no `type`, or \"transfer\"), or a hold's step: \"hold\", \"post\" or \"void\"",
});
export type BatchItemRequest =
  | Static<typeof TransferItem>
  | Static<typeof HoldItem>
  | Static<typeof PostItem>
  | Static<typeof VoidItem>;

/** Body of `POST /transfers/batch`. */
export const BatchRequest = Type.Object(
  {
    transfers: Type.Array(BatchItemRequest, {
      minItems: 1,
      maxItems: BATCH_SIZE_MAX,
      description: `1 to ${BATCH_SIZE_MAX} items, applied in this order: transfers, and the steps of holds`,
    }),
    atomic: Type.Optional(Type.Boolean({
      default: true,
      description:
        "true (the default): all or nothing, each item seeing the balances and holds the earlier ones leave. " +
        "false: each item applied or refused on its own",
    })),
  },
  { additionalProperties: false, description: bodyDescription(BATCH_BODY_LIMIT_BYTES) },
);
export type BatchRequest = { transfers: BatchItemRequest[]; atomic?: boolean };

/**
 * What became of one item of an independent batch, compactly: an applied one carries its
 * transaction's id, a refused one its code and detail, and neither repeats the other's fields.
 */
const BatchItem = Type.Object({
  index: Type.Integer({ minimum: 0, description: "Position in the request's `transfers`" }),
  status: Type.Enum(["applied", "refused"], { type: "string" }),
  transaction_id: Type.Optional(Type.Integer({ minimum: 1, description: "The transfer's transaction: applied ones only" })),
  code: Type.Optional(Type.String({ description: "Why it was refused (a problem code): refused ones only" })),
  detail: Type.Optional(Type.String({ description: "Refused ones only", examples: ["Cannot withdraw 50.00; balance is only 20.00"] })),
  hold_id: Type.Optional(Type.Integer({
    ...HoldId,
    description: "Only for a hold's steps: the hold posted or voided, or the new hold (absent when its creation was refused)",
  })),
});
export type BatchItem = Static<typeof BatchItem>;

const BatchResult = Type.Object({
  atomic: Type.Boolean(),
  applied: Type.Integer({ minimum: 0 }),
  refused: Type.Integer({ minimum: 0 }),
  first_transaction_id: Nullable(
    Type.Integer({ description: "Id of the first applied item; the applied ones have consecutive ids in batch order" }),
  ),
  last_transaction_id: Nullable(Type.Integer({ description: "Id of the last applied item" })),
  first_hold_id: Type.Optional(Nullable(Type.Integer({
    description: "Only when the batch has items of type hold: the id of the first hold it made; the holds it made " +
      "have consecutive ids in batch order (null when it made none)",
  }))),
  last_hold_id: Type.Optional(Nullable(Type.Integer({ description: "Only with first_hold_id: the id of the last hold it made" }))),
  results: Type.Optional(
    Type.Array(BatchItem, { description: "Independent batches only: one result per item, in order" }),
  ),
});
export type BatchResult = Static<typeof BatchResult>;

/** Route schema of `POST /transfers/batch`. */
export const batchSchema = {
  summary: "Many transfers and hold steps in one request, all or nothing or each on its own",
  tags: ["transfers"],
  body: BatchRequest,
  response: {
    200: { description: "How many were applied, their ids, and (independent batches) each result", ...BatchResult },
    ...problemResponses(413, 415),
  },
};
