import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "pipelines/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["./tools/vitest-build.ts", "./tools/vitest-tmpdir.ts"],
    reporters: ["default", "./tools/summary-reporter.ts"],
  },
});
