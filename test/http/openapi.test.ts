// The OpenAPI document generated from the route schemas, and the Swagger UI page that shows it.

import { describe, expect, it } from "vitest";
import { NAME_LENGTH_MAX, PAGE_SIZE_MAX } from "../../src/index.js";
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

async function document(): Promise<OpenApiDocument> {
  const { app } = appWith();
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

  it("documents errors as application/problem+json", async () => {
    const doc = await document();
    const responses = doc.paths["/accounts/{name}/withdrawals"]?.post?.responses ?? {};
    expect(Object.keys(responses).sort()).toEqual(["200", "400", "404", "409", "413", "415", "422"]);
    expect(Object.keys(responses["404"]?.content ?? {})).toEqual(["application/problem+json"]);
  });
});

describe("GET /openapi.json, with access control", () => {
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

  it("when on, declares the bearer scheme, and on each route whether it needs it and its 401, 403 and 429", async () => {
    const { doc, ops } = await operations({ access: { keys: [adminKey("admin-secret-0123456789")] } });
    expect(doc.components).toMatchObject({ securitySchemes: { bearer: { type: "http", scheme: "bearer" } } });
    expect([...ops.keys()].sort()).toEqual([...API_ROUTES, "POST /accounts/{name}/token"].sort());
    for (const [route, operation] of ops) {
      if (route === "GET /health") {
        expect(operation.security).toEqual([]);
        expect(Object.keys(operation.responses)).toEqual(["200"]);
      } else {
        expect(operation.security, route).toEqual([{ bearer: [] }]);
        expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(["401", "403", "429"]));
      }
    }
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
