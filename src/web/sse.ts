// A reader of Server-Sent Events, as the HTML standard parses them: text in, messages out, fed in
// chunks that may split a line anywhere. The dashboard reads /events with fetch (so that it can
// send an Authorization header, which EventSource cannot) and parses the body with this.

/** One dispatched message. */
export interface SseMessage {
  /** The last event id seen so far (the `id:` of this message or of one before it), "" if none. */
  readonly id: string;
  /** `event:`, "message" when absent. */
  readonly event: string;
  /** The `data:` lines, joined with "\n". */
  readonly data: string;
}

/** Parses a stream of text into messages; `retryMs` is the last `retry:` the server asked for. */
export class SseParser {
  retryMs: number | null = null;
  private buffer = "";
  private started = false;
  /** The previous chunk ended with CR: a LF opening the next one ends nothing. */
  private skipLineFeed = false;
  private data: string[] = [];
  private event = "";
  private lastId = "";

  /** Reads `chunk` and returns the messages it completes. */
  push(chunk: string): SseMessage[] {
    let text = this.buffer + chunk;
    this.buffer = "";
    if (this.skipLineFeed && text.startsWith("\n")) text = text.slice(1);
    this.skipLineFeed = false;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.startsWith("\uFEFF")) text = text.slice(1);
    }
    const messages: SseMessage[] = [];
    let position = 0;
    // Where the next CR is (-1: none left). Looked up again only once passed, so a long chunk
    // without any CR is scanned once.
    let carriageReturn = text.indexOf("\r");
    for (;;) {
      if (carriageReturn !== -1 && carriageReturn < position) carriageReturn = text.indexOf("\r", position);
      const lineFeed = text.indexOf("\n", position);
      const end = carriageReturn === -1 ? lineFeed : lineFeed === -1 ? carriageReturn : Math.min(carriageReturn, lineFeed);
      if (end === -1) break;
      this.line(text.slice(position, end), messages);
      position = end + 1;
      if (end === carriageReturn) {
        if (position === text.length) this.skipLineFeed = true;
        else if (text[position] === "\n") position++;
      }
    }
    this.buffer = text.slice(position);
    return messages;
  }

  private line(line: string, messages: SseMessage[]): void {
    if (line === "") {
      if (this.data.length > 0) messages.push({ id: this.lastId, event: this.event || "message", data: this.data.join("\n") });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
  }
}
