// --rate-limit: off unless given; then each credential (each address when open) has its own
// count, public routes are not counted, and the 429 is a problem with the headers that say when.

import { describe, expect, it } from "vitest";
import { parseRateLimit } from "../../../src/http/auth/index.js";
import { appWith, expectProblem, request, snapshot } from "../helpers.js";
import { ADMIN_SECRET, bearer, READER_SECRET, securedApp } from "./support.js";

const twoPerMinute = parseRateLimit("2/min");

describe("parseRateLimit", () => {
  it.each([["1000/s", 1000, 1000], ["60/min", 60, 60_000], ["1/s", 1, 1000]])("reads %s", (text, max, windowMs) => {
    expect(parseRateLimit(text)).toEqual({ max, windowMs, text });
  });

  it.each(["", "0/s", "10", "10/h", "10/sec", "-1/s", "1.5/s", " 10/s", "10/S", "99999999999/s"])("refuses %j clearly", (text) => {
    expect(() => parseRateLimit(text)).toThrow(`Rate limit must be N/s or N/min with N from 1 to 1000000000, not '${text}'`);
  });
});

describe("the rate limit", () => {
  it("when not configured, limits nothing and adds no header", async () => {
    const { app } = appWith({ alice: 1 });
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await request(app, "GET", "/accounts/alice");
      expect(response.status).toBe(200);
      expect(response.headers["ratelimit-limit"]).toBeUndefined();
    }
  });

  it("when open, counts each address; past the limit answers 429 with Retry-After and RateLimit headers, and changes nothing", async () => {
    const { app, bank } = appWith({ alice: 10, bob: 0 }, { rateLimit: twoPerMinute });
    const first = await request(app, "GET", "/accounts/alice");
    expect(first.headers).toMatchObject({ "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-policy": "2;w=60" });
    await request(app, "GET", "/accounts/alice");
    const before = snapshot(bank);
    const transfer = { sender: "alice", recipient: "bob", amount: 1 };
    const refused = await request(app, "POST", "/transfers", transfer, { "idempotency-key": "t-1" });
    expect(expectProblem(refused, 429, "RATE_LIMITED")).toMatch(/^Rate limit of 2\/min exceeded; retry in \d+ s$/);
    expect(refused.headers).toMatchObject({ "ratelimit-limit": "2", "ratelimit-remaining": "0" });
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(snapshot(bank)).toEqual(before);
    // Another address has a count of its own.
    const elsewhere = await app.inject({ method: "GET", url: "/accounts/alice", remoteAddress: "127.0.0.2" });
    expect(elsewhere.statusCode).toBe(200);
    // Public routes are not counted.
    expect((await request(app, "GET", "/health")).status).toBe(200);
    expect((await request(app, "GET", "/openapi.json")).status).toBe(200);
  });

  it("with access control on, counts each credential apart, whatever the address", async () => {
    const { app, alice } = securedApp({ rateLimit: twoPerMinute });
    for (let attempt = 0; attempt < 2; attempt++) expect((await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET))).status).toBe(200);
    expectProblem(await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET)), 429, "RATE_LIMITED");
    expect((await request(app, "GET", "/accounts", undefined, bearer(READER_SECRET))).status).toBe(200);
    expect((await request(app, "GET", "/accounts/alice", undefined, bearer(alice))).status).toBe(200);
  });

  it("counts no refused request: a 401 is not charged to anyone's count", async () => {
    const { app } = securedApp({ rateLimit: twoPerMinute });
    for (let attempt = 0; attempt < 3; attempt++) expectProblem(await request(app, "GET", "/accounts"), 401, "UNAUTHORIZED");
    expect((await request(app, "GET", "/accounts", undefined, bearer(ADMIN_SECRET))).status).toBe(200);
  });

  it("when a request is limited, its idempotency key is not reserved", async () => {
    const { app, bank } = appWith({ alice: 10, bob: 0 }, { rateLimit: parseRateLimit("1/min") });
    await request(app, "GET", "/accounts/alice");
    const transfer = { sender: "alice", recipient: "bob", amount: 1 };
    expectProblem(await request(app, "POST", "/transfers", transfer, { "idempotency-key": "t-1" }), 429, "RATE_LIMITED");
    const other = await app.inject({
      method: "POST", url: "/transfers", remoteAddress: "127.0.0.3",
      headers: { "content-type": "application/json", "idempotency-key": "t-1" }, payload: JSON.stringify(transfer),
    });
    expect(other.statusCode).toBe(200);
    expect(other.headers["idempotency-replayed"]).toBeUndefined();
    expect(bank.getAccount("bob").balance).toBe(1);
  });
});
