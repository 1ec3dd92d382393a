import { defineConfig } from "vitest/config";

const ALL = ["libs/*/src/**/*.test.ts", "libs/providers/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "schemas/src/**/*.test.ts", "test/**/*.test.ts"];
// Tests that talk to the real Kafka, Redis and schema registry. They run one file at a time,
// after the others: Apicurio's in-memory store breaks for good when two processes insert new
// schema text at once (see the codec's `exclusive`), and these files register their own schemas.
const STACK = ["**/*.int.test.ts", "test/setup/stack.test.ts"];

export default defineConfig({
  test: {
    globalSetup: ["./test/setup/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "unit", include: ALL, exclude: [...STACK, "**/node_modules/**"], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "stack", include: STACK, exclude: ["**/node_modules/**"], sequence: { groupOrder: 1 }, maxWorkers: 1 } },
    ],
  },
});
