import { randomUUID } from "node:crypto";
import { requireStack } from "../../../../test/setup/stack.js";
import { runStoreContract } from "../contract/index.js";
import { createRedisStore } from "./index.js";

const stack = requireStack();

runStoreContract({ name: "Redis", create: async () => createRedisStore({ url: stack.redisUrl, prefix: `test:${randomUUID()}:` }) });
