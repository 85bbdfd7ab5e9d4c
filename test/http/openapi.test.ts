// The OpenAPI document generated from the route schemas, and the Swagger UI page that shows it.

import { describe, expect, it } from "vitest";
import { NAME_LENGTH_MAX, PAGE_SIZE_MAX } from "../../src/index.js";
import { BANK_PROBLEMS, HTTP_PROBLEMS } from "../../src/http/errors.js";
import { adminKey, parseRateLimit } from "../../src/http/auth/index.js";
import { API_ROUTES, appWith, request } from "./helpers.js";

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, {
    parameters?: { name: string; in: string; schema: Record<string, unknown> }[];
    requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown>; additionalProperties: boolean } }> };
    responses: Record<string, { content?: Record<string, unknown> }>;
  }>>;
}

async function document(options: Parameters<typeof appWith>[1] = {}): Promise<OpenApiDocument> {
  const { app } = appWith({}, options);
  const response = await request(app, "GET", "/openapi.json");
  expect(response.status).toBe(200);
  return response.body as OpenApiDocument;
}

describe("GET /openapi.json", () => {
  it("lists every route of the API once, and none of the docs' own", async () => {
    const doc = await document();
    expect(doc.openapi).toMatch(/^3\./);
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(API_ROUTES);
  });

  it("states the limits of the core in the schemas and refuses unknown fields", async () => {
    const doc = await document();
    const transfer = doc.paths["/transfers"]?.post;
    const body = transfer?.requestBody?.content["application/json"]?.schema;
    expect(body?.additionalProperties).toBe(false);
    expect(body?.properties.sender).toMatchObject({ minLength: 1, maxLength: NAME_LENGTH_MAX });
    const limit = doc.paths["/accounts"]?.get?.parameters?.find((parameter) => parameter.name === "limit");
    expect(limit).toMatchObject({ in: "query", schema: { maximum: PAGE_SIZE_MAX } });
  });

  it("documents errors as application/problem+json, and a 405's Allow header", async () => {
    const doc = await document();
    const responses = doc.paths["/accounts/{name}/withdrawals"]?.post?.responses ?? {};
    expect(Object.keys(responses["404"]?.content ?? {})).toEqual(["application/problem+json"]);
    expect(Object.keys(responses["500"]?.content ?? {})).toEqual(["application/problem+json"]);
    expect(responses["405"]).toMatchObject({ headers: { allow: { schema: { type: "string" } } } });
  });

  it("documents GET / and the problem types' pages in both media types, every slug as an enum", async () => {
    const doc = await document();
    for (const path of ["/", "/problems/{slug}"]) {
      expect(Object.keys(doc.paths[path]?.get?.responses["200"]?.content ?? {})).toEqual(["application/json", "text/html"]);
    }
    const slug = doc.paths["/problems/{slug}"]?.get?.parameters?.find((parameter) => parameter.name === "slug");
    const slugs = [...Object.values(BANK_PROBLEMS), ...Object.values(HTTP_PROBLEMS)].map((type) => type.slug);
    expect(slug).toMatchObject({ in: "path", schema: { type: "string", enum: slugs } });
  });

  // Every route: a URL, query or header refused before routing (400, 408, 431), its path with a
  // method it does not have (405) and a bug (500).
  const EVERY = ["400", "405", "408", "431", "500"];
  const POST = ["409", "413", "415", "422"];
  const NAMED = ["404", "414"];

  it.each<[string, string[]]>([
    ["GET /", ["200"]],
    ["GET /problems/{slug}", ["200", ...NAMED]],
    ["GET /summary", ["200"]],
    ["GET /events", ["200", "404"]],
    ["GET /health", ["200"]],
    ["GET /accounts", ["200"]],
    ["POST /accounts", ["201", ...POST]],
    ["GET /accounts/{name}", ["200", ...NAMED]],
    ["GET /accounts/{name}/history", ["200", ...NAMED]],
    ["GET /accounts/{name}/balance", ["200", ...NAMED]],
    ["GET /accounts/{name}/statement", ["200", ...NAMED]],
    ["GET /holds/{id}", ["200", "404"]],
    ["POST /holds", ["201", "404", ...POST]],
    ["POST /holds/{id}/post", ["200", "404", ...POST]],
    ["POST /holds/{id}/void", ["200", "404", ...POST]],
    ["POST /accounts/{name}/deposits", ["200", ...NAMED, ...POST]],
    ["POST /accounts/{name}/withdrawals", ["200", ...NAMED, ...POST]],
    ["POST /transfers", ["200", "404", ...POST]],
    ["POST /transfers/batch", ["200", ...POST]],
  ])("%s documents every status it can answer", async (route, statuses) => {
    const [method = "", path = ""] = route.split(" ");
    const responses = (await document()).paths[path]?.[method.toLowerCase()]?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual([...EVERY, ...statuses].sort());
  });

  it("documents every status a problem type has, on some route, with access control and the rate limit on", async () => {
    const doc = await document({ access: { keys: [adminKey("admin-secret-0123456789")] }, rateLimit: parseRateLimit("10/s") });
    const documented = new Set(
      Object.values(doc.paths).flatMap((methods) => Object.values(methods).flatMap((operation) => Object.keys(operation.responses))),
    );
    const statuses = [...Object.values(BANK_PROBLEMS), ...Object.values(HTTP_PROBLEMS)].map((type) => String(type.status));
    expect(statuses.filter((status) => !documented.has(status))).toEqual([]);
  });
});

describe("GET /openapi.json, with access control", () => {
  const PUBLIC = ["GET /health", "GET /", "GET /problems/{slug}"];
  type Operation = { security?: unknown; responses: Record<string, unknown> };
  async function operations(options: Parameters<typeof appWith>[1]): Promise<{ doc: Record<string, unknown>; ops: Map<string, Operation> }> {
    const { app } = appWith({}, options);
    const response = await request(app, "GET", "/openapi.json");
    const doc = response.body as { paths: Record<string, Record<string, Operation>> };
    const ops = new Map(Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => [`${method.toUpperCase()} ${path}`, operation] as const)));
    return { doc, ops };
  }

  it("when off, declares no security and no 401, 403 or 429", async () => {
    const { doc, ops } = await operations({});
    expect(doc.components).not.toHaveProperty("securitySchemes");
    for (const operation of ops.values()) {
      expect(operation.security).toBeUndefined();
      expect(Object.keys(operation.responses)).not.toContain("401");
    }
  });

  it("when on, declares the bearer scheme, and on each route whether it needs it and its 401, 403 and 429 (no 403 where any credential may call)", async () => {
    const { doc, ops } = await operations({ access: { keys: [adminKey("admin-secret-0123456789")] } });
    expect(doc.components).toMatchObject({ securitySchemes: { bearer: { type: "http", scheme: "bearer" } } });
    expect([...ops.keys()].sort()).toEqual([...API_ROUTES, "POST /accounts/{name}/token", "GET /credential"].sort());
    for (const [route, operation] of ops) {
      if (PUBLIC.includes(route)) {
        expect(operation.security, route).toEqual([]);
        expect(Object.keys(operation.responses), route).not.toContain("401");
      } else if (route === "GET /credential") {
        // Any credential may ask who it is: refused only without one.
        expect(operation.security, route).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(["401", "429"]));
        expect(Object.keys(operation.responses), route).not.toContain("403");
      } else {
        expect(operation.security, route).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(["401", "403", "429"]));
      }
    }
  });

  it("when on, documents every status the token rotation can answer", async () => {
    const { ops } = await operations({ access: { keys: [adminKey("admin-secret-0123456789")] } });
    const statuses = ["200", "400", "401", "403", "404", "405", "408", "409", "413", "414", "415", "422", "429", "431", "500"];
    expect(Object.keys((ops.get("POST /accounts/{name}/token") as Operation).responses).sort()).toEqual(statuses.sort());
  });

  it("when only the rate limit is on, lists its 429 and no security", async () => {
    const { ops } = await operations({ rateLimit: parseRateLimit("10/s") });
    const transfer = ops.get("POST /transfers") as Operation;
    expect(transfer.security).toBeUndefined();
    expect(Object.keys(transfer.responses)).toContain("429");
    expect(Object.keys(transfer.responses)).not.toContain("401");
  });
});

describe("GET /docs", () => {
  it("serves the Swagger UI page", async () => {
    const { app } = appWith();
    const response = await request(app, "GET", "/docs");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    expect(response.text).toContain("swagger-ui");
  });
});

describe("GET /health", () => {
  it("answers ok", async () => {
    const { app } = appWith();
    expect((await request(app, "GET", "/health")).body).toEqual({ status: "ok" });
  });
});
