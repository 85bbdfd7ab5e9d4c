// GET /events: the event stream, as Server-Sent Events. Each committed transaction is one event,
// read from the bank's own event stream (and so from its journal); the route only frames and
// writes them, a socket's worth at a time, and lets a client go when it falls too far behind.

import type { ServerResponse } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Bank, EventStream, Transaction } from "../../core/index.js";
import { ledgerOf } from "../../core/internal.js";
import { EventPacer, writeDelayMs } from "../event-pacer.js";
import type { BankApp } from "../app.js";
import { EVENTS_DRAIN_TIMEOUT_MS, EVENTS_HEARTBEAT_MS, EVENTS_LAG_MAX, EVENTS_WRITE_BYTES_MAX } from "../limits.js";
import { transactionBody } from "../representations.js";
import { eventsSchema } from "../schemas/events.js";

/** Registers `GET /events` on `bank`; an idle stream sends a heartbeat every `heartbeatMs`. */
export function registerEventRoutes(app: BankApp, bank: Bank, heartbeatMs = EVENTS_HEARTBEAT_MS): void {
  const ledger = ledgerOf(bank);
  // One for all the streams of this server: together they take a bounded share of its time.
  const pacer = new EventPacer();
  app.get("/events", { schema: eventsSchema }, (request, reply) => {
    const lastEventId = request.headers["last-event-id"];
    const after = lastEventId === undefined ? request.query.after : Number(lastEventId);
    // An account's holder always reads its own account's stream, asked for or not (the guard
    // refused any other). Refused here (an unknown account, an id past the last), the usual problem.
    const account = request.credential?.kind === "holder" ? request.credential.account : request.query.account;
    const subscription = bank.events({
      ...(after !== undefined && { after }),
      ...(account !== undefined && { account }),
    });
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    response.write("retry: 2000\n\n");
    // An account's holder sees its own balance only: the counterparty's is left out (null).
    const holder = request.credential?.kind === "holder";
    const counterpartyBalance = (transaction: Transaction) => {
      if (transaction.counterparty === null || holder) return null;
      const position = transaction.id - 1;
      return ledger.journal.balanceAfterMinor(position, ledger.find(transaction.counterparty) as number) / 100;
    };
    void pump(subscription, response, counterpartyBalance, heartbeatMs, pacer);
  });
}

/** The frame of one event. */
function frame(transaction: Transaction, counterpartyBalanceAfter: number | null, account: string): string {
  const data = { ...transactionBody(transaction), account, counterparty_balance_after: counterpartyBalanceAfter };
  return `id: ${transaction.id}\nevent: transaction\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Writes the subscription's events to `response` until either ends. */
async function pump(
  subscription: EventStream, response: ServerResponse, counterpartyBalance: (t: Transaction) => number | null, heartbeatMs: number,
  pacer: EventPacer,
): Promise<void> {
  const heartbeat = setInterval(() => response.write(": heartbeat\n\n"), heartbeatMs);
  heartbeat.unref();
  response.once("close", () => {
    clearInterval(heartbeat);
    subscription.close();
  });
  let pending = "";
  // When this stream's turn began, and how long it may last (see event-pacer.ts); -1 between turns.
  let turnStart = 0;
  let turnMs = -1;
  // When this stream last wrote every event recorded: under a steady flow, the next write waits
  // for the interval (EVENTS_WRITE_INTERVAL_MS).
  let caughtUpAt = Number.NEGATIVE_INFINITY;
  for await (const transaction of subscription) {
    if (turnMs < 0) {
      const delayMs = writeDelayMs(performance.now(), caughtUpAt);
      if (delayMs > 0) await sleep(delayMs, undefined, { ref: false });
      while ((turnMs = pacer.available()) === 0) await pacer.wait(false);
      // The client may have gone while this stream waited.
      if (response.destroyed) return;
      turnStart = performance.now();
    }
    pending += frame(transaction, counterpartyBalance(transaction), transaction.accountName);
    // Events already recorded are gathered into one write, up to a socket's worth or the turn's end.
    const ended = performance.now() - turnStart >= turnMs;
    if (subscription.lag > 0 && pending.length < EVENTS_WRITE_BYTES_MAX && !ended) continue;
    const flowing = response.write(pending);
    // Caught up, it waits for the interval before its next write; behind, it goes on catching up.
    const wroteAt = performance.now();
    caughtUpAt = subscription.lag === 0 ? wroteAt : Number.NEGATIVE_INFINITY;
    pending = "";
    pacer.spend(wroteAt - turnStart);
    turnMs = -1;
    if (subscription.lag > EVENTS_LAG_MAX) {
      response.end(laggedFrame(subscription));
      subscription.close();
      return;
    }
    if (flowing) {
      // Its time used up with events still to send: the others, and the bank, go first.
      if (ended && subscription.lag > 0) await pacer.wait(true);
      continue;
    }
    const outcome = await drained(response, subscription);
    if (outcome === "drained") continue;
    if (outcome === "lagged") response.end(laggedFrame(subscription));
    else response.destroy();
    subscription.close();
    return;
  }
}

function laggedFrame(subscription: EventStream): string {
  return `event: lagged\ndata: ${JSON.stringify({ resume_after: subscription.lastId })}\n\n`;
}

// While a client's socket is full, how often its lag is looked at.
const LAG_CHECK_MS = 50;

/**
 * Waits for the response's socket to drain: "drained", or "lagged" if the client falls too far
 * behind meanwhile, or "gone" if it closes or stays full past the timeout.
 */
function drained(response: ServerResponse, subscription: EventStream): Promise<"drained" | "lagged" | "gone"> {
  return new Promise((resolve) => {
    const done = (result: "drained" | "lagged" | "gone") => {
      clearTimeout(timer);
      clearInterval(lagCheck);
      response.off("drain", onDrain);
      response.off("close", onClose);
      resolve(result);
    };
    const onDrain = () => done("drained");
    const onClose = () => done("gone");
    const timer = setTimeout(() => done("gone"), EVENTS_DRAIN_TIMEOUT_MS);
    const lagCheck = setInterval(() => {
      if (subscription.lag > EVENTS_LAG_MAX) done("lagged");
    }, LAG_CHECK_MS);
    response.on("drain", onDrain);
    response.on("close", onClose);
  });
}
