import fc from "fast-check";
import { describe, expect, it } from "vitest";
import vectors from "../../test-vectors.json" with { type: "json" };
import { CURRENCY_CODES, isCurrencyCode, type CurrencyCode } from "../currency/index.js";
import { formatAmount, parseAmount, type Money } from "../money/index.js";
import {
  apply,
  canTransition,
  isFinalStatus,
  isOrderStatus,
  newOrder,
  ORDER_STATUSES,
  refundable,
  type ApplyResult,
  type EventSource,
  type OrderEvent,
  type OrderState,
  type ReportedStatus,
} from "./index.js";

function money(value: string | number, currency: CurrencyCode): Money {
  const parsed = parseAmount(value, currency);
  if (!parsed.ok) throw new Error(`bad amount in vector: ${parsed.error.message}`);
  return parsed.value;
}

function currencyOf(code: string): CurrencyCode {
  if (!isCurrencyCode(code)) throw new Error(`unknown currency in vector: ${code}`);
  return code;
}

function source(value: string): EventSource {
  if (value === "PROVIDER_CALLBACK" || value === "STATUS_QUERY" || value === "COMMAND") return value;
  throw new Error(`unknown source in vector: ${value}`);
}

function reported(value: string | undefined): ReportedStatus {
  if (value === undefined || !isOrderStatus(value) || value === "PARTIALLY_REFUNDED") throw new Error(`bad status in vector: ${value}`);
  return value;
}

type VectorEvent = (typeof vectors.orderTraces)[number]["events"][number];

function toEvent(vector: VectorEvent, currency: CurrencyCode): OrderEvent {
  const base = { eventId: vector.eventId, source: source(vector.source), at: vector.at };
  const amountCurrency = "currency" in vector && typeof vector.currency === "string" ? currencyOf(vector.currency) : currency;
  const amount = "amount" in vector && vector.amount !== undefined ? money(vector.amount, amountCurrency) : undefined;
  if (vector.type === "REFUND") {
    if (amount === undefined) throw new Error("refund vector without amount");
    return { ...base, type: "REFUND", amount };
  }
  return { ...base, type: "STATUS", status: reported("status" in vector ? vector.status : undefined), amount };
}

const show = (m: Money | null): string | null => (m === null ? null : formatAmount(m));

describe("apply (test-vectors.json orderTraces)", () => {
  for (const trace of vectors.orderTraces) {
    it(trace.name, () => {
      const currency = currencyOf(trace.initial.currency);
      let state =
        trace.initial.amount === null ? newOrder({ currency }) : newOrder({ amount: money(trace.initial.amount, currency) });
      const results: ApplyResult[] = [];
      for (const vector of trace.events) {
        const result = apply(state, toEvent(vector, currency));
        results.push(result);
        state = result.state;
      }
      expect(results.map((r) => r.kind)).toEqual(trace.expect.kinds);
      const rejections = results.flatMap((r) => (r.kind === "REJECTED" ? [r.rule] : []));
      expect(rejections).toEqual("rejections" in trace.expect ? trace.expect.rejections : []);
      expect({ status: state.status, amount: show(state.amount), paid: show(state.paid), refunded: show(state.refunded) }).toEqual(
        trace.expect.final,
      );
    });
  }
});

const brl = (minor: bigint): Money => ({ currency: "BRL", minor });
let counter = 0;
const status = (s: ReportedStatus, from: EventSource = "PROVIDER_CALLBACK", amount?: Money): OrderEvent => ({
  type: "STATUS",
  eventId: `s${++counter}`,
  source: from,
  at: "2025-05-30T11:14:25.115Z",
  status: s,
  amount,
});
const refund = (minor: bigint): OrderEvent => ({
  type: "REFUND",
  eventId: `r${++counter}`,
  source: "PROVIDER_CALLBACK",
  at: "2025-05-26T15:30:56.842Z",
  amount: brl(minor),
});

describe("order state machine", () => {
  it("knows which statuses are final: COMPLETED is not, because refunds follow it", () => {
    expect(ORDER_STATUSES.filter(isFinalStatus)).toEqual(["CANCELED", "REJECTED", "FAILED", "REFUNDED", "DECLINED", "EXPIRED"]);
  });

  it("takes a pay-in from AWAITING_PAYMENT to paid, and keeps a late PENDING from reopening an expired one", () => {
    let state = newOrder({ amount: { currency: "PEN", minor: 15000n } });
    for (const [i, status] of (["AWAITING_PAYMENT", "COMPLETED"] as const).entries()) {
      const r = apply(state, { type: "STATUS", eventId: `e${i}`, source: "PROVIDER_CALLBACK", at: "t", status });
      expect(r.kind).toBe("APPLIED");
      state = r.state;
    }
    expect(state.paid).toEqual({ currency: "PEN", minor: 15000n });
    let expired = newOrder({ amount: { currency: "PEN", minor: 15000n } });
    expired = apply(expired, { type: "STATUS", eventId: "x1", source: "PROVIDER_CALLBACK", at: "t", status: "EXPIRED" }).state;
    const late = apply(expired, { type: "STATUS", eventId: "x2", source: "PROVIDER_CALLBACK", at: "t", status: "PROCESSING" });
    expect(late.kind).toBe("STALE");
    expect(late.state.status).toBe("EXPIRED");
  });

  it("allows forward moves, including ones that skip a missed status", () => {
    expect(canTransition(null, "COMPLETED")).toBe(true);
    expect(canTransition("WAITING_AMOUNT", "CREATED")).toBe(true);
    expect(canTransition("CREATED", "COMPLETED")).toBe(true);
    expect(canTransition("COMPLETED", "REFUNDED")).toBe(true);
    expect(canTransition("COMPLETED", "PROCESSING")).toBe(false);
    expect(canTransition("PROCESSING", "CANCELED")).toBe(false);
    expect(canTransition("WAITING_AMOUNT", "PROCESS_LATER")).toBe(false);
    for (const final of ORDER_STATUSES.filter(isFinalStatus)) {
      for (const to of ORDER_STATUSES) expect(canTransition(final, to)).toBe(false);
    }
  });

  it("records the source, event id and time of each change", () => {
    const first = apply(newOrder({ amount: brl(1000n) }), { type: "STATUS", eventId: "cb-1", source: "PROVIDER_CALLBACK", at: "t1", status: "CREATED" });
    const second = apply(first.state, { type: "STATUS", eventId: "sq-1", source: "STATUS_QUERY", at: "t2", status: "COMPLETED" });
    expect(second.state.history).toEqual([
      { eventId: "cb-1", source: "PROVIDER_CALLBACK", at: "t1", type: "STATUS", status: "CREATED", effect: "APPLIED", amount: null },
      { eventId: "sq-1", source: "STATUS_QUERY", at: "t2", type: "STATUS", status: "COMPLETED", effect: "APPLIED", amount: null },
    ]);
  });

  it("never modifies the state it is given", () => {
    const start = newOrder({ amount: brl(1000n) });
    const snapshot = structuredClone(start);
    apply(start, status("COMPLETED"));
    expect(start).toEqual(snapshot);
  });

  it("returns the very same state for DUPLICATE and REJECTED", () => {
    const completed = apply(newOrder({ amount: brl(1000n) }), status("COMPLETED")).state;
    const event = refund(400n);
    const once = apply(completed, event);
    expect(apply(once.state, event)).toEqual({ kind: "DUPLICATE", state: once.state });
    const tooMuch = apply(once.state, refund(601n));
    expect(tooMuch.kind).toBe("REJECTED");
    expect(tooMuch.state).toBe(once.state);
  });

  it("explains a stale event and a rejection in words", () => {
    const completed = apply(newOrder({ amount: brl(1000n) }), status("COMPLETED")).state;
    expect(apply(completed, status("PROCESSING"))).toMatchObject({
      kind: "STALE",
      reason: "PROCESSING arrived after COMPLETED, which comes later; the order stays COMPLETED",
    });
    const failed = apply(newOrder({ amount: brl(1000n) }), status("FAILED")).state;
    expect(apply(failed, status("COMPLETED"))).toMatchObject({
      kind: "REJECTED",
      rule: "IMPOSSIBLE_TRANSITION",
      reason: "cannot move from FAILED to COMPLETED: FAILED is final",
    });
    const processing = apply(newOrder({ amount: brl(1000n) }), status("PROCESSING")).state;
    expect(apply(processing, status("CANCELED"))).toMatchObject({
      reason: "cannot move from PROCESSING to CANCELED: PROCESSING never leads to CANCELED",
    });
  });

  it("says how much is left to refund", () => {
    const open = newOrder({ currency: "BRL" });
    expect(refundable(open)).toBeNull();
    const completed = apply(newOrder({ amount: brl(1000n) }), status("COMPLETED")).state;
    expect(refundable(completed)).toEqual(brl(1000n));
    expect(refundable(apply(completed, refund(250n)).state)).toEqual(brl(750n));
  });

  it("takes a duplicate with the same amount as a duplicate, and a different amount as a reused id", () => {
    const state = apply(newOrder({ amount: brl(1000n) }), { ...status("CREATED"), eventId: "p", amount: brl(1000n) }).state;
    expect(apply(state, { ...status("CREATED"), eventId: "p", amount: brl(1000n) }).kind).toBe("DUPLICATE");
    expect(apply(state, { ...status("CREATED"), eventId: "p" })).toMatchObject({ kind: "REJECTED", rule: "EVENT_ID_REUSED" });
    expect(apply(state, { ...refund(1000n), eventId: "p" })).toMatchObject({ kind: "REJECTED", rule: "EVENT_ID_REUSED" });
    const refunded = apply(apply(state, status("COMPLETED")).state, { ...refund(100n), eventId: "q" }).state;
    expect(apply(refunded, { ...refund(200n), eventId: "q" })).toMatchObject({ kind: "REJECTED", rule: "EVENT_ID_REUSED" });
    expect(apply(refunded, { ...status("COMPLETED"), eventId: "q" })).toMatchObject({ kind: "REJECTED", rule: "EVENT_ID_REUSED" });
  });

  it("rejects a status carrying an amount in another currency or of zero", () => {
    const state = newOrder({ currency: "BRL" });
    expect(apply(state, status("CREATED", "COMMAND", { currency: "PEN", minor: 100n }))).toMatchObject({ rule: "CURRENCY_MISMATCH" });
    expect(apply(state, status("CREATED", "COMMAND", brl(0n)))).toMatchObject({ rule: "AMOUNT_NOT_POSITIVE" });
  });

  it("keeps a reported REFUNDED as fully refunded even before the amount is known", () => {
    const state = apply(newOrder({ currency: "BRL" }), status("REFUNDED", "STATUS_QUERY")).state;
    expect(state).toMatchObject({ status: "REFUNDED", paid: null, refunded: brl(0n) });
    const told = apply(state, status("COMPLETED", "STATUS_QUERY", brl(700n)));
    expect(told).toMatchObject({ kind: "STALE", state: { status: "REFUNDED", paid: brl(700n), refunded: brl(700n) } });
  });
});

// ---------------------------------------------------------------------------
// Properties

const sources: readonly EventSource[] = ["PROVIDER_CALLBACK", "STATUS_QUERY", "COMMAND"];

interface Trace {
  readonly currency: CurrencyCode;
  readonly amount: Money;
  readonly events: readonly OrderEvent[];
}

/** An ordered delivery that the provider documents allow for one payment. */
const validTrace: fc.Arbitrary<Trace> = fc
  .record({
    currency: fc.constantFrom(...CURRENCY_CODES),
    amountMinor: fc.bigInt({ min: 1n, max: 1_000_000n }),
    before: fc.constantFrom<ReportedStatus[]>([], ["WAITING_AMOUNT"], ["PROCESS_LATER"]),
    created: fc.boolean(),
    processing: fc.boolean(),
    outcome: fc.constantFrom<ReportedStatus | null>(null, "COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "REJECTED", "CANCELED"),
    refundShares: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 5 }),
    reportRefundedAfter: fc.option(fc.nat(), { nil: null }),
    reconfirm: fc.array(fc.nat(), { maxLength: 3 }),
    sourcePicks: fc.array(fc.nat({ max: 2 }), { minLength: 20, maxLength: 20 }),
    carryAmount: fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
  })
  .map((g) => {
    const amount: Money = { currency: g.currency, minor: g.amountMinor };
    let id = 0;
    const pick = <T,>(list: readonly T[], i: number): T => list[i % list.length] as T;
    const statusEvent = (s: ReportedStatus): OrderEvent => {
      const n = id++;
      return {
        type: "STATUS",
        eventId: `s${n}`,
        source: pick(sources, pick(g.sourcePicks, n)),
        at: `t${n}`,
        status: s,
        amount: pick(g.carryAmount, n) ? amount : undefined,
      };
    };
    const path: ReportedStatus[] = [...g.before];
    if (g.created) path.push("CREATED");
    if (g.processing && g.outcome !== "CANCELED") path.push("PROCESSING");
    if (g.outcome !== null) path.push(g.outcome);
    const events: OrderEvent[] = path.map(statusEvent);
    // Re-reports of a status already reached, as a status query would confirm a callback.
    for (const r of g.reconfirm) if (path.length > 0) events.push(statusEvent(pick(path, r)));
    if (g.outcome === "COMPLETED") {
      let total = 0n;
      const refunds: OrderEvent[] = [];
      for (const share of g.refundShares) {
        const part = (g.amountMinor * BigInt(share)) / 100n;
        if (part === 0n || total + part > g.amountMinor) continue;
        total += part;
        const n = id++;
        refunds.push({ type: "REFUND", eventId: `r${n}`, source: "PROVIDER_CALLBACK", at: `t${n}`, amount: { currency: g.currency, minor: part } });
      }
      if (g.reportRefundedAfter !== null) refunds.splice(g.reportRefundedAfter % (refunds.length + 1), 0, statusEvent("REFUNDED"));
      events.push(...refunds);
    }
    return { currency: g.currency, amount, events };
  });

function deliver(start: OrderState, events: readonly OrderEvent[]): { state: OrderState; results: ApplyResult[] } {
  let state = start;
  const results: ApplyResult[] = [];
  for (const event of events) {
    const result = apply(state, event);
    results.push(result);
    state = result.state;
  }
  return { state, results };
}

const outcome = (s: OrderState) => ({
  status: s.status,
  amount: s.amount,
  paid: s.paid,
  refunded: s.refunded,
  events: s.history.map((h) => h.eventId).sort(),
});

describe("order state properties", () => {
  it("any delivery order, with re-deliveries, ends where the ordered delivery ends", () => {
    const reordered = validTrace.chain((trace) =>
      fc.record({
        trace: fc.constant(trace),
        order: fc.shuffledSubarray([...trace.events], { minLength: trace.events.length, maxLength: trace.events.length }),
        again: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 4 }),
      }),
    );
    fc.assert(
      fc.property(reordered, ({ trace, order, again }) => {
        const delivered = [...order];
        for (const [which, where] of again) {
          const event = trace.events[which % Math.max(1, trace.events.length)];
          if (event) delivered.splice(where % (delivered.length + 1), 0, event);
        }
        const ordered = deliver(newOrder({ amount: trace.amount }), trace.events);
        const shuffled = deliver(newOrder({ amount: trace.amount }), delivered);
        expect(ordered.results.filter((r) => r.kind === "REJECTED")).toEqual([]);
        expect(shuffled.results.filter((r) => r.kind === "REJECTED")).toEqual([]);
        expect(outcome(shuffled.state)).toEqual(outcome(ordered.state));
      }),
      { numRuns: 500 },
    );
  });

  it("refunds never exceed the paid amount and final states never move, whatever arrives", () => {
    const currency: CurrencyCode = "BRL";
    const anyEvent: fc.Arbitrary<OrderEvent> = fc.oneof(
      fc.record({
        type: fc.constant("STATUS" as const),
        eventId: fc.constantFrom("a", "b", "c", "d", "e", "f", "g", "h"),
        source: fc.constantFrom(...sources),
        at: fc.constant("t"),
        status: fc.constantFrom<ReportedStatus>(...ORDER_STATUSES.filter((s): s is ReportedStatus => s !== "PARTIALLY_REFUNDED")),
        amount: fc.option(fc.bigInt({ min: 0n, max: 2000n }).map((minor) => ({ currency, minor })), { nil: undefined }),
      }),
      fc.record({
        type: fc.constant("REFUND" as const),
        eventId: fc.constantFrom("r1", "r2", "r3", "r4", "r5", "r6", "a"),
        source: fc.constantFrom(...sources),
        at: fc.constant("t"),
        amount: fc.bigInt({ min: 0n, max: 1200n }).map((minor) => ({ currency, minor })),
      }),
    );
    const start = fc.option(fc.bigInt({ min: 1n, max: 2000n }), { nil: null }).map((minor) =>
      minor === null ? newOrder({ currency }) : newOrder({ amount: { currency, minor } }),
    );
    fc.assert(
      fc.property(start, fc.array(anyEvent, { maxLength: 25 }), (initial, events) => {
        let state = initial;
        for (const event of events) {
          const result = apply(state, event);
          const next = result.state;
          if (result.kind === "DUPLICATE" || result.kind === "REJECTED") expect(next).toBe(state);
          else expect(next.history).toHaveLength(state.history.length + 1);
          if (state.status !== null && isFinalStatus(state.status)) expect(next.status).toBe(state.status);
          if (next.paid === null) expect(next.refunded.minor).toBe(0n);
          else expect(next.refunded.minor <= next.paid.minor).toBe(true);
          if (next.status === "PARTIALLY_REFUNDED" && next.paid !== null) {
            expect(next.refunded.minor > 0n && next.refunded.minor < next.paid.minor).toBe(true);
          }
          if (next.status === "REFUNDED" && next.paid !== null) expect(next.refunded).toEqual(next.paid);
          state = next;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
