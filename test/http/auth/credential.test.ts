// GET /credential: a bearer secret learns who it is (an API key and its scopes, or an account token
// and its account); no secret, or a revoked one, learns nothing; an open server has no such route.

import { describe, expect, it } from "vitest";
import { appWith, expectProblem, request } from "../helpers.js";
import { ADMIN_SECRET, bearer, MOVER_SECRET, READER_SECRET, securedApp } from "./support.js";

describe("GET /credential", () => {
  it("when asked with an API key, answers its name and scopes, in the docs' order", async () => {
    const { app } = securedApp();
    expect((await request(app, "GET", "/credential", undefined, bearer(ADMIN_SECRET))).body).toEqual({
      kind: "api_key", name: "admin", scopes: ["admin"],
    });
    const reader = await request(app, "GET", "/credential", undefined, bearer(READER_SECRET));
    expect(reader.status).toBe(200);
    expect(reader.body).toEqual({ kind: "api_key", name: "reader", scopes: ["accounts:read"] });
    expect((await request(app, "GET", "/credential", undefined, bearer(MOVER_SECRET))).body).toEqual({
      kind: "api_key", name: "mover", scopes: ["money:move"],
    });
  });

  it("when asked with an account token, answers its account; with a rotated one, 401", async () => {
    const { app, alice, bob, revoked } = securedApp();
    expect((await request(app, "GET", "/credential", undefined, bearer(alice))).body).toEqual({ kind: "account_token", account: "alice" });
    expect((await request(app, "GET", "/credential", undefined, bearer(bob))).body).toEqual({ kind: "account_token", account: "bob" });
    expectProblem(await request(app, "GET", "/credential", undefined, bearer(revoked)), 401, "UNAUTHORIZED");
  });

  it("when asked without a credential, answers 401; on an open server, the route is not there", async () => {
    const { app } = securedApp();
    expectProblem(await request(app, "GET", "/credential"), 401, "UNAUTHORIZED");
    const open = appWith({ alice: 1 });
    expectProblem(await request(open.app, "GET", "/credential"), 404, "ROUTE_NOT_FOUND");
  });

  it("when given a query string, refuses it, as every route without one does", async () => {
    const { app } = securedApp();
    expect((await request(app, "GET", "/credential?x=1", undefined, bearer(ADMIN_SECRET))).status).toBe(400);
  });
});
