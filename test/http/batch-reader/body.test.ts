// The batch route's own JSON body reader: the same answers as Fastify's reader for every way a body
// can be wrong, over a real socket where lengths and chunking are the client's, and the same
// bodies accepted, ASCII or not.

import type { IncomingMessage } from "node:http";
import { connect } from "node:net";
import { PassThrough } from "node:stream";
import type { FastifyRequest } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Bank } from "../../../src/index.js";
import { buildApp, type BankApp } from "../../../src/http/app.js";
import { reusedBufferJsonParser } from "../../../src/http/batch-reader/body.js";
import { BATCH_BODY_LIMIT_BYTES } from "../../../src/http/limits.js";
import { appWith, expectProblem, request } from "../helpers.js";

describe("batch body reader", () => {
  it("when names are not ASCII, decodes the body as UTF-8", async () => {
    const { app, bank } = appWith({ "Zoë": 10, "山田": 0 });
    const response = await request(app, "POST", "/transfers/batch", {
      transfers: [{ sender: "Zoë", recipient: "山田", amount: 2.5 }],
    });
    expect(response.status, response.text).toBe(200);
    expect(bank.getAccount("山田").balance).toBe(2.5);
  });

  it("when the body is empty, answers 400 MALFORMED_JSON", async () => {
    const { app } = appWith();
    expectProblem(await request(app, "POST", "/transfers/batch", ""), 400, "MALFORMED_JSON");
  });

  it("when a key would reach the prototype, refuses it as an unknown field", async () => {
    const { app, bank } = appWith({ a: 10, b: 0 });
    const body = '{"transfers": [{"sender": "a", "recipient": "b", "amount": 1, "__proto__": {"x": 1}}]}';
    const detail = expectProblem(await request(app, "POST", "/transfers/batch", body), 400, "INVALID_REQUEST");
    expect(detail).toContain("__proto__");
    expect(bank.getAccount("b").balance).toBe(0);
  });
});

describe("batch body reader, on its own", () => {
  it("when the body stream fails, reports a 400 error and stops listening", async () => {
    const parse = reusedBufferJsonParser(1024, () => null);
    const payload = new PassThrough();
    const failed = new Promise<Error & { statusCode?: number }>((resolve) => {
      parse({ headers: {} } as FastifyRequest, payload as unknown as IncomingMessage, (error) => resolve(error as Error));
    });
    payload.write("{");
    payload.emit("error", new Error("aborted"));
    const error = await failed;
    expect(error.message).toBe("aborted");
    expect(error.statusCode).toBe(400);
    expect(payload.listenerCount("data")).toBe(0);
  });

  it("when bodies of different sizes follow each other, each is read on its own", async () => {
    const parse = reusedBufferJsonParser(1024, () => null);
    const read = (text: string) =>
      new Promise((resolve) => {
        const payload = new PassThrough();
        parse({ headers: {} } as FastifyRequest, payload as unknown as IncomingMessage, (_error, body) => resolve(body));
        payload.end(text);
      });
    expect(await read('{"long": "' + "y".repeat(300) + '"}')).toEqual({ long: "y".repeat(300) });
    expect(await read('{"a": 1}')).toEqual({ a: 1 });
  });
});

describe("batch body reader, over a socket", () => {
  let app: BankApp;
  let bank: Bank;
  let port: number;

  beforeAll(async () => {
    bank = new Bank();
    bank.createAccount("a", 100);
    bank.createAccount("b", 0);
    app = buildApp({ bank });
    await app.listen({ host: "127.0.0.1", port: 0 });
    port = (app.server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await app.close();
  });

  /** Sends raw bytes, returns the status line's code and the body of the answer. */
  function raw(head: string, ...bodyParts: string[]): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1");
      let answer = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        answer += chunk;
        const end = answer.indexOf("\r\n\r\n");
        const length = /content-length: (\d+)/i.exec(answer);
        if (end >= 0 && length !== null && answer.length >= end + 4 + Number(length[1])) {
          socket.destroy();
          resolve({ status: Number(answer.slice(9, 12)), body: answer.slice(end + 4) });
        }
      });
      socket.on("error", reject);
      socket.write(head);
      for (const part of bodyParts) socket.write(part);
    });
  }

  const headers = "POST /transfers/batch HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n";

  it("when the declared length is over the limit, answers 413 before reading the body", async () => {
    const answer = await raw(`${headers}content-length: ${BATCH_BODY_LIMIT_BYTES + 1}\r\n\r\n`);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ code: "BODY_TOO_LARGE" });
  });

  it("when a chunked body grows past the limit, answers 413 and applies nothing", async () => {
    const chunk = "x".repeat(1024 * 1024);
    const chunks = Array.from({ length: 17 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    const answer = await raw(`${headers}transfer-encoding: chunked\r\n\r\n`, ...chunks);
    expect(answer.status).toBe(413);
    expect(bank.getAccount("b").balance).toBe(0);
  });

  it("when the body is shorter than its declared length and the client gives up, nothing is applied", async () => {
    const body = '{"transfers": [{"sender": "a", "recipient": "b", "amount": 1}]}';
    const socket = connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.on("connect", resolve));
    socket.write(`${headers}content-length: ${body.length + 10}\r\n\r\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bank.getAccount("b").balance).toBe(0);
  });

  it("when a chunked body arrives in pieces, reads it whole and applies it", async () => {
    const body = '{"transfers": [{"sender": "a", "recipient": "b", "amount": 1}]}';
    const [first, second] = [body.slice(0, 20), body.slice(20)];
    const chunks = [first, second].map((part) => `${part.length.toString(16)}\r\n${part}\r\n`);
    const answer = await raw(`${headers}transfer-encoding: chunked\r\n\r\n`, ...chunks, "0\r\n\r\n");
    expect(answer.status, answer.body).toBe(200);
    expect(bank.getAccount("b").balance).toBe(1);
  });
});
