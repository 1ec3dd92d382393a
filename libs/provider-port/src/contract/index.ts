import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InitiatePayment, Money } from "@riel/schemas";
import type { Feature, OrderRef, ProviderPort, WebhookModule } from "../port.js";
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
  close(): Promise<void>;
}

/** Commands the provider's sandbox knows what to do with. */
export interface ContractFixtures {
  /** A payment of each method the provider declares, which its sandbox pays. */
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

/**
 * The connector contract: what every provider port must do against its sandbox, as the bus and
 * store contract suites do for theirs. Features a provider does not declare are skipped, and the
 * skip says so; an operation it lacks must answer NOT_SUPPORTED, never throw.
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
    const test = (name: string, fn: () => Promise<void>, needs?: Feature): void => {
      const reason = options.skip?.[name];
      if (reason) {
        it.skip(`${name} (skipped: ${reason})`, fn);
        return;
      }
      it(name, async (ctx) => {
        if (needs && !has(needs)) {
          ctx.skip(`the provider declares no ${needs}`);
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

    test("declares the methods, countries and features it offers", async () => {
      expect(target.port.capabilities.methods.length).toBeGreaterThan(0);
      expect(target.port.capabilities.countries.every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
      expect(target.webhooks.provider).toBe(target.port.name);
    });

    test("starts a payment of every method it declares, and tells the preview by callback in Riel's statuses", async () => {
      for (const method of target.port.capabilities.methods) {
        const { status } = await previewed(options.fixtures.payable(method, randomUUID()));
        expect(PREVIEWED).toContain(status);
      }
    });

    test("pays on ACCEPT: the payment ends COMPLETED by callback", async () => {
      const method = target.port.capabilities.methods[0] as string;
      const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
      const result = await target.port.confirm(order, "ACCEPT");
      expect(result.kind).toBe("OK");
      if (result.kind === "OK") for (const r of result.reports) expect(r.status).not.toBe("UNSUPPORTED");
      await inbox.waitFor(order.paymentId, "COMPLETED");
    });

    test("cancels on REJECT: the payment ends CANCELED by callback", async () => {
      const method = target.port.capabilities.methods[0] as string;
      const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
      expect((await target.port.confirm(order, "REJECT")).kind).toBe("OK");
      await inbox.waitFor(order.paymentId, "CANCELED");
    });

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
      "OPEN_AMOUNT",
    );

    test(
      "tells where an order is when asked",
      async () => {
        const method = target.port.capabilities.methods[0] as string;
        const { order } = await previewed(options.fixtures.payable(method, randomUUID()));
        const result = await target.port.queryStatus(order);
        expect(result).toMatchObject({ kind: "OK", reports: [{ providerOrderId: order.providerOrderId, status: "CREATED" }] });
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
        const late = await target.port.confirm(order, "ACCEPT");
        expect(["CONFLICT", "REFUSED"]).toContain(late.kind);
      },
      "PREVIEW_EXPIRY",
    );

    test("answers NOT_SUPPORTED for a refund it does not offer, and never throws for it", async () => {
      if (has("REFUND")) return;
      const order = { paymentId: randomUUID(), providerOrderId: randomUUID(), callbackUrl: "http://127.0.0.1:9/cb" };
      expect(await target.port.refund(order, { amount: "1.00", currency: "BRL" }, randomUUID())).toMatchObject({ kind: "NOT_SUPPORTED", operation: "refund" });
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
