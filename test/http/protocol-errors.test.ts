// Requests refused before any route sees them, over real sockets: errors of Node's HTTP parser
// (headers too large, a broken request line, a bad Content-Length, raw bytes outside ASCII, a lower
// case method), a missing Host, more headers than HEADER_COUNT_MAX. Each is answered with a
// problem like every other error, never with Node's or Fastify's own bodies, and changes nothing.

import { connect, type AddressInfo, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Bank } from "../../src/index.js";
import { buildApp, type BankApp } from "../../src/http/app.js";
import { HEADER_COUNT_MAX, HEADERS_BYTES_MAX } from "../../src/http/limits.js";
import { expectProblem, FIXED_TIME_MS, parseRawResponses, rawExchange, snapshot, type JsonResponse } from "./helpers.js";

const opened: BankApp[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(opened.splice(0).map((app) => app.close()));
});

/** A listening app on 127.0.0.1 serving a bank with alice (100) and bob (0). */
async function listening(): Promise<{ app: BankApp; bank: Bank; port: number }> {
  const bank = new Bank({ clock: () => FIXED_TIME_MS });
  bank.createAccount("alice", 100);
  bank.createAccount("bob", 0);
  const app = buildApp({ bank });
  opened.push(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, bank, port: (app.server.address() as AddressInfo).port };
}

async function onlyResponse(port: number, data: string | Buffer): Promise<JsonResponse> {
  const responses = await rawExchange(port, data);
  expect(responses).toHaveLength(1);
  return responses[0] as JsonResponse;
}

const HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n";

describe("errors of Node's HTTP parser", () => {
  it.each<[string, string | Buffer, number, string, string]>([
    ["headers over HEADERS_BYTES_MAX", `${HEALTH}X-Big: ${"a".repeat(HEADERS_BYTES_MAX)}\r\n\r\n`, 431, "HEADERS_TOO_LARGE",
      `The request line and headers are over ${HEADERS_BYTES_MAX} bytes`],
    ["a broken request line", "GARBAGE\r\n\r\n", 400, "BAD_REQUEST", "The method is not an HTTP method (methods are upper case)"],
    ["a lower case method", "get /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400, "BAD_REQUEST",
      "The method is not an HTTP method (methods are upper case)"],
    ["an unknown HTTP version", "GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n", 400, "BAD_REQUEST", "The HTTP version is not 1.0 or 1.1"],
    ["Content-Length 1e20",
      "POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1e20\r\n\r\n{}", 400,
      "BAD_REQUEST", "Content-Length is not a length in decimal digits"],
    ["raw bytes outside ASCII in the path",
      Buffer.concat([Buffer.from("GET /accounts/"), Buffer.from([0xc3, 0xa9]), Buffer.from(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")]), 400,
      "BAD_REQUEST", "The request target is not a valid URL (bytes outside printable ASCII must be percent-encoded)"],
    ["a malformed header", `${HEALTH}Bad Header: 1\r\n\r\n`, 400, "BAD_REQUEST", "A header field is malformed"],
    ["a malformed chunk",
      "POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
      "BAD_REQUEST", "The chunked body is malformed"],
    ["Content-Length twice",
      "POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400,
      "BAD_REQUEST", "Content-Length is sent more than once"],
    ["Content-Length and Transfer-Encoding both",
      "POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}", 400,
      "BAD_REQUEST", "Transfer-Encoding is invalid, or sent with Content-Length"],
  ])("when the request has %s, answers a problem and closes", async (_what, data, status, code, detail) => {
    const { bank, port } = await listening();
    const before = snapshot(bank);
    const response = await onlyResponse(port, data);
    expect(expectProblem(response, status, code)).toBe(detail);
    expect(response.headers.connection).toBe("close");
    expect(snapshot(bank)).toEqual(before);
  });

  it("when an HTTP/1.1 request has no Host header, answers 400 BAD_REQUEST as a problem", async () => {
    const { port } = await listening();
    const response = await onlyResponse(port, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
    expect(expectProblem(response, 400, "BAD_REQUEST")).toBe("An HTTP/1.1 request must have a Host header");
  });

  it("when an HTTP/1.0 request has no Host header, it is served", async () => {
    const { port } = await listening();
    const response = await onlyResponse(port, "GET /health HTTP/1.0\r\n\r\n");
    expect(response.status, response.text).toBe(200);
  });

  it("when a broken request follows one still being answered, the first gets its answer, then the problem", async () => {
    const { bank, port } = await listening();
    const body = '{"sender":"alice","recipient":"bob","amount":1}';
    const transfer = `POST /transfers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const [first, second, ...more] = await rawExchange(port, `${transfer}get /health HTTP/1.1\r\n\r\n`);
    expect(first?.status, first?.text).toBe(200);
    expectProblem(second as JsonResponse, 400, "BAD_REQUEST");
    expect(more).toEqual([]);
    expect(bank.getAccount("bob").balance).toBe(1);
  });
});

describe("more headers than HEADER_COUNT_MAX", () => {
  const headers = (count: number) => Array.from({ length: count }, (_, index) => `x-${index}: 1\r\n`).join("");

  it("when a request has exactly HEADER_COUNT_MAX headers, it is served", async () => {
    const { port } = await listening();
    // Host and Connection are two of them.
    const response = await onlyResponse(port, `${HEALTH}${headers(HEADER_COUNT_MAX - 2)}Connection: close\r\n\r\n`);
    expect(response.status, response.text).toBe(200);
  });

  it("when a request has one header more, answers 431 TOO_MANY_HEADERS", async () => {
    const { port } = await listening();
    const response = await onlyResponse(port, `${HEALTH}${headers(HEADER_COUNT_MAX - 1)}Connection: close\r\n\r\n`);
    expect(expectProblem(response, 431, "TOO_MANY_HEADERS")).toBe(`A request may have at most ${HEADER_COUNT_MAX} header fields`);
  });

  it("when an Idempotency-Key comes after Node's own limit of 2,000 headers, the deposit is refused, not applied without its key", async () => {
    const { bank, port } = await listening();
    const before = snapshot(bank);
    const body = '{"amount":5}';
    const request =
      `POST /accounts/alice/deposits HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n` +
      `${"a:1\r\n".repeat(2100)}Idempotency-Key: many-1\r\nConnection: close\r\n\r\n${body}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      expectProblem(await onlyResponse(port, request), 431, "TOO_MANY_HEADERS");
    }
    expect(snapshot(bank)).toEqual(before);
  });
});

describe("the connection of a client error", () => {
  /** A listening app and, once the client has connected, the server's side of its connection. */
  async function connected(options: { allowHalfOpen?: boolean } = {}): Promise<{ app: BankApp; client: Socket; server: Socket; received: () => string }> {
    const { app, port } = await listening();
    const serverSide = new Promise<Socket>((resolve) => app.server.once("connection", resolve));
    const client = connect({ port, host: "127.0.0.1", ...options });
    sockets.push(client);
    let text = "";
    client.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    return { app, client, server: await serverSide, received: () => text };
  }

  const closed = (socket: Socket) => new Promise((resolve) => socket.once("close", resolve));

  it("when bytes keep arriving after the problem was sent, the connection is answered once", async () => {
    const { port } = await listening();
    const socket = connect(port, "127.0.0.1");
    sockets.push(socket);
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => socket.once("end", resolve));
    socket.write("GARBAGE\r\n\r\n");
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write("MORE GARBAGE\r\n\r\n");
    await ended;
    const responses = parseRawResponses(Buffer.concat(chunks).toString("utf8"));
    expect(responses.map((response) => response.status)).toEqual([400]);
  });

  it("when the client keeps its side of the connection open after the answer, the server closes it soon after", async () => {
    const { client, server, received } = await connected({ allowHalfOpen: true });
    client.write("GARBAGE\r\n\r\n");
    const started = Date.now();
    await closed(server);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(parseRawResponses(received()).map((response) => response.status)).toEqual([400]);
  });

  it("when a request is too slow to arrive, answers 408 REQUEST_TIMEOUT", async () => {
    const { app, client, server, received } = await connected();
    client.write("GET /health HTTP/1.1\r\n");
    const timeout = Object.assign(new Error("Request timeout"), { code: "ERR_HTTP_REQUEST_TIMEOUT" });
    app.server.emit("clientError", timeout, server);
    await new Promise((resolve) => client.once("end", resolve));
    const [response] = parseRawResponses(received());
    expect(expectProblem(response as JsonResponse, 408, "REQUEST_TIMEOUT")).toBe("The request did not arrive in time");
  });

  it("when the connection was reset, writes nothing", async () => {
    const { app, client, server, received } = await connected();
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" });
    app.server.emit("clientError", reset, server);
    client.write(`${HEALTH}Connection: close\r\n\r\n`);
    await new Promise((resolve) => client.once("end", resolve));
    expect(parseRawResponses(received()).map((response) => response.status)).toEqual([200]);
  });

  it("when the connection can no longer be written to, closes it without an answer", async () => {
    const { app, client, server, received } = await connected();
    server.end();
    app.server.emit("clientError", Object.assign(new Error("bad"), { code: "HPE_INVALID_METHOD" }), server);
    await closed(client);
    expect(received()).toBe("");
  });

  it("when the error has no code, answers 400 BAD_REQUEST in general terms", async () => {
    const { app, client, server, received } = await connected();
    app.server.emit("clientError", new Error("odd"), server);
    await new Promise((resolve) => client.once("end", resolve));
    const [response] = parseRawResponses(received());
    expect(expectProblem(response as JsonResponse, 400, "BAD_REQUEST")).toBe("The request is not valid HTTP/1.1");
  });
});
