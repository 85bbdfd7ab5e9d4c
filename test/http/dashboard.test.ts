// The dashboard as the server serves it: its assets under /app/, and its page (which GET / answers
// to browsers, see root.test.ts) with a policy that lets it load only its own files and talk only
// to this server. test/web/dashboard-browser.test.ts uses it in a browser.

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { DASHBOARD_CONTENT_SECURITY_POLICY, dashboardIndexHtml, dashboardRoot, registerDashboard, dashboardPage } from "../../src/http/dashboard.js";
import type { BankApp } from "../../src/http/app.js";
import { appWith, temporaryDirectory } from "./helpers.js";
import { bearer, securedApp } from "./auth/support.js";

const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";
const apps: { close(): Promise<unknown> }[] = [];

afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
});

function app(): BankApp {
  const built = appWith().app;
  apps.push(built);
  return built;
}

describe("GET / and the dashboard's assets", () => {
  it("when a browser asks for /, answers the dashboard's page with its security policy", async () => {
    const response = await app().inject({ method: "GET", url: "/", headers: { accept: BROWSER_ACCEPT } });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.headers["content-security-policy"]).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.headers["referrer-policy"]).toBe("no-referrer");
    expect(response.body).toBe(dashboardIndexHtml());
    expect(response.body).toContain('<script type="module" src="/app/main.js"></script>');
  });

  it("serves every file the page names, under /app/, with the right type; nothing is listed", async () => {
    const served = app();
    const page = dashboardIndexHtml();
    const assets = [...page.matchAll(/(?:src|href)="(\/app\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.sort()).toEqual(["/app/icon.svg", "/app/main.js", "/app/style.css"]);
    const types: Record<string, RegExp> = { js: /^application\/javascript|^text\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ };
    for (const asset of assets) {
      const response = await served.inject({ method: "GET", url: asset });
      expect(response.statusCode, asset).toBe(200);
      expect(response.headers["content-type"]).toMatch(types[asset.split(".").pop() as string] as RegExp);
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
    }
    expect((await served.inject({ method: "GET", url: "/app/" })).statusCode).toBe(404);
    expect((await served.inject({ method: "GET", url: "/app/missing.js" })).statusCode).toBe(404);
    expect((await served.inject({ method: "GET", url: "/app/../package.json" })).statusCode).toBe(404);
  });

  it("runs one script, the bundle of src/web, and the build leaves no other behind", () => {
    const scripts = readdirSync(dashboardRoot(), { recursive: true, encoding: "utf8" }).filter((file) => /\.(m?js|map)$/.test(file));
    expect(scripts).toEqual(["main.js"]);
    expect([...dashboardIndexHtml().matchAll(/<script[^>]*>/g)].map((match) => match[0])).toEqual(['<script type="module" src="/app/main.js">']);
    // Bundled: the browser fetches no module of its own.
    expect(readFileSync(join(dashboardRoot(), "main.js"), "utf8")).not.toMatch(/^\s*import\s/m);
  });

  it("when a path climbs out of /app/ as sent on the wire, encoded or not, answers 404 like any unknown file", async () => {
    const served = app();
    const url = new URL(await served.listen({ host: "127.0.0.1", port: 0 }));
    const statusOf = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: url.hostname, port: url.port, path }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        }).on("error", reject);
      });
    for (const path of ["/app/../package.json", "/app/%2e%2e/package.json", "/app/views/%2E%2E%2Fmain.js", "/app/views%2f..%2fmain.js", "/app/views/"]) {
      expect(await statusOf(path), path).toBe(404);
    }
    expect(await statusOf("/app/style.css")).toBe(200);
    expect(await statusOf("/app/main.js?v=1")).toBe(200);
  });

  it("with access control on, serves the page and its files to anyone, and no data without a credential", async () => {
    const { app: secured, alice } = securedApp();
    apps.push(secured);
    const page = await secured.inject({ method: "GET", url: "/", headers: { accept: BROWSER_ACCEPT } });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
    for (const asset of ["/app/main.js", "/app/style.css", "/app/icon.svg"]) {
      expect((await secured.inject({ method: "GET", url: asset })).statusCode, asset).toBe(200);
      expect((await secured.inject({ method: "HEAD", url: asset })).statusCode, asset).toBe(200);
    }
    expect((await secured.inject({ method: "GET", url: "/app/missing.js" })).statusCode).toBe(404);
    expect((await secured.inject({ method: "GET", url: "/summary" })).statusCode).toBe(401);
    expect((await secured.inject({ method: "GET", url: "/accounts/alice", headers: bearer(alice) })).statusCode).toBe(200);
  });

  it("keeps the dashboard's routes out of the OpenAPI document", async () => {
    const document = (await app().inject({ method: "GET", url: "/openapi.json" })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path.startsWith("/app"))).toEqual([]);
  });
});

describe("where the dashboard is found", () => {
  it("is dist/web beside the compiled server, and dist/web from the sources", () => {
    const root = join(import.meta.dirname, "..", "..");
    expect(dashboardRoot(join(root, "dist", "http"))).toBe(join(root, "dist", "web"));
    expect(dashboardRoot(join(root, "src", "http"))).toBe(join(root, "dist", "web"));
  });

  it("when not built, the page says how to build it; a page that is built is read once, and its files served", async () => {
    const empty = temporaryDirectory("dashboard-");
    expect(dashboardIndexHtml(empty)).toContain("npm run build");
    const built = temporaryDirectory("dashboard-");
    writeFileSync(join(built, "index.html"), "<!doctype html><title>x</title>");
    writeFileSync(join(built, "main.js"), "export {};");
    expect(dashboardIndexHtml(built)).toBe("<!doctype html><title>x</title>");
    writeFileSync(join(built, "index.html"), "changed");
    expect(dashboardIndexHtml(built)).toBe("<!doctype html><title>x</title>");
    const server = Fastify();
    apps.push(server);
    registerDashboard(server, built);
    server.get("/page", (_request, reply) => dashboardPage(reply, built));
    expect((await server.inject({ method: "GET", url: "/app/main.js" })).body).toBe("export {};");
    expect((await server.inject({ method: "GET", url: "/page" })).body).toBe("<!doctype html><title>x</title>");
  });
});
