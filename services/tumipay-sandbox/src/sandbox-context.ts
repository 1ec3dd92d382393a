import type { CallStats, SandboxEnv } from "@riel/sandbox-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { EndpointId } from "./endpoints.js";
import type { FaultBook } from "./transactions/fault-book.js";
import type { Lifecycle } from "./transactions/lifecycle.js";
import type { TransactionStore } from "./transactions/transaction-store.js";

export interface EndpointOptions {
  /** Which stream (reference or ticket) a request concerns, for the per-stream call counts. */
  readonly streamOf?: (c: Context<SandboxEnv>) => string | undefined;
}

/** What the routes (pay-in, lookup, hosted page, admin) work with. */
export interface SandboxContext {
  readonly transactions: TransactionStore;
  readonly lifecycle: Lifecycle;
  readonly stats: CallStats<EndpointId>;
  readonly faults: FaultBook;
  /** Every reference named by a pay-in request, for the per-reference counts. */
  readonly references: Set<string>;
  readonly now: () => Date;
  readonly newTicket: () => string;
  /** Base of payment_url; undefined: the origin the request came to. */
  readonly publicUrl: string | undefined;
  /** Waits slowAnswerMs (or until the sandbox closes): a held create answer. */
  hold(): Promise<void>;
  /** The middleware every provider endpoint runs: body reading (not for GET) and call counting. */
  endpoint(id: EndpointId, options?: EndpointOptions): MiddlewareHandler<SandboxEnv>;
}
