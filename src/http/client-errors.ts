// Answers the errors Node's HTTP server raises on a connection before there is a request (a parse
// error, headers too large, a request too slow): with a problem, written on the socket itself,
// like every other error. Fastify's own answer is {"error","message","statusCode"}.

import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { ConnectionError, FastifyInstance } from "fastify";
import { clientErrorProblem } from "./errors.js";
import { PROBLEM_CONTENT_TYPE, type Problem } from "./schemas/common.js";

/**
 * How long a connection stays open after its problem was sent, reading and dropping what the
 * client still sends. Closing at once, with unread bytes, would reset the connection, and the
 * client could lose the answer before reading it.
 */
const LINGER_MS = 2000;

// Node attaches the response being written to its socket; it is not in Node's types.
type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

const answered = new WeakSet<Socket>();

/**
 * Fastify's `clientErrorHandler`: answers the connection's error with a problem and closes the
 * connection. The parser stops at the error, so the connection can serve nothing after it.
 */
export function answerClientError(this: FastifyInstance, error: ConnectionError, socket: Socket): void {
  // A reset connection has no one to answer; a connection already answered may raise more errors
  // for bytes that arrive after the first one.
  if (error.code === "ECONNRESET" || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  this.log.debug({ err: error }, "client error");
  const problem = clientErrorProblem(error);
  const inFlight = (socket as HttpSocket)._httpMessage;
  // A response being written for an earlier request, read whole, comes first. When the error is
  // in the body of the request being answered, that request will never end: it is answered now.
  if (inFlight !== null && inFlight !== undefined && (inFlight.headersSent || inFlight.req.complete)) {
    inFlight.once("finish", () => sendAndClose(socket, problem));
    return;
  }
  sendAndClose(socket, problem);
}

function sendAndClose(socket: Socket, problem: Problem): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] as string}\r\n` +
      `content-type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      "connection: close\r\n\r\n" +
      body,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
