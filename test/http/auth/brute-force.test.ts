// Guessing keys: failed authentications are limited per address whatever the rest of the
// configuration says, and no secret, right or wrong, ever reaches the log.

import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { AUTH_FAILURES_MAX } from "../../../src/http/auth/limits.js";
import { expectProblem, request } from "../helpers.js";
import { ADMIN_SECRET, bearer, securedApp } from "./support.js";

describe("many wrong keys from one address", () => {
  it("are refused with 401 up to the limit, then 429 with Retry-After, even for the right key", async () => {
    let now = 1_000_000;
    const { app, alice } = securedApp({ access: { failures: { clock: () => now } } });
    for (let attempt = 0; attempt < AUTH_FAILURES_MAX; attempt++) {
      const guess = `guess-${String(attempt).padStart(12, "0")}`;
      expectProblem(await request(app, "GET", "/accounts", undefined, bearer(guess)), 401, "UNAUTHORIZED");
    }
    const refused = await request(app, "GET", "/accounts", undefined, bearer("guess-one-more-time"));
    expect(expectProblem(refused, 429, "RATE_LIMITED")).toBe("Too many failed authentications from this address; retry in 60 s");
    expect(refused.headers["retry-after"]).toBe("60");
    // A right guess now is told nothing either: the address must wait.
    expectProblem(await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET)), 429, "RATE_LIMITED");
    expectProblem(await request(app, "GET", "/accounts/alice", undefined, bearer(alice)), 429, "RATE_LIMITED");
    // Public routes stay open to it.
    expect((await request(app, "GET", "/health")).status).toBe(200);
    now += 60_000;
    expect((await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET))).status).toBe(200);
  });

  it("count only wrong credentials: a request with none is not a guess", async () => {
    const { app } = securedApp({ access: { failures: { max: 2 } } });
    for (let attempt = 0; attempt < 5; attempt++) expectProblem(await request(app, "GET", "/accounts"), 401, "UNAUTHORIZED");
    expect((await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET))).status).toBe(200);
  });
});

describe("the log", () => {
  it("never holds a secret: not the keys, not the tokens, not the wrong guesses", async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    // A request serializer that logs headers, as an operator might configure: the redaction holds.
    const logger = { level: "trace", stream, serializers: { req: (req: { headers: unknown }) => ({ headers: req.headers }) } };
    const { app, alice, revoked } = securedApp({ logger });
    const guess = "guess-0123456789abcdef";
    await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET));
    await request(app, "GET", "/accounts/alice", undefined, bearer(alice));
    await request(app, "GET", "/accounts/alice", undefined, bearer(revoked));
    await request(app, "GET", "/accounts", undefined, bearer(guess));
    const created = await request(app, "POST", "/accounts", { name: "carol", initial_balance: 1 }, bearer(ADMIN_SECRET));
    const rotated = await request(app, "POST", "/accounts/carol/token", undefined, bearer(ADMIN_SECRET));
    await app.close();
    const secrets = [ADMIN_SECRET, alice, revoked, guess, (created.body as { token: string }).token, (rotated.body as { token: string }).token];
    const log = lines.join("");
    expect(log).toContain("[Redacted]");
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(log).not.toContain(secret);
  });
});
