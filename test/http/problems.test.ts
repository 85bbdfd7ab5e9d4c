// GET /problems/{slug}: every problem type in the catalogue is described at its own URI, as JSON for
// programs and as a page for browsers; a slug the catalogue lacks is a 404 problem.

import { describe, expect, it } from "vitest";
import { BANK_PROBLEMS, HTTP_PROBLEMS, type ProblemType } from "../../src/http/errors.js";
import { appWith, expectProblem, request } from "./helpers.js";

const TYPES = Object.entries<ProblemType>({ ...BANK_PROBLEMS, ...HTTP_PROBLEMS });

describe("GET /problems/{slug}", () => {
  it("has a description of one sentence for every problem type, and no two types share a slug", () => {
    for (const [code, type] of TYPES) expect(type.description, code).toMatch(/^[A-Z][^\n]{20,240}\.$/);
    expect(new Set(TYPES.map(([, type]) => type.slug)).size).toBe(TYPES.length);
  });

  it("to a browser, answers a page with the type's title, status, code and description, escaped", async () => {
    const { app } = appWith();
    for (const [code, type] of TYPES) {
      const response = await request(app, "GET", `/problems/${type.slug}`, undefined, { accept: "text/html" });
      expect(response.status).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.text).toContain(`<h1>${type.title}</h1>`);
      expect(response.text).toContain(`<dd>${type.status}</dd>`);
      expect(response.text).toContain(`<code>${code}</code>`);
      expect(response.text).toContain(type.description.replaceAll("'", "&#39;").replaceAll("<", "&#60;").replaceAll(">", "&#62;"));
    }
  });

  it("when the slug names no problem type, answers a 404 problem, not a 400", async () => {
    const { app } = appWith();
    const response = await request(app, "GET", "/problems/no-such-problem");
    expect(expectProblem(response, 404, "ROUTE_NOT_FOUND")).toBe("No problem type is named 'no-such-problem'");
  });
});
