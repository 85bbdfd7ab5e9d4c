// Test runner configuration: the coverage floor of 98% is enforced here, so `npm test` fails below it.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      reporter: ["text-summary", "text"],
      thresholds: { lines: 98, branches: 98, functions: 98, statements: 98 },
    },
  },
});
