import { createHash, randomUUID } from "node:crypto";
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { Hono } from "hono";
import type { Bus } from "@riel/bus";
import type { FieldError, Parsed, PaymentView, StoredPayment } from "@riel/payments";
import {
  checkDecision,
  fieldErrors,
  initialView,
  methodOf,
  parseAmountRequest,
  parseConfirm,
  parsePaymentRequest,
  parseRefundRequest,
  readPayment,
  reserveRefund,
  statusOf,
  viewFor,
  writePayment,
} from "@riel/payments";
import type { PaymentAction } from "@riel/rails";
import { allows } from "@riel/rails";
import type { ApiKey, ApiKeys, Log, Scope } from "@riel/runtime";
import type { RateRule } from "@riel/runtime";
import { limitBody, problem, rateLimit, unpairedSurrogatePath } from "@riel/runtime";
import type { ConfirmPayment, InitiatePayment, RefundPayment, RielTopics, SetPaymentAmount, SyncPayment, TopicRecord } from "@riel/schemas";
import { deterministicId, envelopeFor, topics } from "@riel/schemas";
import type { Store } from "@riel/store";
import type { DashboardAccess, LiveFeed } from "./dashboard/index.js";
import { mountDashboard } from "./dashboard/index.js";
import { mountDocs } from "./docs.js";
import { ingressDocument } from "./openapi.js";
import { listPayments, paymentListQuerySchema, queryErrors } from "./payment-list.js";
import { qrPng } from "./png.js";
import { DELIVERY_ID, ENDPOINT_ID, endpointInfo, endpointRequestSchema, webhookAdmin } from "@riel/webhooks";
import type {
  apiKeyCreatedSchema,
  apiKeySchema,
  amountAcceptedSchema,
  decisionAcceptedSchema,
  paymentAcceptedSchema,
  refundAcceptedSchema,
  syncAcceptedSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointCreatedSchema,
  webhookEndpointListedSchema,
  webhookEndpointSchema,
} from "./routes.js";
import { apiKeyRequestSchema, deliveryQuerySchema, idempotencyKeySchema, ROUTES } from "./routes.js";

export interface IngressDeps {
  readonly bus: Bus<RielTopics>;
  readonly store: Store;
  readonly log: Log;
  /** Who may call: every /v1 route takes an API key (`Authorization: Bearer`) with its scope. */
  readonly apiKeys: ApiKeys;
  /** Requests per API key and route (INGRESS_RATE_LIMIT); INGRESS_RATE_DEFAULT when absent. */
  readonly rateRule?: RateRule;
  readonly now?: () => Date;
  /** Test hook (FAULT_CRASH_AFTER_PUBLISH): runs after a command is published and before its answer is stored. */
  readonly afterPublish?: (paymentId: string) => void;
  /** The operators' dashboard at /dashboard, with its live feed; absent: not served. */
  readonly dashboard?: { readonly feed: LiveFeed; readonly access: DashboardAccess };
}

/**
 * A request holds its Idempotency-Key for this long unless it renews the lease, which it does
 * every LEASE_MS / 3 while alive: a retry after a crash waits at most one lease.
 */
const LEASE_MS = 5_000;
/** Attempts at holding a refund when other writers keep moving the payment. */
const RESERVE_ATTEMPTS = 8;
const ANSWER_TTL_MS = 24 * 60 * 60 * 1000;

interface StoredAnswer {
  readonly status: 202;
  readonly body: Record<string, unknown>;
}

type Command = TopicRecord<"paymentCommands">;

/**
 * What a request decided to do: publish `command` (keyed by payment id) and answer `answer`.
 * It is recorded before the publish, so that a retry after a crash finishes the same plan
 * instead of deciding again from a payment that has since moved on.
 */
interface Plan {
  readonly paymentId: string;
  readonly command: Command;
  readonly answer: StoredAnswer;
  /** Local follow-ups once published (the first view, a log line); skipped when a retry finishes a crashed plan. */
  readonly after?: () => Promise<void>;
}

function fingerprint(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

/** Printable ASCII, 1 to 255 characters: what an Idempotency-Key header may hold. */
export function checkIdempotencyKey(value: string | undefined): FieldError | null {
  if (value === undefined || value === "") return { field: "header Idempotency-Key", rule: "is required" };
  if (!idempotencyKeySchema.safeParse(value).success) return { field: "header Idempotency-Key", rule: "must be 1 to 255 printable ASCII characters" };
  return null;
}

function invalid(c: Context, errors: readonly FieldError[]): Response {
  return problem(c, { status: 400, title: "Invalid request", detail: `${errors.length} field(s) break a rule`, errors });
}

/** Refuses bytes that are not UTF-8 rather than reading them as U+FFFD: what was sent would not be what is kept. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

async function readJson(c: Context): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  const malformed = (rule: string) => ({ ok: false as const, response: problem(c, { status: 400, title: "Malformed body", errors: [{ field: "body", rule }] }) });
  let body: unknown;
  try {
    const bytes = await c.req.arrayBuffer();
    let text: string;
    try {
      text = UTF8.decode(bytes);
    } catch {
      return malformed("must be UTF-8 text");
    }
    body = JSON.parse(text) as unknown;
  } catch {
    return malformed("must be a JSON object");
  }
  // JSON's \ud800 escapes can make text UTF-8 cannot carry: Kafka, Redis and providers would each get U+FFFD instead.
  const broken = unpairedSurrogatePath(body);
  if (broken !== null) return { ok: false, response: invalid(c, [{ field: broken || "body", rule: "must not contain unpaired surrogate characters (a \\ud800 to \\udfff escape without its other half)" }]) };
  return { ok: true, body };
}

/** The Idempotency-Key and a parsed body, or a 400 listing every broken rule of both. */
async function readRequest<T>(c: Context, parse: (body: unknown) => Parsed<T>): Promise<{ key: string; value: T } | Response> {
  const key = c.req.header("idempotency-key");
  const keyError = checkIdempotencyKey(key);
  const json = await readJson(c);
  if (!json.ok) return json.response;
  const parsed = parse(json.body);
  const errors = [...(keyError ? [keyError] : []), ...(parsed.ok ? [] : parsed.errors)];
  if (errors.length > 0 || !parsed.ok || key === undefined) return invalid(c, errors);
  return { key, value: parsed.value };
}

export type IngressEnv = { Variables: { apiKey: ApiKey } };

/** Far above what one client of a payment pipeline sends, far below what would hurt it. */
export const INGRESS_RATE_DEFAULT: RateRule = { capacity: 400, refillPerSecond: 200 };

/** A request's route for its rate bucket: the method and the path with its ids left out. */
const routeKey = (method: string, path: string): string => `${method} ${path.replace(/^\/v1\/(payments|api-keys|webhook-endpoints|webhook-deliveries)\/[^/]+/, "/v1/$1/{id}")}`;

/**
 * The caller's key when it holds `scope` (and, for a payment's method, may use that method), or
 * the 403 that says what is missing. The key itself was checked by the /v1 middleware.
 */
function granted(c: Context<IngressEnv>, scope: Scope, method?: string): ApiKey | Response {
  const key = c.get("apiKey");
  if (!key.scopes.has(scope)) return problem(c, { status: 403, title: "Forbidden", detail: `this API key lacks the scope ${scope}` });
  if (method !== undefined && key.methods !== null && !key.methods.has(method)) {
    return problem(c, { status: 403, title: "Forbidden", detail: `this API key may not use the method ${method}` });
  }
  return key;
}

const notFound = (c: Context, paymentId: string): Response => problem(c, { status: 404, title: "Payment not found", detail: `no payment ${paymentId}` });

/** 409 when the payment's status does not take the action, in the lifecycle's words. */
function refusedByLifecycle(c: Context, view: PaymentView, action: PaymentAction, title: string): Response | null {
  const verdict = allows(statusOf(view), action);
  if (verdict.ok) return null;
  const why = view.reason ? ` (${view.reason})` : "";
  return problem(c, { status: 409, title, detail: `${verdict.reason}${why}` });
}

export function createIngressApp(deps: IngressDeps): Hono<IngressEnv> {
  const now = deps.now ?? (() => new Date());
  const app = new Hono<IngressEnv>();
  app.use("*", limitBody());
  // Every payment route needs a known, unrevoked key; which scope each needs is checked in its handler.
  app.use("/v1/*", async (c, next) => {
    const auth = await deps.apiKeys.authenticate(c.req.header("authorization"));
    if (!auth.ok) {
      c.header("WWW-Authenticate", auth.tokenGiven ? 'Bearer realm="riel", error="invalid_token"' : 'Bearer realm="riel"');
      return problem(c, { status: 401, title: "Unauthorized", detail: auth.detail });
    }
    c.set("apiKey", auth.key);
    await next();
  });
  // Per API key and route, in Redis: every ingress instance counts into the same buckets.
  app.use(
    "/v1/*",
    rateLimit({ limits: deps.store.limits, rule: deps.rateRule ?? INGRESS_RATE_DEFAULT, bucket: (c) => `ingress:${(c.get("apiKey") as ApiKey).id}:${routeKey(c.req.method, c.req.path)}`, log: deps.log }),
  );

  /**
   * Claims the key for this attempt, runs `effect` once, and stores its answer. A faithful replay
   * gets the stored answer; a different body under the same key gets 409; a refusal or a failed
   * effect gives the claim back so the caller can retry. The plan is recorded before its command
   * is published: an attempt that takes over the key from a crashed one publishes that same
   * command again (same event id, so downstream drops the repeat) and gives the same answer.
   */
  async function idempotent(
    c: Context,
    scope: string,
    key: string,
    fp: string,
    effect: () => Promise<Plan | Response>,
    mismatch = { title: "Idempotency-Key reused", detail: "this Idempotency-Key was used with a different request body" },
  ): Promise<Response> {
    const claims = deps.store.idempotency;
    const claimKey = `ingress:${scope}:${key}`;
    const owner = randomUUID();
    const claim = await claims.claim(claimKey, fp, LEASE_MS, owner);
    const answer = (stored: StoredAnswer): Response => c.json(stored.body, stored.status);
    // Once its command is published the request is taken, and its answer is the plan's 202 whatever
    // happens next. A step after the publish that fails (Redis gone: the first view, the stored
    // answer) is logged, not answered 503 ("not taken; retry"): that would be false. The plan stays
    // recorded, so a retry after the lease finishes it (the same command, same event id) and answers the same.
    const afterPublish = async (paymentId: string, what: string, step: () => Promise<void>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        deps.log(`${what} failed after the publish; the request is answered as taken`, { paymentId, scope, error: error instanceof Error ? error.message : String(error) });
      }
    };
    switch (claim.kind) {
      case "MISMATCH":
        return problem(c, { status: 409, ...mismatch });
      case "IN_PROGRESS":
        c.header("Retry-After", String(Math.max(1, Math.ceil(claim.retryAfterMs / 1000))));
        return problem(c, { status: 409, title: "Request in progress", detail: "the first request with this Idempotency-Key is still being handled; retry shortly" });
      case "REPLAY":
        c.header("Idempotent-Replayed", "true");
        return answer(JSON.parse(claim.response) as StoredAnswer);
      case "TAKEN_OVER":
        if (claim.intent !== null) {
          // The attempt before this one died after deciding: finish what it decided.
          const plan = JSON.parse(claim.intent) as Omit<Plan, "after">;
          await deps.bus.publish(topics.paymentCommands.name, plan.paymentId, plan.command);
          await afterPublish(plan.paymentId, "storing the answer", () => claims.complete(claimKey, fp, JSON.stringify(plan.answer), ANSWER_TTL_MS));
          deps.log("finished a request whose first attempt died", { paymentId: plan.paymentId, scope });
          return answer(plan.answer);
        }
        break;
      case "CLAIMED":
        break;
      default: {
        const never: never = claim;
        throw new Error(`unexpected claim ${String(never)}`);
      }
    }
    const heartbeat = setInterval(() => {
      claims.renew(claimKey, fp, owner, LEASE_MS).catch(() => {});
    }, LEASE_MS / 3);
    try {
      let plan: Plan | Response;
      try {
        plan = await effect();
      } catch (error) {
        await claims.release(claimKey, fp, owner);
        throw error;
      }
      // A refusal changed nothing: it is not stored, so the same request may succeed later.
      if (plan instanceof Response) {
        await claims.release(claimKey, fp, owner);
        return plan;
      }
      const { after, ...recorded } = plan;
      if (!(await claims.intend(claimKey, fp, owner, JSON.stringify(recorded), ANSWER_TTL_MS))) {
        throw new Error(`lost the claim of ${claimKey} before publishing`);
      }
      await deps.bus.publish(topics.paymentCommands.name, plan.paymentId, plan.command);
      deps.afterPublish?.(plan.paymentId);
      // The follow-up (the first view) and the stored answer do not depend on each other: sent
      // together, Redis takes both in one round trip and one fsync.
      await Promise.all([
        after ? afterPublish(plan.paymentId, "the follow-up", after) : undefined,
        afterPublish(plan.paymentId, "storing the answer", () => claims.complete(claimKey, fp, JSON.stringify(plan.answer), ANSWER_TTL_MS)),
      ]);
      return answer(plan.answer);
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** The payment a command is about, or the answer that it cannot be had. */
  async function paymentFor(c: Context, paymentId: string): Promise<StoredPayment | Response> {
    const found = await readPayment(deps.store.projections, paymentId);
    return found ? found.payment : notFound(c, paymentId);
  }

  app.post(ROUTES.createPayment.getRoutingPath(), async (c) => {
    const scoped = granted(c, "payments:create");
    if (scoped instanceof Response) return scoped;
    const input = await readRequest(c, parsePaymentRequest);
    if (input instanceof Response) return input;
    const { key, value: request } = input;
    const caller = granted(c, "payments:create", request.method);
    if (caller instanceof Response) return caller;
    const fp = fingerprint(request);
    // The id follows from caller, key and body, so a retry after a crash between publish and answer
    // names the same payment, and two callers' keys never meet.
    const paymentId = deterministicId("payment", caller.id, key, fp);
    return idempotent(c, "payments", `${caller.id}:${key}`, fp, async () => {
      const command: InitiatePayment = {
        envelope: envelopeFor(paymentId, null, { eventId: deterministicId("initiate", paymentId), now: now() }),
        method: request.method,
        payeeKey: null,
        amount: request.amount,
        payer: request.payer,
        externalReference: request.externalReference,
        details: request.details,
      };
      c.header("Location", `/v1/payments/${paymentId}`);
      return {
        paymentId,
        command: { type: "riel.commands.InitiatePayment", value: command },
        answer: { status: 202, body: { paymentId, status: "RECEIVED", statusUrl: `/v1/payments/${paymentId}` } satisfies z.infer<typeof paymentAcceptedSchema> },
        async after() {
          // The projector may have got there first; its version wins.
          await writePayment(deps.store.projections, initialView(command), 0);
          deps.log("payment accepted", { paymentId, method: request.method });
        },
      };
    });
  });

  app.get(ROUTES.listPayments.getRoutingPath(), async (c) => {
    const caller = granted(c, "payments:read");
    if (caller instanceof Response) return caller;
    const parsed = paymentListQuerySchema.safeParse(c.req.query());
    if (!parsed.success) return invalid(c, queryErrors(parsed.error.issues));
    const page = await listPayments(deps.store.projections, parsed.data, caller.methods);
    const personal = caller.scopes.has("payments:read:personal");
    return c.json({ payments: page.payments.map((p) => viewFor(p.view, { personal })), next: page.next });
  });

  app.get(ROUTES.getPayment.getRoutingPath(), async (c) => {
    const caller = granted(c, "payments:read");
    if (caller instanceof Response) return caller;
    const payment = await paymentFor(c, c.req.param("id"));
    // Tax ids and phone numbers in full only for payments:read:personal.
    return payment instanceof Response ? payment : c.json(viewFor(payment.view, { personal: caller.scopes.has("payments:read:personal") }));
  });

  app.post(ROUTES.confirmPayment.getRoutingPath(), async (c) => {
    const paymentId = c.req.param("id");
    const scoped = granted(c, "payments:confirm");
    if (scoped instanceof Response) return scoped;
    const input = await readRequest(c, parseConfirm);
    if (input instanceof Response) return input;
    const { key, value: decision } = input;
    const payment = await paymentFor(c, paymentId);
    if (payment instanceof Response) return payment;
    const caller = granted(c, "payments:confirm", payment.view.method);
    if (caller instanceof Response) return caller;
    const fp = fingerprint({ paymentId, ...decision });
    return idempotent(c, "confirm", `${paymentId}:${caller.id}:${key}`, fp, async () => {
      const refusal = refusedByLifecycle(c, payment.view, decision.decision, decision.decision === "ACCEPT" ? "Payment cannot be confirmed" : "Payment cannot be rejected");
      if (refusal) return refusal;
      const walletErrors = checkDecision(payment, decision.decision, decision.walletId);
      if (walletErrors.length > 0) return invalid(c, walletErrors);
      const command: ConfirmPayment = {
        envelope: envelopeFor(paymentId, null, { eventId: deterministicId("confirm", paymentId, caller.id, key, fp), now: now() }),
        decision: decision.decision,
        walletId: decision.walletId,
      };
      return {
        paymentId,
        command: { type: "riel.commands.ConfirmPayment", value: command },
        answer: { status: 202, body: { paymentId, decision: decision.decision, statusUrl: `/v1/payments/${paymentId}` } satisfies z.infer<typeof decisionAcceptedSchema> },
        after: async () => deps.log("confirmation accepted", { paymentId, decision: decision.decision }),
      };
    });
  });

  app.post(ROUTES.setPaymentAmount.getRoutingPath(), async (c) => {
    const paymentId = c.req.param("id");
    const scoped = granted(c, "payments:confirm");
    if (scoped instanceof Response) return scoped;
    const input = await readRequest(c, parseAmountRequest);
    if (input instanceof Response) return input;
    const payment = await paymentFor(c, paymentId);
    if (payment instanceof Response) return payment;
    const caller = granted(c, "payments:confirm", payment.view.method);
    if (caller instanceof Response) return caller;
    // The method decides whether this payment takes an amount at all, and in which currency and minor units.
    const module = methodOf(payment.view.method);
    const checked = module && payment.details ? module.laterAmount(payment.details, input.value.amount) : null;
    if (!checked?.ok) return invalid(c, checked ? checked.errors : [{ field: "amount", rule: "must be absent: this payment takes no amount" }]);
    const amount = checked.value;
    const fp = fingerprint({ paymentId, amount });
    // One amount per payment, whatever the key: two amounts sent side by side would both reach
    // the provider, which prices whichever comes last. The same amount again is a replay.
    const mismatch = { title: "Amount already sent", detail: "this payment's amount was already sent with another value; start a new payment to pay another amount" };
    return idempotent(c, "amount", paymentId, fp, async () => {
      const refusal = refusedByLifecycle(c, payment.view, "SET_AMOUNT", "Payment does not take an amount now");
      if (refusal) return refusal;
      const command: SetPaymentAmount = {
        envelope: envelopeFor(paymentId, null, { eventId: deterministicId("amount", paymentId, fp), now: now() }),
        amount,
      };
      return {
        paymentId,
        command: { type: "riel.commands.SetPaymentAmount", value: command },
        answer: { status: 202, body: { paymentId, amount, statusUrl: `/v1/payments/${paymentId}` } satisfies z.infer<typeof amountAcceptedSchema> },
        after: async () => deps.log("amount accepted", { paymentId }),
      };
    }, mismatch);
  });

  app.post(ROUTES.refundPayment.getRoutingPath(), async (c) => {
    const paymentId = c.req.param("id");
    const scoped = granted(c, "payments:refund");
    if (scoped instanceof Response) return scoped;
    const input = await readRequest(c, parseRefundRequest);
    if (input instanceof Response) return input;
    const { key, value: request } = input;
    const existing = await readPayment(deps.store.projections, paymentId);
    if (!existing) return notFound(c, paymentId);
    const caller = granted(c, "payments:refund", existing.payment.view.method);
    if (caller instanceof Response) return caller;
    const fp = fingerprint({ paymentId, amount: request.amount });
    // The refund's id follows from payment, caller and key: a retry after a crash finds its own refund held.
    const refundId = deterministicId("refund", paymentId, caller.id, key);
    return idempotent(c, "refund", `${paymentId}:${caller.id}:${key}`, fp, async () => {
      for (let attempt = 1; ; attempt++) {
        const found = await readPayment(deps.store.projections, paymentId);
        if (!found) return notFound(c, paymentId);
        // One instant for the hold and its command, so that a rebuild from the topics holds it at the same time.
        const at = now();
        const reservation = reserveRefund(found.payment, refundId, request.amount, at.toISOString());
        let amount;
        let heldAt = at;
        switch (reservation.kind) {
          case "NOT_ALLOWED":
            return problem(c, { status: 409, title: "Payment cannot be refunded", detail: reservation.reason });
          case "INVALID":
            return problem(c, { status: 422, title: "Refund not possible", detail: reservation.errors.map((e) => e.rule).join("; "), errors: reservation.errors });
          case "EXISTS":
            amount = reservation.refund.amount;
            heldAt = new Date(reservation.refund.requestedAt);
            break;
          case "RESERVED": {
            // Written with the version read: of two refunds racing for the same money, one conflicts and reads again.
            const written = await writePayment(deps.store.projections, reservation.stored, found.version);
            if (written.kind === "CONFLICT") {
              if (attempt >= RESERVE_ATTEMPTS) throw new Error(`payment ${paymentId} kept moving while its refund was held`);
              continue;
            }
            amount = reservation.refund.amount;
            break;
          }
          default: {
            const never: never = reservation;
            return never;
          }
        }
        const command: RefundPayment = {
          envelope: envelopeFor(paymentId, null, { eventId: deterministicId("refund-command", paymentId, refundId), now: heldAt }),
          refundId,
          amount,
        };
        return {
          paymentId,
          command: { type: "riel.commands.RefundPayment", value: command },
          answer: { status: 202, body: { paymentId, refundId, amount, status: "REQUESTED", statusUrl: `/v1/payments/${paymentId}` } satisfies z.infer<typeof refundAcceptedSchema> },
          after: async () => deps.log("refund accepted", { paymentId, refundId }),
        };
      }
    });
  });

  // An operator's question to the provider: where is this payment? The answer arrives like a callback.
  app.post(ROUTES.syncPayment.getRoutingPath(), async (c) => {
    const caller = granted(c, "payments:read");
    if (caller instanceof Response) return caller;
    const paymentId = c.req.param("id");
    const payment = await paymentFor(c, paymentId);
    if (payment instanceof Response) return payment;
    if (payment.view.providerOrderId === null) {
      return problem(c, { status: 409, title: "Nothing to ask yet", detail: `the payment is ${payment.view.status} and has no ${payment.view.provider} order yet; its preview is still on its way` });
    }
    const command: SyncPayment = { envelope: envelopeFor(paymentId, null, { now: now() }) };
    await deps.bus.publish(topics.paymentCommands.name, paymentId, { type: "riel.commands.SyncPayment", value: command });
    deps.log("status query asked", { paymentId });
    return c.json({ paymentId, statusUrl: `/v1/payments/${paymentId}` } satisfies z.infer<typeof syncAcceptedSchema>, 202);
  });

  // The QR image of a pay-in's direct QR flow, to put in an <img> as it is.
  app.get(ROUTES.getPaymentQr.getRoutingPath(), async (c) => {
    const caller = granted(c, "payments:read");
    if (caller instanceof Response) return caller;
    const payment = await paymentFor(c, c.req.param("id"));
    if (payment instanceof Response) return payment;
    const png = qrPng(payment.view.payerInstructions?.qrPngBase64);
    if (png === null) {
      return problem(c, { status: 404, title: "No QR image", detail: "this payment has no QR image: only pay-ins of the QR channel do, once the provider has made it" });
    }
    return c.body(new Uint8Array(png), 200, { "content-type": "image/png", "cache-control": "private, max-age=60" });
  });

  // API keys: who may call, and what. Only `admin` manages them.
  app.post(ROUTES.createApiKey.getRoutingPath(), async (c) => {
    const caller = granted(c, "admin");
    if (caller instanceof Response) return caller;
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const parsed = apiKeyRequestSchema.safeParse(json.body);
    if (!parsed.success) return invalid(c, fieldErrors(parsed.error.issues));
    const { token, info } = await deps.apiKeys.create({ name: parsed.data.name, scopes: parsed.data.scopes, methods: parsed.data.methods ?? null }, now());
    deps.log("API key made", { apiKeyId: info.id, by: caller.id, scopes: info.scopes.join(" ") });
    return c.json({ ...info, token } satisfies z.infer<typeof apiKeyCreatedSchema>, 201);
  });

  app.get(ROUTES.listApiKeys.getRoutingPath(), async (c) => {
    const caller = granted(c, "admin");
    if (caller instanceof Response) return caller;
    return c.json({ apiKeys: (await deps.apiKeys.list()) satisfies Array<z.infer<typeof apiKeySchema>> });
  });

  app.delete(ROUTES.revokeApiKey.getRoutingPath(), async (c) => {
    const caller = granted(c, "admin");
    if (caller instanceof Response) return caller;
    const id = c.req.param("id");
    const revoked = await deps.apiKeys.revoke(id, now());
    switch (revoked.kind) {
      case "NOT_FOUND":
        return problem(c, { status: 404, title: "API key not found", detail: "no API key has this id" });
      case "CONFIGURED":
        return problem(c, { status: 409, title: "Configured API key", detail: "this key comes from INGRESS_API_KEY: remove it there and restart the ingress" });
      case "REVOKED":
        deps.log("API key revoked", { apiKeyId: revoked.info.id, by: caller.id });
        return c.json(revoked.info satisfies z.infer<typeof apiKeySchema>);
      default: {
        const never: never = revoked;
        return never;
      }
    }
  });

  // Merchants' webhook endpoints, and what was delivered to them. Only `webhooks:manage`.
  const webhooks = webhookAdmin(deps.store.webhooks);
  // An id of another shape names no endpoint: it never reaches the store.
  const endpointNamed = async (id: string) => (ENDPOINT_ID.test(id) ? webhooks.get(id) : null);
  const noEndpoint = (c: Context): Response => problem(c, { status: 404, title: "Webhook endpoint not found", detail: "no webhook endpoint has this id" });
  app.post(ROUTES.createWebhookEndpoint.getRoutingPath(), async (c) => {
    const caller = granted(c, "webhooks:manage");
    if (caller instanceof Response) return caller;
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const parsed = endpointRequestSchema.safeParse(json.body);
    if (!parsed.success) return invalid(c, fieldErrors(parsed.error.issues));
    const record = await webhooks.create(parsed.data, now());
    deps.log("webhook endpoint registered", { endpointId: record.id, by: caller.id, eventTypes: record.eventTypes.join(" ") });
    return c.json({ ...endpointInfo(record), secret: record.secret } satisfies z.infer<typeof webhookEndpointCreatedSchema>, 201);
  });

  app.get(ROUTES.listWebhookEndpoints.getRoutingPath(), async (c) => {
    const caller = granted(c, "webhooks:manage");
    if (caller instanceof Response) return caller;
    const endpoints = await webhooks.list();
    const waiting = await Promise.all(endpoints.map((e) => webhooks.waiting(e.id)));
    return c.json({ endpoints: endpoints.map((e, i) => ({ ...e, waiting: waiting[i] ?? 0 }) satisfies z.infer<typeof webhookEndpointListedSchema>) });
  });

  app.delete(ROUTES.deleteWebhookEndpoint.getRoutingPath(), async (c) => {
    const caller = granted(c, "webhooks:manage");
    if (caller instanceof Response) return caller;
    const endpoint = await endpointNamed(c.req.param("id"));
    if (endpoint === null || !(await webhooks.delete(endpoint.id))) return noEndpoint(c);
    deps.log("webhook endpoint removed", { endpointId: endpoint.id, by: caller.id });
    return c.json(endpoint satisfies z.infer<typeof webhookEndpointSchema>);
  });

  app.get(ROUTES.listWebhookDeliveries.getRoutingPath(), async (c) => {
    const caller = granted(c, "webhooks:manage");
    if (caller instanceof Response) return caller;
    const query = deliveryQuerySchema.safeParse(c.req.query());
    if (!query.success) return invalid(c, queryErrors(query.error.issues));
    const endpoint = await endpointNamed(c.req.param("id"));
    if (endpoint === null) return noEndpoint(c);
    const limit = Number(query.data.limit ?? 50);
    const deliveries = await webhooks.deliveries(endpoint.id, { limit, beforeMs: query.data.before === undefined ? undefined : Number(query.data.before) });
    const last = deliveries[deliveries.length - 1];
    const next = deliveries.length === limit && last ? String(Date.parse(last.enqueuedAt)) : null;
    return c.json({ deliveries, next } satisfies z.infer<typeof webhookDeliveryPageSchema>);
  });

  app.post(ROUTES.redeliverWebhook.getRoutingPath(), async (c) => {
    const caller = granted(c, "webhooks:manage");
    if (caller instanceof Response) return caller;
    const id = c.req.param("id");
    // An id of another shape names no delivery: it never reaches the store.
    const result = DELIVERY_ID.test(id) ? await webhooks.redeliver(id, now()) : ({ kind: "NOT_FOUND" } as const);
    switch (result.kind) {
      case "NOT_FOUND":
        return problem(c, { status: 404, title: "Webhook delivery not found", detail: "no delivery has this id, or its endpoint was removed" });
      case "WAITING":
        return problem(c, { status: 409, title: "Waiting already", detail: `the delivery is ${result.delivery.status} and waits to be sent` });
      case "REQUEUED":
        deps.log("webhook redelivery asked", { deliveryId: result.delivery.id, endpointId: result.delivery.endpointId, by: caller.id });
        return c.json(result.delivery satisfies z.infer<typeof webhookDeliverySchema>, 202);
      default: {
        const never: never = result;
        return never;
      }
    }
  });

  // The API's own description, from the same route definitions and schemas as the handlers above.
  let document: ReturnType<typeof ingressDocument> | undefined;
  app.get("/openapi.json", (c) => c.json((document ??= ingressDocument())));
  mountDocs(app, { documentUrl: "/openapi.json", title: "Riel payments API" });
  if (deps.dashboard) mountDashboard(app, { store: deps.store, log: deps.log, now, ...deps.dashboard });

  app.onError((error, c) => {
    deps.log("request failed", { error: error.message });
    return problem(c, { status: 503, title: "Service unavailable", detail: "the request was not taken; retry with the same Idempotency-Key" });
  });
  app.notFound((c) => problem(c, { status: 404, title: "Not found" }));
  return app;
}
