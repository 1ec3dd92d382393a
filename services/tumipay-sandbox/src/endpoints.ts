import type { EndpointInfo } from "@riel/sandbox-kit";

/** Every TumiPay endpoint the sandbox serves (the hosted payment page is the payer's, not the merchant's, and is not counted). */
export const ENDPOINTS = {
  payin: { method: "POST", path: "/api/v1/payin" },
  lookup: { method: "GET", path: "/api/v1/transaction/:ticket" },
} as const satisfies Record<string, EndpointInfo>;

export type EndpointId = keyof typeof ENDPOINTS;

/** Per-stream call counts of a pay-in are kept under its reference, of a lookup under its ticket; prefixed so a reference that looks like a ticket cannot mix them. */
export const referenceStream = (reference: string): string => `reference:${reference}`;
export const ticketStream = (ticket: string): string => `ticket:${ticket}`;
