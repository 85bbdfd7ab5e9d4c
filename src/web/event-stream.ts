// The event stream as the dashboard reads it: GET /events over fetch with a streaming body (so
// that an Authorization header goes with it), parsed by SseParser, reconnected after a drop and
// resumed after the last id seen; a client let go for falling behind resumes where it was told.

import { SseParser } from "./sse.js";
import type { StreamTransaction } from "./types.js";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "stopped";

export interface EventStreamOptions {
  /** `/events`, or `/events?account=NAME`. */
  readonly path: string;
  /** Resume after this event id; without it, from the moment of connecting. */
  readonly after?: number;
  /** Headers for every connection (the credential). */
  readonly headers: () => Record<string, string>;
  /** Called with each chunk's transactions, in order. */
  readonly onTransactions: (transactions: StreamTransaction[]) => void;
  readonly onStatus?: (status: StreamStatus) => void;
  /** The server answered 401: the stream stops until started again. */
  readonly onUnauthorized?: () => void;
  /** The server no longer has the id to resume after (a restarted in-memory bank): start afresh. */
  readonly onReset?: () => void;
  /** For tests: the fetch and the wait between attempts. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** First wait before a reconnection, until the server says otherwise with `retry:`. */
const RETRY_MS_DEFAULT = 2000;
/** Longest wait between attempts, however many failed. */
const RETRY_MS_MAX = 30_000;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A resumable subscription to GET /events. */
export class EventStreamClient {
  /** The id of the last event received: a reconnection resumes after it. */
  lastId: number | undefined;
  private controller: AbortController | null = null;
  private retryMs = RETRY_MS_DEFAULT;
  private failures = 0;
  private running = false;

  constructor(private readonly options: EventStreamOptions) {
    this.lastId = options.after;
  }

  /** Connects, and keeps connecting until stopped. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  stop(): void {
    this.running = false;
    this.controller?.abort();
    this.controller = null;
    this.options.onStatus?.("stopped");
  }

  private async run(): Promise<void> {
    const fetcher = this.options.fetch ?? fetch.bind(globalThis);
    const sleep = this.options.sleep ?? defaultSleep;
    while (this.running) {
      this.options.onStatus?.(this.failures === 0 ? "connecting" : "reconnecting");
      const controller = new AbortController();
      this.controller = controller;
      let wait = 0;
      try {
        wait = await this.connect(fetcher, controller.signal);
      } catch {
        // A dropped connection or a refused one: try again after a while.
        wait = this.nextWait();
      }
      if (!this.running) return;
      this.options.onStatus?.("reconnecting");
      if (wait > 0) await sleep(wait);
    }
  }

  /** One connection, read to its end; returns how long to wait before the next. */
  private async connect(fetcher: typeof fetch, signal: AbortSignal): Promise<number> {
    const response = await fetcher(this.url(), {
      headers: { accept: "text/event-stream", ...this.options.headers() },
      signal,
    });
    if (response.status === 401) {
      this.running = false;
      this.options.onStatus?.("stopped");
      this.options.onUnauthorized?.();
      return 0;
    }
    if (response.status === 400 && this.lastId !== undefined) {
      // The id is past the server's last event: it was restarted with less history.
      this.lastId = undefined;
      this.options.onReset?.();
      return 0;
    }
    if (!response.ok || response.body === null) {
      if (response.status === 403 || response.status === 404) {
        this.running = false;
        this.options.onStatus?.("stopped");
        return 0;
      }
      return this.nextWait();
    }
    this.failures = 0;
    this.options.onStatus?.("live");
    const parser = new SseParser();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const lagged = this.read(parser, value);
      if (lagged) {
        await reader.cancel();
        return 0;
      }
    }
    return this.nextWait();
  }

  /** Handles a chunk; true if the server let this client go (the stream ends, resume at once). */
  private read(parser: SseParser, chunk: string): boolean {
    const transactions: StreamTransaction[] = [];
    let lagged = false;
    for (const message of parser.push(chunk)) {
      if (message.event === "transaction") {
        const transaction = JSON.parse(message.data) as StreamTransaction;
        this.lastId = transaction.id;
        transactions.push(transaction);
      } else if (message.event === "lagged") {
        this.lastId = (JSON.parse(message.data) as { resume_after: number }).resume_after;
        lagged = true;
      }
    }
    if (parser.retryMs !== null) this.retryMs = parser.retryMs;
    if (transactions.length > 0) this.options.onTransactions(transactions);
    return lagged;
  }

  private nextWait(): number {
    this.failures++;
    return Math.min(this.retryMs * 2 ** (this.failures - 1), RETRY_MS_MAX);
  }

  private url(): string {
    if (this.lastId === undefined) return this.options.path;
    const separator = this.options.path.includes("?") ? "&" : "?";
    return `${this.options.path}${separator}after=${this.lastId}`;
  }
}
