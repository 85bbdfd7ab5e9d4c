// Test runner configuration: the coverage floor of 98% is enforced here, so `npm test` fails below it.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // The `bank` entry only hands argv to the program (tested in-process); it runs as a child
      // process in test/cli/main.test.ts, where V8 coverage of the parent cannot see it.
      exclude: ["src/cli/main.ts"],
      reporter: ["text-summary", "text"],
      thresholds: { lines: 98, branches: 98, functions: 98, statements: 98 },
    },
  },
});
