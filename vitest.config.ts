import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["libs/*/src/**/*.test.ts", "libs/providers/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "schemas/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/setup/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
