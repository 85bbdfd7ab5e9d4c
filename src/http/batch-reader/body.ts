// The JSON body reader of the batch route. A full batch is half a megabyte; Fastify's reader
// copies it into a new Buffer and decodes it into a new string, and on the virtual machines we
// measure, touching that much fresh memory costs more than parsing it. This reader copies the body
// into one buffer kept from request to request, and decodes an ASCII body (the usual case) as
// Latin-1, which is the same text and a cheaper conversion. A fast reader may go first: what it
// accepts becomes the body as it is; what it declines is read by the strict JSON reader.

import type { IncomingMessage } from "node:http";
import { errorCodes, type FastifyRequest } from "fastify";
import { readJsonBody } from "../json-body.js";

type Done = (error: Error | null, body?: unknown) => void;

/**
 * A content type parser for `application/json` with the same errors as the app's own (413 over
 * `limitBytes`, 400 for a body that is empty, broken off, not JSON, not UTF-8, too deep or with a
 * key named twice; Node's HTTP parser already holds the body to its declared length). Unlike the
 * app's it lets `__proto__` keys through: the batch schema refuses every key it does not name.
 * `fastRead` gets the body's bytes first, and returns the body or null; the bytes are reused once
 * it returns.
 */
export function reusedBufferJsonParser(limitBytes: number, fastRead: (bytes: Uint8Array) => unknown) {
  let scratch = Buffer.alloc(0);

  return (request: FastifyRequest, payload: IncomingMessage, done: Done): void => {
    const declaredLength = Number(request.headers["content-length"]);
    if (declaredLength > limitBytes) return done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    const chunks: Buffer[] = [];
    let receivedLength = 0;

    const onData = (chunk: Buffer): void => {
      receivedLength += chunk.length;
      if (receivedLength > limitBytes) {
        stop();
        done(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (error?: Error & { statusCode?: number }): void => {
      stop();
      if (error !== undefined) {
        error.statusCode = 400;
        return done(error);
      }
      if (receivedLength === 0) return done(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
      if (scratch.length < receivedLength) scratch = Buffer.allocUnsafeSlow(Math.max(receivedLength, scratch.length * 2));
      let offset = 0;
      for (const chunk of chunks) offset += chunk.copy(scratch, offset);
      const bytes = scratch.subarray(0, receivedLength);
      const read = fastRead(bytes);
      if (read !== null) return done(null, read);
      let body: unknown;
      try {
        body = readJsonBody(bytes, { allowPrototypeKeys: true });
      } catch (error) {
        return done(error as Error);
      }
      done(null, body);
    };
    const stop = (): void => {
      payload.removeListener("data", onData);
      payload.removeListener("end", onEnd);
      payload.removeListener("error", onEnd);
    };

    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onEnd);
    payload.resume();
  };
}
