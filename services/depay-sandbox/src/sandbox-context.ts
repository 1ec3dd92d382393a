import type { CallStats, JsonObject, SandboxEnv } from "@riel/sandbox-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { EndpointId } from "./endpoints.js";
import type { OrderExpiry } from "./orders/order-expiry.js";
import type { OrderStore } from "./orders/order-store.js";

export interface EndpointOptions {
  /** Which order a request concerns, for the per-order call counts. */
  readonly orderIdOf?: (c: Context<SandboxEnv>) => string | undefined;
  /** Idempotency keys scoped per request path rather than per route: for endpoints with the order in the path (refunds). */
  readonly keysPerPath?: boolean;
}

/** What a flow's routes get to work with. Flows share it; they do not know each other. */
export interface SandboxContext {
  readonly orders: OrderStore;
  readonly stats: CallStats<EndpointId>;
  readonly now: () => Date;
  readonly newOrderId: () => string;
  /** Unpaid previews end CANCELED ("Order expired") previewTtlMs after they were shown. */
  readonly expiry: OrderExpiry;
  /** The middleware every provider endpoint runs: body reading, call counting, idempotency. */
  endpoint(id: EndpointId, options?: EndpointOptions): MiddlewareHandler<SandboxEnv>;
  /** Runs the next step of an order's life callbackDelayMs after its previous step. */
  later(orderId: string, step: () => void): void;
  /** Queues a callback to `url`; callbacks of one order are delivered in the order queued. */
  notify(orderId: string, url: string, label: string, body: JsonObject): void;
}
