// The authorisation table: every route of the API has a rule, and a route without one stops the
// app from starting, so none can be left open by mistake.

import { describe, expect, it } from "vitest";
import type { FastifyRequest } from "fastify";
import { ACCESS_TABLE, ruleOf } from "../../../src/http/auth/access-table.js";
import { DASHBOARD_PREFIX } from "../../../src/http/dashboard.js";
import { edgeOf, idempotencyScopeOf, parseRateLimit } from "../../../src/http/auth/index.js";
import { API_ROUTES, appWith, request } from "../helpers.js";
import { securedApp } from "./support.js";

describe("the access table", () => {
  it("has a rule for every route of the API, for the routes of access control and the dashboard's files, and no other", () => {
    const routes = [...API_ROUTES, "POST /accounts/{name}/token", "GET /credential"].map((route) => route.replace(/\{(\w+)\}/g, ":$1"));
    const others = ["GET /openapi.json", `GET ${DASHBOARD_PREFIX}*`];
    expect(Object.keys(ACCESS_TABLE).filter((route) => !others.includes(route)).sort()).toEqual(routes.sort());
    expect(ruleOf("GET", `${DASHBOARD_PREFIX}*`)).toEqual({ public: true });
  });

  it("makes the docs, their assets and CORS preflights public, HEAD follow GET, and /accounts/ be /accounts", () => {
    expect(ruleOf("GET", "/docs")).toEqual({ public: true });
    expect(ruleOf("GET", "/docs/static/*")).toEqual({ public: true });
    expect(ruleOf("OPTIONS", "*")).toEqual({ public: true });
    expect(ruleOf("HEAD", "/accounts/:name")).toBe(ruleOf("GET", "/accounts/:name"));
    expect(ruleOf("POST", "/accounts/")).toBe(ruleOf("POST", "/accounts"));
    expect(() => ruleOf("GET", "/documents")).toThrow("No access rule for GET /documents: add one to src/http/auth/access-table.ts");
  });

  it("when no key is configured, is not consulted: every route is open and no credential scopes anything", async () => {
    const noHolds = () => null;
    expect(edgeOf({}, noHolds)).toBeUndefined();
    expect(edgeOf({ access: { keys: [] } }, noHolds)).toBeUndefined();
    expect(edgeOf({ access: { keys: [] }, rateLimit: parseRateLimit("1/s") }, noHolds)?.secured).toBe(false);
    expect(idempotencyScopeOf({} as FastifyRequest)).toBe("");
    const { app } = appWith({ alice: 1 }, { access: { keys: [] } });
    expect((await request(app, "GET", "/accounts/alice")).status).toBe(200);
  });

  it("guards a HEAD request as its GET, once: one wrong token is one failure", async () => {
    const { app } = securedApp({ access: { failures: { max: 2 } } });
    const wrong = { authorization: "Bearer wrong-wrong-wrong-wrong" };
    for (let attempt = 0; attempt < 2; attempt++) {
      expect((await app.inject({ method: "HEAD", url: "/accounts/alice", headers: wrong })).statusCode).toBe(401);
    }
    expect((await app.inject({ method: "HEAD", url: "/accounts/alice", headers: wrong })).statusCode).toBe(429);
  });

  it("when a route missing from the table is added, it is refused as it is added", () => {
    const { app } = securedApp();
    expect(() => app.get("/secrets", () => "none")).toThrow("No access rule for GET /secrets");
  });

  it("when the methods of one route have different rules, it is refused as it is added", () => {
    const { app } = securedApp();
    expect(() => app.route({ method: ["GET", "POST"], url: "/accounts", handler: () => "none" }))
      .toThrow("The methods of /accounts have different access rules");
  });
});
