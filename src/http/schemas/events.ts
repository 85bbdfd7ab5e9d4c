// Schema of the event stream: Server-Sent Events, one per committed transaction.

import { Type } from "typebox";
import { Name, problemResponses } from "./common.js";

const EventsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: Number.MAX_SAFE_INTEGER,
        description: "Start after the event with this id (a transaction id; 0 for the whole history). The Last-Event-ID header, sent by a reconnecting EventSource, wins. Without either, from now on",
      }),
    ),
    account: Type.Optional(Type.String({ ...Name, description: "Only this account's events, as it sees them" })),
  },
  { additionalProperties: false },
);

const EventsHeaders = Type.Object({
  "last-event-id": Type.Optional(Type.String({ pattern: "^(0|[1-9][0-9]{0,15})$", description: "Resume after this event id" })),
});

/** Route schema of `GET /events`. */
export const eventsSchema = {
  summary: "Every committed transaction, live, as Server-Sent Events",
  description: [
    "A `text/event-stream`. Each transaction is one event: `id:` its id (resume after it with",
    "Last-Event-ID or `?after=`), `event: transaction`, and `data:` one JSON object in the shape of a",
    "history entry, with `account` (the account it is seen from: the sender of a transfer, or the",
    "`account` asked for) and `counterparty_balance_after` (null on an account holder's stream). A comment (`: heartbeat`) is sent when",
    "idle. A client that falls too far behind gets `event: lagged` with `data: {\"resume_after\": id}`",
    "and the stream ends; reconnect with that id.",
  ].join(" "),
  tags: ["events"],
  querystring: EventsQuery,
  headers: EventsHeaders,
  response: {
    200: {
      description: "The stream of events",
      content: { "text/event-stream": { schema: { type: "string", examples: ['id: 3\nevent: transaction\ndata: {"id":3,"type":"transfer_out","account":"alice",...}\n\n'] } } },
    },
    ...problemResponses(400, 404),
  },
};
