// Event stream clients for the dashboard benchmark, in a process of their own so that reading
// costs the server's process nothing: `count` connections to GET /events (the whole stream, or
// one account each), each reading every event and resuming after `resume_after` when the server
// lets it go for falling behind.
// Started by main.ts with fork(); it answers "stop" with what the clients received.

import http from "node:http";

export interface ClientsReport {
  readonly events: number;
  readonly bytes: number;
  /** Times a client was let go for falling behind, and resumed. */
  readonly lagged: number;
  readonly errors: number;
}

const ID_FIELD = Buffer.from("\nid: ");
const LAGGED = /event: lagged\ndata: \{"resume_after":(\d+)\}/;

/** `accounts` > 0: each client follows one account of that many (`?account=`), else the whole stream. */
function run(url: string, count: number, accounts: number): void {
  let events = 0;
  let bytes = 0;
  let lagged = 0;
  let errors = 0;
  let stopping = false;
  const requests = new Set<http.ClientRequest>();
  let connected = 0;

  const connect = (client: number, after: number | null) => {
    const query = new URLSearchParams();
    if (accounts > 0) query.set("account", `a${String(Math.floor((client * accounts) / count)).padStart(6, "0")}`);
    if (after !== null) query.set("after", String(after));
    const path = `/events${query.size === 0 ? "" : `?${query.toString()}`}`;
    const request = http.get(`${url}${path}`, (response) => {
      let tail = "";
      if (after === null && ++connected === count) process.send?.({ kind: "connected" });
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (chunk.subarray(0, 4).toString("latin1") === "id: ") events++;
        for (let at = chunk.indexOf(ID_FIELD); at !== -1; at = chunk.indexOf(ID_FIELD, at + 1)) events++;
        tail = chunk.subarray(Math.max(0, chunk.length - 200)).toString("latin1");
      });
      response.on("end", () => {
        requests.delete(request);
        if (stopping) return;
        const resume = LAGGED.exec(tail);
        if (resume !== null) lagged++;
        connect(client, resume === null ? null : Number(resume[1]));
      });
    });
    request.on("error", () => {
      requests.delete(request);
      if (!stopping) errors++;
    });
    requests.add(request);
  };

  for (let client = 0; client < count; client++) connect(client, null);
  process.on("message", (message: { kind: string }) => {
    if (message.kind !== "stop") return;
    stopping = true;
    for (const request of requests) request.destroy();
    const report: ClientsReport = { events, bytes, lagged, errors };
    process.send?.({ kind: "report", report }, () => process.exit(0));
  });
}

const [url, count, accounts] = process.argv.slice(2);
if (url !== undefined && count !== undefined) run(url, Number(count), Number(accounts ?? 0));
