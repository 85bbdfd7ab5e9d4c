// Schemas of batch transfers: up to BATCH_SIZE_MAX transfers in one request, atomic or not.

import { Type, type Static } from "typebox";
import { BATCH_SIZE_MAX } from "../../core/index.js";
import { BATCH_BODY_LIMIT_BYTES } from "../limits.js";
import { bodyDescription, Nullable, problemResponses } from "./common.js";
import { TransferRequest } from "./transfers.js";

/** Body of `POST /transfers/batch`. */
export const BatchRequest = Type.Object(
  {
    transfers: Type.Array(TransferRequest, {
      minItems: 1,
      maxItems: BATCH_SIZE_MAX,
      description: `1 to ${BATCH_SIZE_MAX} transfers, applied in this order`,
    }),
    atomic: Type.Optional(Type.Boolean({
      default: true,
      description:
        "true (the default): all or nothing, each transfer seeing the balances the earlier ones leave. " +
        "false: each transfer applied or refused on its own",
    })),
  },
  { additionalProperties: false, description: bodyDescription(BATCH_BODY_LIMIT_BYTES) },
);
export type BatchRequest = Static<typeof BatchRequest>;

/** What became of one transfer of an independent batch. */
const BatchItem = Type.Object({
  index: Type.Integer({ minimum: 0, description: "Position in the request's `transfers`" }),
  status: Type.Enum(["applied", "refused"], { type: "string" }),
  transaction_id: Nullable(Type.Integer({ minimum: 1, description: "The transfer's transaction, when applied" })),
  code: Nullable(Type.String({ description: "Why it was refused (a problem code), when refused" })),
  detail: Nullable(Type.String({ examples: ["Cannot withdraw 50.00; balance is only 20.00"] })),
});
export type BatchItem = Static<typeof BatchItem>;

const BatchResult = Type.Object({
  atomic: Type.Boolean(),
  applied: Type.Integer({ minimum: 0 }),
  refused: Type.Integer({ minimum: 0 }),
  first_transaction_id: Nullable(
    Type.Integer({ description: "Id of the first applied transfer; the applied ones have consecutive ids in batch order" }),
  ),
  last_transaction_id: Nullable(Type.Integer({ description: "Id of the last applied transfer" })),
  results: Type.Optional(
    Type.Array(BatchItem, { description: "Independent batches only: one result per transfer, in order" }),
  ),
});
export type BatchResult = Static<typeof BatchResult>;

/** Route schema of `POST /transfers/batch`. */
export const batchSchema = {
  summary: "Many transfers in one request, all or nothing or each on its own",
  tags: ["transfers"],
  body: BatchRequest,
  response: {
    200: { description: "How many were applied, their ids, and (independent batches) each result", ...BatchResult },
    ...problemResponses(413, 415),
  },
};
