// GET /, the server's first impression: the dashboard for browsers, the seed's welcome with links
// for programs; and how a request's Accept header decides between the two (src/http/html.ts).

import type { FastifyRequest } from "fastify";
import { describe, expect, it } from "vitest";
import { DASHBOARD_CONTENT_SECURITY_POLICY, dashboardIndexHtml } from "../../src/http/dashboard.js";
import { escapeHtml, prefersHtml } from "../../src/http/html.js";
import { appWith, request } from "./helpers.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

function withAccept(accept: string | undefined): FastifyRequest {
  return { headers: accept === undefined ? {} : { accept } } as FastifyRequest;
}

describe("GET /", () => {
  it.each([
    ["no Accept", {}],
    ["Accept: application/json", { accept: "application/json" }],
    ["Accept: */* (curl)", { accept: "*/*" }],
  ])("with %s, answers the seed's welcome and where to go next, as JSON", async (_what, headers) => {
    const { app } = appWith();
    const response = await request(app, "GET", "/", undefined, headers);
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(response.headers.vary).toBe("accept");
    expect(response.body).toEqual({
      message: "Welcome to the Simple Banking API",
      links: { docs: "/docs", openapi: "/openapi.json", health: "/health" },
    });
  });

  it("to a browser, answers the dashboard, which links to the docs, the document and health", async () => {
    const { app } = appWith();
    const response = await request(app, "GET", "/", undefined, { accept: BROWSER_ACCEPT });
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers.vary).toBe("accept");
    expect(response.headers["content-security-policy"]).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    expect(response.text).toBe(dashboardIndexHtml());
    expect(response.text).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(response.text).toContain("<title>banking-system</title>");
    // Beyond the page's own screens (#/...) and files (/app/...), links to the server's other faces.
    const links = [...new Set([...response.text.matchAll(/<a [^>]*href="(\/[^"]*)"/g)].map((match) => match[1]))];
    expect(links).toEqual(["/docs", "/openapi.json", "/health"]);
    for (const link of links) expect((await request(app, "GET", link as string)).status).toBe(200);
  });

  it("answers HEAD as GET, without a body", async () => {
    const { app } = appWith();
    const response = await app.inject({ method: "HEAD", url: "/", headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toBe("");
  });
});

describe("prefersHtml", () => {
  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["application/json", false],
    ["text/html", true],
    ["TEXT/HTML", true],
    [BROWSER_ACCEPT, true],
    ["text/*", true],
    ["text/html;q=0.5, application/json", false],
    ["text/html, application/json", false],
    ["application/json;q=0.4, text/html;q=0.5", true],
    ["text/html;level=1;q=0.9, */*;q=0.1", true],
    ["text/html;q=abc", false],
    ["text/html;q=2", false],
    ["image/png", false],
    ["text/plain, */*;q=0.1", false],
  ])("when Accept is %j, says %s", (accept, expected) => {
    expect(prefersHtml(withAccept(accept))).toBe(expected);
  });
});

describe("escapeHtml", () => {
  it("escapes the characters HTML gives a meaning, and nothing else", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a> é`)).toBe("&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62; é");
  });
});
