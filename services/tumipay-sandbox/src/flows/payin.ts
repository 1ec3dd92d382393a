import { bodyStringField, compare, fingerprintBody, parseDecimal, stringifyJson, type SandboxEnv } from "@riel/sandbox-kit";
import type { Context, Hono } from "hono";
import { ENDPOINTS, referenceStream } from "../endpoints.js";
import { jsonText } from "../http/json-text.js";
import { validatePayin, type PayinRequest } from "../http/payin-request.js";
import { cipOf } from "../qr/cip.js";
import { qrPayload, qrPngBase64 } from "../qr/payment-qr.js";
import type { SandboxContext } from "../sandbox-context.js";
import { testBehaviour, TUMIPAY_TEST_DATA, type TestBehaviour } from "../test-data.js";
import { ACTIVE_STATUSES } from "../transactions/transaction-store.js";
import {
  duplicateReference,
  qrAmountLimitExceeded,
  qrGenerationFailed,
  transactionInProgress,
  validationFailed,
} from "../wire/error-bodies.js";
import { payinAnswer } from "../wire/tumipay-bodies.js";

// POST /api/v1/payin. Order of checks: field rules (400); the reference seen
// before (same body: the first answer again, nothing created; other body: 400
// DUPLICATE_REFERENCE); QR over the limit (422); an active transaction for
// the same email and amount (400 TRANSACTION_IN_PROGRESS); QR generation
// failure (200 code "00"); then the transaction is created.

interface StoredAnswer {
  readonly text: string;
}

interface ReferenceEntry {
  /** The kit's fingerprint of the body's JSON value (key order, whitespace, 50 vs 50.00 do not matter). */
  readonly fingerprint: string;
  /** Settles once the first create is answered; concurrent duplicates wait for it. */
  readonly answer: Promise<StoredAnswer>;
}

const QR_LIMIT = parseDecimal(TUMIPAY_TEST_DATA.qrAmountLimit) ?? { units: 50_000n, scale: 2 };
const MINUTE_MS = 60_000;

export function registerPayinRoutes(app: Hono<SandboxEnv>, ctx: SandboxContext): void {
  /** References whose create succeeded (or is being answered): the reference is unique from then on. */
  const entries = new Map<string, ReferenceEntry>();
  /** Creates of a qr-flaky reference so far. */
  const qrAttempts = new Map<string, number>();

  const referenceOf = (c: Context<SandboxEnv>): string | undefined => {
    const reference = bodyStringField(c, "reference");
    return reference === undefined ? undefined : referenceStream(reference);
  };

  const qrFails = (request: PayinRequest, behaviour: TestBehaviour): boolean => {
    if (ctx.faults.takeQrError(request.reference)) return true;
    if (request.paymentMethod !== "QR") return false;
    if (behaviour.kind === "qr_broken") return true;
    if (behaviour.kind !== "qr_flaky") return false;
    const attempt = (qrAttempts.get(request.reference) ?? 0) + 1;
    qrAttempts.set(request.reference, attempt);
    return attempt <= TUMIPAY_TEST_DATA.qrFlakyFailures;
  };

  const inProgress = (request: PayinRequest): boolean =>
    ctx.transactions
      .findActive(request.customer.email, request.amount)
      // current() expires first what the sandbox clock says is over.
      .some((t) => t.reference !== request.reference && ACTIVE_STATUSES.has(ctx.lifecycle.current(t.ticket)?.status ?? "EXPIRED"));

  const paymentUrl = (c: Context<SandboxEnv>, ticket: string): string =>
    `${ctx.publicUrl ?? new URL(c.req.url).origin}/payments/main?s=${encodeURIComponent(ticket)}`;

  app.post(ENDPOINTS.payin.path, ctx.endpoint("payin", { streamOf: referenceOf }), async (c) => {
    const body = c.get("body");
    const named = bodyStringField(c, "reference");
    if (named !== undefined) ctx.references.add(named);
    const validation = validatePayin(body.parsed);
    if (!validation.ok) return c.json(validationFailed(validation.errors), 400);
    const request = validation.request;
    const stream = referenceStream(request.reference);

    const fingerprint = fingerprintBody(body);
    const seen = entries.get(request.reference);
    if (seen !== undefined) {
      if (seen.fingerprint !== fingerprint) {
        ctx.stats.count("payin", "idempotencyConflicts", stream);
        return c.json(duplicateReference(), 400);
      }
      ctx.stats.count("payin", "replays", stream);
      return jsonText(c, 200, (await seen.answer).text);
    }

    const amount = parseDecimal(request.amount);
    if (request.paymentMethod === "QR" && amount !== undefined && compare(amount, QR_LIMIT) > 0) {
      return c.json(qrAmountLimitExceeded(TUMIPAY_TEST_DATA.qrAmountLimit), 422);
    }
    if (inProgress(request)) return c.json(transactionInProgress(), 400);
    const behaviour = testBehaviour(request.customer.email);
    if (qrFails(request, behaviour)) return c.json(qrGenerationFailed(), 200);

    // From here on the reference is taken: register it before the first await,
    // so a concurrent duplicate waits for this answer instead of creating again.
    let settle: (answer: StoredAnswer) => void = () => {};
    let fail: (error: unknown) => void = () => {};
    const answer = new Promise<StoredAnswer>((resolve, reject) => {
      settle = resolve;
      fail = reject;
    });
    // A rejected answer that nobody awaits must not become an unhandled rejection.
    answer.catch(() => {});
    entries.set(request.reference, { fingerprint, answer });

    const ticket = ctx.newTicket();
    const createdAt = ctx.now();
    const transaction = ctx.transactions.create({
      ticket,
      reference: request.reference,
      amountText: request.amountText,
      amount: request.amount,
      currency: request.currency,
      paymentMethod: request.paymentMethod,
      ipnUrl: request.ipnUrl,
      redirectUrl: request.redirectUrl,
      description: request.description,
      customer: request.customer,
      paymentUrl: paymentUrl(c, ticket),
      qrPayload: request.paymentMethod === "QR" ? qrPayload(ticket, request.amount) : null,
      cip: request.paymentMethod === "PAGOEFECTIVO" ? cipOf(ticket) : null,
      expiresAt: new Date(createdAt.getTime() + request.expirationMinutes * MINUTE_MS),
    });

    let png: string | undefined;
    try {
      png = transaction.qrPayload === null ? undefined : await qrPngBase64(transaction.qrPayload);
    } catch (error) {
      // A fault of the sandbox itself: undo, so the reference stays free for a retry.
      ctx.transactions.remove(ticket);
      entries.delete(request.reference);
      fail(error);
      throw error;
    }
    ctx.stats.count("payin", "effects", stream);
    ctx.lifecycle.started(transaction, behaviour);
    const stored: StoredAnswer = {
      text: stringifyJson(
        payinAnswer(transaction, {
          qrPngBase64: png,
          echoAmountText: behaviour.kind === "amount_quirk" ? TUMIPAY_TEST_DATA.quirkEchoAmount : undefined,
        }),
      ),
    };
    settle(stored);

    const slow = ctx.faults.takeSlowAnswer(request.reference) || behaviour.kind === "slow";
    if (slow) await ctx.hold();
    return jsonText(c, 200, stored.text);
  });
}
