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
      // The dashboard's browser code (src/web) runs in Chromium, out of this process's sight too:
      // test/web drives it there, and tests its modules that need no browser here.
      exclude: ["src/cli/main.ts", "src/web/**"],
      reporter: ["text-summary", "text"],
      thresholds: { lines: 98, branches: 98, functions: 98, statements: 98 },
    },
  },
});
