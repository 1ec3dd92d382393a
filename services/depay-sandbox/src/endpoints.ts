import type { EndpointInfo } from "@riel/sandbox-kit";

/** Every provider endpoint the sandbox serves; a new flow adds its rows here. */
export const ENDPOINTS = {
  "validate-dict-key": { method: "POST", path: "/v2/payments/validations/dictkey" },
  "preview-dict-key": { method: "POST", path: "/v2/payments/previews/dictkey" },
  "preview-dict-key-peru": { method: "POST", path: "/v2/payments/previews/dictkey/peru" },
  "preview-qr": { method: "POST", path: "/v2/payments/previews" },
  "preview-qr-amount": { method: "PUT", path: "/v2/payments/previews" },
  pay: { method: "POST", path: "/v2/payments" },
  refund: { method: "POST", path: "/v2/payments/:order_id/refunds" },
  "payment-status": { method: "GET", path: "/v2/payments/:order_id/status" },
} as const satisfies Record<string, EndpointInfo>;

export type EndpointId = keyof typeof ENDPOINTS;

/** Endpoints whose calls are also counted per order (shown by GET /__sandbox/orders/:id). */
export const ORDER_ENDPOINTS: readonly EndpointId[] = [
  "preview-dict-key",
  "preview-dict-key-peru",
  "preview-qr",
  "preview-qr-amount",
  "pay",
  "refund",
  "payment-status",
];
