// A known path called with a method it does not have: 405 with an Allow header listing the
// methods it has, and a problem; HEAD where GET is and OPTIONS are as Fastify answers them.

import { describe, expect, it } from "vitest";
import { RouteTable } from "../../src/http/route-table.js";
import { appWith, expectProblem, request } from "./helpers.js";

describe("a known path with a method it does not have", () => {
  // One app for the table: every case must leave its bank as it was.
  const { app: shared, bank: sharedBank } = appWith({ alice: 5 });

  it.each<[string, string, string]>([
    ["DELETE", "/accounts/alice", "GET, HEAD"],
    ["PUT", "/accounts", "GET, HEAD, POST"],
    ["PATCH", "/accounts/", "GET, HEAD, POST"],
    ["GET", "/transfers", "POST"],
    ["GET", "/transfers/batch", "POST"],
    ["POST", "/health", "GET, HEAD"],
    ["DELETE", "/accounts/alice/history?limit=1", "GET, HEAD"],
    ["GET", "/accounts/alice/deposits", "POST"],
    ["POST", "/", "GET, HEAD"],
    ["PUT", "/problems/same-account", "GET, HEAD"],
    ["POST", "/docs/static/index.html", "GET, HEAD"],
  ])("when %s %s, answers 405 with Allow: %s and changes nothing", async (method, url, allow) => {
    const bank = sharedBank;
    const response = await request(shared, method as "GET" | "POST", url, method === "GET" ? undefined : { amount: 1 });
    const path = url.split("?")[0];
    expect(expectProblem(response, 405, "METHOD_NOT_ALLOWED")).toBe(`Method ${method} is not allowed on ${path}; it allows ${allow}`);
    expect(response.headers.allow).toBe(allow);
    expect(bank.getAccount("alice").balance).toBe(5);
    expect(bank.transactionCount).toBe(1);
  });

  it("when HEAD is sent where only POST is, answers 405 without a body", async () => {
    const { app } = appWith();
    const response = await app.inject({ method: "HEAD", url: "/transfers" });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("POST");
    expect(response.body).toBe("");
  });

  it("when HEAD is sent where GET is, answers as GET does, without a body", async () => {
    const { app } = appWith({ alice: 5 });
    const response = await app.inject({ method: "HEAD", url: "/accounts/alice" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.body).toBe("");
  });

  it("when OPTIONS is sent to a known path, answers 204 with the path's methods in Allow; to an unknown one, 404", async () => {
    const { app } = appWith();
    const response = await request(app, "OPTIONS", "/accounts/alice");
    expect(response.status).toBe(204);
    expect(response.headers.allow).toBe("GET, HEAD");
    expect(response.text).toBe("");
    expectProblem(await request(app, "OPTIONS", "/accounts/alice/loans"), 404, "ROUTE_NOT_FOUND");
  });

  it("when the path is unknown, answers 404 whatever the method", async () => {
    const { app } = appWith();
    for (const method of ["GET", "DELETE"] as const) {
      const response = await request(app, method, "/accounts/alice/loans");
      expectProblem(response, 404, "ROUTE_NOT_FOUND");
      expect(response.headers.allow).toBeUndefined();
    }
  });
});

describe("RouteTable", () => {
  function table(...routes: [string | string[], string][]): RouteTable {
    const routeTable = new RouteTable();
    for (const [method, url] of routes) routeTable.record({ method, url } as Parameters<RouteTable["record"]>[0]);
    return routeTable;
  }

  it("matches parameters to one segment (even empty), a wildcard to the rest, literals exactly", () => {
    const routes = table([["GET", "HEAD"], "/a/:name"], ["POST", "/a/:name/b"], ["GET", "/files/*"], ["PUT", "/a/:name"]);
    expect(routes.methodsOf("/a/x")).toEqual(["GET", "HEAD", "PUT"]);
    expect(routes.methodsOf("/a/")).toEqual(["GET", "HEAD", "PUT"]);
    expect(routes.methodsOf("/a/x/b")).toEqual(["POST"]);
    expect(routes.methodsOf("/a/x/c")).toEqual([]);
    expect(routes.methodsOf("/a")).toEqual([]);
    expect(routes.methodsOf("/files/")).toEqual(["GET"]);
    expect(routes.methodsOf("/files/x/y")).toEqual(["GET"]);
    expect(routes.methodsOf("/files")).toEqual([]);
  });
});
