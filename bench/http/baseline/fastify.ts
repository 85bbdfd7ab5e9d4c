// The minimal Fastify baseline of POST /transfers: one route with a body schema and a response
// schema like the bank's, and nothing else (no logger, hooks or plugins). Between the bare
// baseline and ours, it tells how much of the gap is Fastify's. Run as `node fastify.js HOST PORT`.

import Fastify from "fastify";
import { transferAnswer } from "./answer.js";

// The bank's limit on the length of a name.
const NAME_LENGTH_MAX = 64;
const name = { type: "string", minLength: 1, maxLength: NAME_LENGTH_MAX };
const account = { type: "object", properties: { name, balance: { type: "number" } } };

const TRANSFER_REQUEST = {
  type: "object",
  required: ["sender", "recipient", "amount"],
  additionalProperties: false,
  properties: {
    sender: name,
    recipient: name,
    amount: { anyOf: [{ type: "number" }, { type: "string", maxLength: 32 }] },
  },
};

const TRANSFER_ANSWER = {
  type: "object",
  properties: {
    sender: account,
    recipient: account,
    transaction: {
      type: "object",
      properties: {
        id: { type: "integer" },
        type: { type: "string", enum: ["account_opened", "deposit", "withdrawal", "transfer_out", "transfer_in"] },
        amount: { type: "number" },
        balance_after: { type: "number" },
        counterparty: { type: "string", nullable: true },
        timestamp: { type: "string", format: "date-time" },
        description: { type: "string" },
      },
    },
    message: { type: "string" },
  },
};

const [host, port] = process.argv.slice(2);
let transfers = 0;
const app = Fastify();
app.get("/health", async () => ({ status: "ok" }));
app.post(
  "/transfers",
  { schema: { body: TRANSFER_REQUEST, response: { 200: TRANSFER_ANSWER } } },
  async (request) => transferAnswer(request.body, ++transfers),
);
await app.listen({ host, port: Number(port) });
process.once("SIGTERM", () => process.exit(0));
