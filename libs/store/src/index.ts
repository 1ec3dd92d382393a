export type { ApiKeyStore, ClaimResult, DueStore, IdempotencyStore, ProjectionIndex, ProjectionQuery, ProjectionStore, RateLimitStore, RateRule, Store, Versioned, WebhookItem, WebhookOutcome, WebhookStore, WriteResult } from "./types.js";
export { createMemoryStore } from "./memory/index.js";
export { createRedisStore } from "./redis/index.js";
export type { RedisStoreOptions } from "./redis/index.js";
