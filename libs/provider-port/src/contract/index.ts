import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAmount, isCurrencyCode, parseAmount } from "@riel/rails";
import type { InitiatePayment, Money } from "@riel/schemas";
import type { Feature, OrderRef, ProviderPort, ProviderReport, WebhookModule } from "../port.js";
import { ProviderUnavailable } from "../port.js";
import { CallbackInbox } from "./callback-inbox.js";

/** What the suite needs of a provider's library and sandbox. */
export interface ContractTarget {
  /** The port, pointed at the provider's sandbox. */
  readonly port: ProviderPort;
  /** The same port pointed at an address where nothing answers. */
  readonly unreachable: ProviderPort;
  readonly webhooks: WebhookModule;
  /** Makes the provider expire an order now (PREVIEW_EXPIRY). */
  expire?(providerOrderId: string): Promise<void>;
  /**
   * Plays the payer of a pay-in (PAYER_ACTS) at the provider's sandbox: pays, is refused by the
   * bank, or lets the time run out. The outcome then arrives by callback.
   */
  settle?(providerOrderId: string, outcome: PayerOutcome): Promise<void>;
  close(): Promise<void>;
}

/** What the payer of a pay-in does (PAYER_ACTS). */
export type PayerOutcome = "PAID" | "REJECTED" | "EXPIRED";

/** Commands the provider's sandbox knows what to do with. */
export interface ContractFixtures {
  /**
   * A payment of each method the provider declares, which its sandbox pays (CONFIRM), or whose
   * payer waits to be played by `settle` (PAYER_ACTS). Each call is a new payment of its own.
   */
  readonly payable: (method: string, paymentId: string) => InitiatePayment;
  /** A payment the provider refuses (an unknown key, a bad code). */
  readonly refused: (paymentId: string) => InitiatePayment;
  /** An open-amount payment and the amount to send (OPEN_AMOUNT). */
  readonly openAmount?: { readonly command: (paymentId: string) => InitiatePayment; readonly amount: Money };
}

export interface ContractOptions {
  readonly name: string;
  readonly start: () => Promise<ContractTarget>;
  readonly fixtures: ContractFixtures;
  /** Tests skipped on purpose, each with its reason. */
  readonly skip?: Readonly<Record<string, string>>;
}

const PREVIEWED = ["CREATED", "WAITING_AMOUNT", "PROCESS_LATER"] as const;

/** What a pay-in's payer does, as the status Riel must end in by callback. */
const SETTLED: Readonly<Record<PayerOutcome, string>> = { PAID: "COMPLETED", REJECTED: "REJECTED", EXPIRED: "EXPIRED" };

/**
 * The connector contract: what every provider port must do against its sandbox, as the bus and
 * store contract suites do for theirs. Features a provider does not declare are skipped, and the
 * skip says so; an operation it lacks must answer NOT_SUPPORTED, never throw. Pay-outs (CONFIRM)
 * are previewed by callback and confirmed; pay-ins (PAYER_ACTS) hand the payer instructions at
 * once and tell the payer's outcome by callback.
 */
export function runConnectorContract(options: ContractOptions): void {
  describe(`connector contract: ${options.name}`, () => {
    let target: ContractTarget;
    let inbox: CallbackInbox;
    beforeAll(async () => {
      target = await options.start();
      inbox = new CallbackInbox(target.webhooks);
      await inbox.start();
    });
    afterAll(async () => {
      await inbox?.close();
      await target?.close();
    });

    const has = (feature: Feature): boolean => target.port.capabilities.features.includes(feature);
    const test = (name: string, fn: () => Promise<void>, needs?: Feature | readonly Feature[]): void => {
      const reason = options.skip?.[name];
      if (reason) {
        it.skip(`${name} (skipped: ${reason})`, fn);
        return;
      }
      it(name, async (ctx) => {
        const missing = (needs === undefined ? [] : typeof needs === "string" ? [needs] : needs).filter((f) => !has(f));
        if (missing.length > 0) {
          ctx.skip(`the provider declares no ${missing.join(" and no ")}`);
          return;
        }
        await fn();
      });
    };

    /** Initiates a payment and waits for its preview; returns its order. */
    const previewed = async (command: InitiatePayment): Promise<{ order: OrderRef; status: string }> => {
      const paymentId = command.envelope.paymentId;
      const result = await target.port.initiate(command, inbox.urlFor(paymentId));
      expect(result, JSON.stringify(result)).toMatchObject({ kind: "OK" });
      const preview = await inbox.waitFor(paymentId, ...PREVIEWED);
      expect(preview.providerOrderId).toEqual(expect.any(String));
      return { order: { paymentId, providerOrderId: preview.providerOrderId as string, callbackUrl: inbox.urlFor(paymentId) }, status: preview.status };
    };

    /** Initiates a pay-in; its answer is the one report, AWAITING_PAYMENT with what the payer needs. */
    const awaiting = async (command: InitiatePayment): Promise<{ order: OrderRef; report: ProviderReport }> => {
      const paymentId = command.envelope.paymentId;
      const result = await target.port.initiate(command, inbox.urlFor(paymentId));
      expect(result, JSON.stringify(result)).toMatchObject({ kind: "OK" });
      if (result.kind !== "OK") throw new Error("unreachable");
      expect(result.reports).toHaveLength(1);
      const report = result.reports[0] as ProviderReport;
      expect(report).toMatchObject({ status: "AWAITING_PAYMENT", providerOrderId: expect.any(String), amount: command.amount });
      return { order: { paymentId, providerOrderId: report.providerOrderId as string, callbackUrl: inbox.urlFor(paymentId) }, report };
    };

    /** A new order of the provider's first method, as it stands right after initiate. */
    const started = async (): Promise<{ order: OrderRef; status: string }> => {
      const command = options.fixtures.payable(target.port.capabilities.methods[0] as string, randomUUID());
      if (has("PAYER_ACTS")) {
        const { order, report } = await awaiting(command);
        return { order, status: report.status };
      }
      return previewed(command);
    };

    const settled = async (outcome: PayerOutcome): Promise<void> => {
      if (!target.settle) throw new Error("PAYER_ACTS declared without a settle hook");
      const { order } = await started();
      await target.settle(order.providerOrderId, outcome);
      const report = await inbox.waitFor(order.paymentId, SETTLED[outcome]);
      expect(report.providerOrderId).toBe(order.providerOrderId);
    };

    test("declares the methods, countries and features it offers", async () => {
      expect(target.port.capabilities.methods.length).toBeGreaterThan(0);
      expect(target.port.capabilities.countries.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
      expect(target.webhooks.provider).toBe(target.port.name);
    });

    test("declares how its payments go on: previewed and confirmed (CONFIRM), or paid by the payer (PAYER_ACTS)", async () => {
      expect(has("CONFIRM") || has("PAYER_ACTS")).toBe(true);
    });

    test(
      "starts a payment of every method it declares, and tells the preview by callback in Riel's statuses",
      async () => {
        for (const method of target.port.capabilities.methods) {
          const { status } = await previewed(options.fixtures.payable(method, randomUUID()));
          expect(PREVIEWED).toContain(status);
        }
      },
      "CONFIRM",
    );

    test(
      "starts a pay-in of every method it declares: AWAITING_PAYMENT at once, with what the payer needs",
      async () => {
        for (const method of target.port.capabilities.methods) {
          const { report } = await awaiting(options.fixtures.payable(method, randomUUID()));
          const instructions = report.payerInstructions;
          expect(instructions, "payerInstructions").not.toBeNull();
          if (!instructions) return;
          expect(instructions.paymentUrl ?? instructions.qrPngBase64, "a payment link or a QR image").toEqual(expect.any(String));
          if (instructions.expiresAt !== null) expect(Date.parse(instructions.expiresAt)).toBeGreaterThan(Date.now());
        }
      },
      "PAYER_ACTS",
    );

    test(
      "starts a pay-in once however often the command is delivered: the same order again",
      async () => {
        const command = options.fixtures.payable(target.port.capabilities.methods[0] as string, randomUUID());
        const first = await awaiting(command);
        const again = await awaiting(command);
        expect(again.order.providerOrderId).toBe(first.order.providerOrderId);
      },
      "PAYER_ACTS",
    );

    test("tells a pay-in paid by the payer: COMPLETED by callback", () => settled("PAID"), "PAYER_ACTS");
    test("tells a pay-in the payer's bank refused: REJECTED by callback", () => settled("REJECTED"), "PAYER_ACTS");
    test("tells a pay-in whose payer's time ran out: EXPIRED by callback", () => settled("EXPIRED"), "PAYER_ACTS");

    test("pays on ACCEPT: the payment ends COMPLETED by callback", async () => {
      const method = target.port.capabilities.methods[0] as string;
      const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
      const result = await target.port.confirm(order, "ACCEPT", null);
      expect(result.kind).toBe("OK");
      if (result.kind === "OK") for (const r of result.reports) expect(r.status).not.toBe("UNSUPPORTED");
      await inbox.waitFor(order.paymentId, "COMPLETED");
    }, "CONFIRM");

    test("cancels on REJECT: the payment ends CANCELED by callback", async () => {
      const method = target.port.capabilities.methods[0] as string;
      const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
      expect((await target.port.confirm(order, "REJECT", null)).kind).toBe("OK");
      await inbox.waitFor(order.paymentId, "CANCELED");
    }, "CONFIRM");

    test(
      "refunds a paid order in parts: PARTIALLY_REFUNDED, then REFUNDED, each with its own amount, by callback",
      async () => {
        const command = options.fixtures.payable(target.port.capabilities.methods[0] as string, randomUUID());
        const paid = command.amount;
        if (paid === null || !isCurrencyCode(paid.currency)) throw new Error("the payable fixture must carry an amount in a known currency");
        const { order } = await previewed(command);
        expect((await target.port.confirm(order, "ACCEPT", null)).kind).toBe("OK");
        await inbox.waitFor(order.paymentId, "COMPLETED");
        const total = parseAmount(paid.amount, paid.currency);
        if (!total.ok) throw new Error(`unreadable fixture amount ${paid.amount}`);
        const part: Money = { amount: formatAmount({ currency: paid.currency, minor: 100n }), currency: paid.currency };
        const rest: Money = { amount: formatAmount({ currency: paid.currency, minor: total.value.minor - 100n }), currency: paid.currency };
        expect((await target.port.refund(order, part, randomUUID())).kind).toBe("OK");
        expect((await inbox.waitFor(order.paymentId, "PARTIALLY_REFUNDED")).refundAmount).toEqual(part);
        expect((await target.port.refund(order, rest, randomUUID())).kind).toBe("OK");
        expect((await inbox.waitFor(order.paymentId, "REFUNDED")).refundAmount).toEqual(rest);
      },
      ["CONFIRM", "REFUND", "PARTIAL_REFUND"],
    );

    test("answers a refusal as a value with a code, not a throw", async () => {
      const paymentId = randomUUID();
      const result = await target.port.initiate(options.fixtures.refused(paymentId), inbox.urlFor(paymentId));
      expect(result).toMatchObject({ kind: "REFUSED", code: expect.any(String), reason: expect.any(String) });
    });

    test(
      "takes an open amount, then tells the priced preview",
      async () => {
        const open = options.fixtures.openAmount;
        if (!open) throw new Error("OPEN_AMOUNT declared without an openAmount fixture");
        const { order, status } = await previewed(open.command(randomUUID()));
        expect(status).toBe("WAITING_AMOUNT");
        expect((await target.port.setAmount(order, open.amount, randomUUID())).kind).toBe("OK");
        const priced = await inbox.waitFor(order.paymentId, "CREATED");
        expect(priced.amount).toEqual(open.amount);
      },
      ["OPEN_AMOUNT", "CONFIRM"],
    );

    test(
      "tells where an order is when asked",
      async () => {
        const { order, status } = await started();
        const result = await target.port.queryStatus(order);
        expect(result).toMatchObject({ kind: "OK", reports: [{ providerOrderId: order.providerOrderId, status }] });
      },
      "STATUS_QUERY",
    );

    test(
      "expires a preview not confirmed in time: CANCELED by callback, and a late ACCEPT pays nothing",
      async () => {
        if (!target.expire) throw new Error("PREVIEW_EXPIRY declared without an expire hook");
        const method = target.port.capabilities.methods[0] as string;
        const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
        await target.expire(order.providerOrderId);
        await inbox.waitFor(order.paymentId, "CANCELED");
        const late = await target.port.confirm(order, "ACCEPT", null);
        expect(["CONFLICT", "REFUSED"]).toContain(late.kind);
      },
      ["PREVIEW_EXPIRY", "CONFIRM"],
    );

    test("answers NOT_SUPPORTED for the steps it does not offer (refund, confirm, amount), and never throws for them", async () => {
      const order = { paymentId: randomUUID(), providerOrderId: randomUUID(), callbackUrl: "http://127.0.0.1:9/cb" };
      const amount = { amount: "1.00", currency: "BRL" };
      if (!has("REFUND")) expect(await target.port.refund(order, amount, randomUUID())).toMatchObject({ kind: "NOT_SUPPORTED", operation: "refund" });
      if (!has("CONFIRM")) {
        for (const decision of ["ACCEPT", "REJECT"] as const) {
          expect(await target.port.confirm(order, decision, null)).toMatchObject({ kind: "NOT_SUPPORTED", operation: "confirm" });
        }
      }
      if (!has("OPEN_AMOUNT")) expect(await target.port.setAmount(order, amount, randomUUID())).toMatchObject({ kind: "NOT_SUPPORTED", operation: "setAmount" });
    });

    test("throws ProviderUnavailable when the provider cannot be reached, so the command is retried", async () => {
      const method = target.port.capabilities.methods[0] as string;
      await expect(target.unreachable.initiate(options.fixtures.payable(method, randomUUID()), "http://127.0.0.1:9/cb")).rejects.toBeInstanceOf(ProviderUnavailable);
    });

    test("reads its callbacks only for the payment they name", async () => {
      const sample = inbox.received[0];
      expect(sample, "an earlier test received a callback").toBeDefined();
      if (!sample) return;
      expect(target.webhooks.parse(sample.body, randomUUID()).kind).toBe("INVALID");
      expect(target.webhooks.parse("{not json", sample.paymentId).kind).toBe("INVALID");
    });
  });
}
