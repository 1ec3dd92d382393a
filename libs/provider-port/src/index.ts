export { notSupported, ProviderUnavailable } from "./port.js";
export type {
  CallbackIssue,
  Capabilities,
  Feature,
  Operation,
  OrderRef,
  ProviderPort,
  ProviderReport,
  StepResult,
  WebhookModule,
  WebhookParse,
} from "./port.js";
export { callbackToken, callbackUrl, verifyCallbackToken } from "./webhook-token.js";
export type { WebhookKey } from "./webhook-token.js";
export { CALLBACK_URL_MAX_LENGTH, providerHttpCall, tracedCallbackUrl, withCallbackTrace } from "./tracing.js";
export { providerReport, reportedRecord } from "./records.js";
export { PROVIDER_ANSWER_LIMIT, readAnswer } from "./answer.js";
export type { AnswerBody } from "./answer.js";
export { JsonDecimal, parseJsonKeepingNumbers, parseJsonObject, stringifyWithDecimals } from "./json.js";
