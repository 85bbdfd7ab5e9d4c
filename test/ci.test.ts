// The GitHub workflow runs what .ci/run runs, on the Node versions engines claims, so CI cannot
// drift from the local CI script or from the package's promise.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { claimedFloors, ROOT } from "./commands.js";

const WORKFLOW = readFileSync(join(ROOT, ".github/workflows/ci.yml"), "utf8");
const PACKAGE = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };

describe(".github/workflows/ci.yml", () => {
  it("runs on every push and pull request, by the same script as a local CI run", () => {
    expect(WORKFLOW).toMatch(/^on:\n {2}push:\n {2}pull_request:\n/m);
    expect(WORKFLOW).toMatch(/^ {8}run: bash \.ci\/run$/m);
  });

  it("tests the major of each version engines claims from, and the Node the Docker image runs", () => {
    const matrix = (/^ {8}node: \[(.*)\]$/m.exec(WORKFLOW)?.[1] ?? "").split(",").map((major) => major.trim());
    const floors = claimedFloors(PACKAGE.engines.node).map((floor) => floor.split(".")[0]);
    const image = /^FROM node:(\d+)/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    expect(matrix).toEqual(expect.arrayContaining([...floors, image]));
  });
});
