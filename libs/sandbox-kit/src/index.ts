export { adminError, adminRoutes } from "./admin/admin-routes.js";
export type { AdminErrorBody, AdminRoutesOptions, PaymentTruth, TruthReport } from "./admin/admin-routes.js";
export {
  CallbackDispatcher,
  checkNonNegativeInteger,
  DEFAULT_RETRY_POLICY,
  resolveRetryPolicy,
} from "./callbacks/callback-dispatcher.js";
export type {
  CallbackDispatcherOptions,
  CallbackRecord,
  CallbackTotals,
  DeliveryState,
  DispatchOptions,
  OutgoingCallback,
  RetryPolicy,
} from "./callbacks/callback-dispatcher.js";
export { hmacSignatureValue, hmacSigner } from "./callbacks/hmac-signature.js";
export type { CallbackSigner } from "./callbacks/hmac-signature.js";
export { KeyedSerialQueue } from "./callbacks/keyed-serial-queue.js";
export type { Task } from "./callbacks/keyed-serial-queue.js";
export { postJson } from "./callbacks/post-json.js";
export type { PostJson, PostResult } from "./callbacks/post-json.js";
export { envInteger, requiredEnv, Secret } from "./config/env.js";
export { CallbackFaults } from "./faults/callback-faults.js";
export type { CallbackFaultsOptions } from "./faults/callback-faults.js";
export { FaultInjector } from "./faults/fault-injector.js";
export type { CallbackFaultDecision, FaultCounters, FaultsReport, RequestFault } from "./faults/fault-injector.js";
export {
  CALLBACK_FAULT_KINDS,
  DEFAULT_FAULT_MAX_DELAY_MS,
  DEFAULT_TIMEOUT_HOLD_MS,
  envFaultProfile,
  FAULT_KINDS,
  isFaultFree,
  MAX_FAULT_MS,
  MAX_FAULT_SEED,
  NO_FAULTS,
  parseFaultProfile,
  REQUEST_FAULT_KINDS,
  resolveFaultProfile,
} from "./faults/fault-profile.js";
export type { CallbackFaultKind, FaultKind, FaultProfile, FaultProfileInput, FaultProfileResult, RequestFaultKind } from "./faults/fault-profile.js";
export { DroppedConnection, requestFaults } from "./faults/request-faults.js";
export type { RequestFaultsOptions } from "./faults/request-faults.js";
export { compare, divide, fractionDigits, multiply, normalize, parseDecimal, round, toFixed, toPlainString } from "./decimal/decimal.js";
export type { Decimal } from "./decimal/decimal.js";
export {
  fingerprintBody,
  IDEMPOTENCY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
  idempotency,
  IdempotencyStore,
  isReplayable,
  REPLAY_HEADER,
} from "./http/idempotency.js";
export type { Claim, IdempotencyAnswers, IdempotencyOptions, StoredResponse } from "./http/idempotency.js";
export { bodyStringField, readBody } from "./http/read-body.js";
export type { RequestBody, SandboxEnv } from "./http/sandbox-env.js";
export { secretMatches } from "./http/secret-match.js";
export { isJsonObject, JsonNumber, parseJson, stringifyJson } from "./json/lossless-json.js";
export type { JsonObject, JsonValue, ParseJsonResult } from "./json/lossless-json.js";
export { createSandboxRuntime } from "./runtime/sandbox-runtime.js";
export type {
  CallsReport,
  EndpointMiddlewareOptions,
  OutgoingJsonCallback,
  RuntimeIdempotencyOptions,
  SandboxLogger,
  SandboxRuntime,
  SandboxRuntimeOptions,
} from "./runtime/sandbox-runtime.js";
export { CallStats } from "./stats/call-stats.js";
export type { CallCounters, CounterKind, EndpointInfo } from "./stats/call-stats.js";
export { startCallbackReceiver } from "./testing/callback-receiver.js";
export type { CallbackReceiver, ReceivedCallback } from "./testing/callback-receiver.js";
export { Deadlines, MAX_DEADLINE_MS } from "./timers/deadlines.js";
