// Headers at the edge: CORS (off unless origins are given) and the security headers of the one
// HTML the server serves, the Swagger UI, which JSON answers do without.

import { describe, expect, it } from "vitest";
import { parseCorsOrigins } from "../../src/http/cors.js";
import { appWith, expectProblem, request } from "./helpers.js";
import { securedApp } from "./auth/support.js";

const APP_ORIGIN = "https://app.example";

describe("CORS", () => {
  it("when no origin is configured, answers no CORS header to a browser's cross-origin request", async () => {
    const { app } = appWith({ alice: 1 });
    const response = await request(app, "GET", "/accounts/alice", undefined, { origin: APP_ORIGIN });
    expect(Object.keys(response.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
    const preflight = await app.inject({ method: "OPTIONS", url: "/transfers", headers: { origin: APP_ORIGIN, "access-control-request-method": "POST" } });
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("when an origin is configured, allows it and no other, with the headers a client sends and reads", async () => {
    const { app } = appWith({ alice: 1 }, { corsOrigins: [APP_ORIGIN, "http://localhost:5173"] });
    const allowed = await request(app, "GET", "/accounts/alice", undefined, { origin: APP_ORIGIN });
    expect(allowed.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
    expect(allowed.headers["access-control-expose-headers"]).toContain("idempotency-replayed");
    const other = await request(app, "GET", "/accounts/alice", undefined, { origin: "https://evil.example" });
    expect(other.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("with access control on, answers preflights without a credential, and puts CORS headers on a 401 too", async () => {
    const { app } = securedApp({ corsOrigins: [APP_ORIGIN] });
    const preflight = await app.inject({
      method: "OPTIONS",
      url: "/transfers",
      headers: { origin: APP_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers).toMatchObject({
      "access-control-allow-origin": APP_ORIGIN,
      "access-control-allow-headers": "authorization, content-type, idempotency-key",
      "access-control-allow-methods": "GET, HEAD, POST",
      "access-control-max-age": "600",
    });
    const refused = await request(app, "GET", "/accounts", undefined, { origin: APP_ORIGIN });
    expectProblem(refused, 401, "UNAUTHORIZED");
    expect(refused.headers["access-control-allow-origin"]).toBe(APP_ORIGIN);
    expect(refused.headers["access-control-expose-headers"]).toContain("www-authenticate");
  });

  it("when * is configured, allows any origin", async () => {
    const { app } = appWith({}, { corsOrigins: ["*"] });
    expect((await request(app, "GET", "/health", undefined, { origin: "https://any.example" })).headers["access-control-allow-origin"]).toBe("*");
  });
});

describe("parseCorsOrigins", () => {
  it("reads repeated values and comma-separated lists, without duplicates", () => {
    expect(parseCorsOrigins(["https://a.example, http://localhost:3000", "https://a.example", "*"])).toEqual([
      "https://a.example", "http://localhost:3000", "*",
    ]);
    expect(parseCorsOrigins([])).toEqual([]);
  });

  it.each(["https://a.example/", "https://a.example/app", "a.example", "ftp://a.example", "https://", "null"])("refuses %j clearly", (origin) => {
    expect(() => parseCorsOrigins([origin])).toThrow(`A CORS origin must be * or scheme://host[:port] with no path (e.g. https://app.example), not '${origin}'`);
  });
});

describe("security headers", () => {
  it("are on the Swagger UI's page and assets, with a CSP that serves over plain HTTP", async () => {
    const { app } = appWith();
    for (const url of ["/docs", "/docs/static/swagger-ui.css"]) {
      const response = await request(app, "GET", url);
      expect(response.status).toBe(200);
      expect(response.headers).toMatchObject({ "x-content-type-options": "nosniff", "x-frame-options": "SAMEORIGIN", "referrer-policy": "no-referrer" });
      expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
      expect(response.headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
      expect(response.headers["strict-transport-security"]).toBeUndefined();
    }
  });

  it("are not on JSON answers, which no browser renders", async () => {
    const { app } = appWith({ alice: 1 });
    for (const url of ["/accounts/alice", "/openapi.json", "/health", "/nowhere"]) {
      expect((await request(app, "GET", url)).headers["content-security-policy"]).toBeUndefined();
    }
  });
});
