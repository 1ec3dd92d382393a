// For integration tests: the stack's connection settings, or a clear failure saying how to get one.
//
//   import { requireStack } from "../../../test/setup/stack.js";
//   const stack = requireStack();            // throws when no stack is available
//   const kafka = new Kafka({ brokers: stack.kafkaBrokers });
import { inject } from "vitest";
import type { StackSettings } from "./stack-context.js";

export type { StackSettings, StackSource } from "./stack-context.js";

export const STACK_MISSING_MESSAGE = [
  "This test needs the infrastructure stack (Kafka, Redis, schema registry), and none was found.",
  "Start one of these, then run the tests again:",
  "  - the local stack, no Docker needed:   pnpm stack up      (stop it with: pnpm stack down)",
  "  - your own services: set KAFKA_BROKERS=host:port[,host:port], REDIS_URL=redis://host:port and",
  "    SCHEMA_REGISTRY_URL=http://host:port/apis/ccompat/v7 (any Confluent-compatible registry URL)",
  "  - Docker: with a running Docker daemon the test setup starts docker-compose.yml's services itself.",
].join("\n");

/** The stack's settings if the globalSetup found or started one, else null. */
export function getStack(): StackSettings | null {
  return inject("stack");
}

/** The stack's settings; throws an error that says how to start the stack when there is none. */
export function requireStack(): StackSettings {
  const stack = inject("stack");
  if (!stack) throw new Error(STACK_MISSING_MESSAGE);
  return stack;
}
