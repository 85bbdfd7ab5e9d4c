// The bare baseline of POST /transfers: node:http and nothing else. It reads the body, parses it
// as JSON and answers a body of the bank's shape and size, so that our rate over its rate is what
// routing, validation, hooks, logging and serialisation cost. Run as `node bare.js HOST PORT`.

import http from "node:http";
import { transferAnswer } from "./answer.js";

const [host, port] = process.argv.slice(2);
let transfers = 0;

function send(response: http.ServerResponse, status: number, body: string): void {
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
  });
  response.end(body);
}

const server = http.createServer((request, response) => {
  if (request.method === "GET" && request.url === "/health") {
    send(response, 200, '{"status":"ok"}');
    return;
  }
  if (request.method !== "POST" || request.url !== "/transfers") {
    request.resume();
    send(response, 404, '{"error":"not found"}');
    return;
  }
  const chunks: Buffer[] = [];
  request.on("data", (chunk: Buffer) => chunks.push(chunk));
  request.on("end", () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      send(response, 400, '{"error":"not JSON"}');
      return;
    }
    send(response, 200, JSON.stringify(transferAnswer(body, ++transfers)));
  });
});

server.listen(Number(port), host);
process.once("SIGTERM", () => process.exit(0));
