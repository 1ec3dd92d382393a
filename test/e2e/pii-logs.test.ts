import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import { connectInfra, createLog, infraFromEnv } from "@riel/runtime";
import type { Infra } from "@riel/runtime";
import { StatusWatcher, http, pixPayment, TEST_API_KEY } from "./harness.js";

/** The personal data the three payments carry, in every form it could be printed in. */
const PERSONAL = [
  // Pix: the payer, and a CPF key
  "Joao Santos",
  "Joao",
  "Santos",
  "39053344705",
  "390.533.447-05",
  "0009795493",
  // Peru phone key: the payee's phone, the payer's DNI
  "+51987654321",
  "+51 987 654 321",
  "51987654321",
  "987654321",
  "987 654 321",
  "987-654-321",
  "Ana Quispe",
  "Quispe",
  "12345678",
  // TumiPay pay-in: the customer
  "rosa.huaman@example.com",
  "rosa.huaman",
  "Rosa Huaman",
  "Huaman",
];

describe("logs of a running Riel hold no personal data", () => {
  const lines: string[] = [];
  let riel: RunningRiel;
  let watcherInfra: Infra;
  let watcher: StatusWatcher;
  const paymentIds: string[] = [];

  beforeAll(async () => {
    const infra = infraFromEnv({});
    if (infra.kind !== "embedded") throw new Error("expected the embedded infrastructure");
    // The logger every service of Riel writes through, capturing instead of printing.
    riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: createLog("riel", (line) => lines.push(line), { level: "trace" }) });
    watcherInfra = await connectInfra(infra, `e2e-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(watcherInfra.bus);
  });
  afterAll(async () => {
    await watcher?.stop();
    await watcherInfra?.close();
    await riel?.stop();
  });

  const create = async (body: Record<string, unknown>): Promise<string> => {
    const res = await http("POST", `${riel.ingressUrl}/v1/payments`, body, { "idempotency-key": randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    const paymentId = res.body.paymentId as string;
    paymentIds.push(paymentId);
    return paymentId;
  };
  const accept = async (paymentId: string, walletId?: string): Promise<void> => {
    const res = await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT", ...(walletId ? { walletId } : {}) }, { "idempotency-key": randomUUID() });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
  };

  it("a Pix payment to a CPF key, to COMPLETED", async () => {
    const paymentId = await create(pixPayment());
    await watcher.waitFor(paymentId, "CREATED");
    await accept(paymentId);
    await watcher.waitFor(paymentId, "COMPLETED");
  });

  it("a Peru phone key payment, the payee's wallet chosen, to COMPLETED", async () => {
    const paymentId = await create({
      method: "PERU_KEY",
      payeeKey: "+51987654321",
      amount: { amount: "25.00", currency: "PEN" },
      payer: { fullName: "Ana Quispe", currency: "PEN", accountNumber: "0009795493", taxId: "12345678", taxIdType: "DNI" },
      externalReference: `pe-${randomUUID().slice(0, 8)}`,
    });
    await watcher.waitFor(paymentId, "CREATED");
    const view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`);
    const walletId = ((view.body.wallets as Array<{ id: string }> | null) ?? []).at(-1)?.id;
    expect(walletId).toEqual(expect.any(String));
    await accept(paymentId, walletId);
    await watcher.waitFor(paymentId, "COMPLETED");
  });

  it("a TumiPay pay-in, paid by the customer, to COMPLETED", async () => {
    const paymentId = await create({
      method: "PERU_PAYIN",
      channel: "BANK_TRANSFER",
      amount: { amount: "150.00", currency: "PEN" },
      customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "rosa.huaman@example.com", fullName: "Rosa Huaman" },
      redirectUrl: "https://shop.example.com/paid",
      externalReference: `pi-${randomUUID().slice(0, 8)}`,
    });
    const awaiting = await watcher.waitFor(paymentId, "AWAITING_PAYMENT");
    const paid = await http("POST", `${riel.tumipaySandboxUrl}/__sandbox/transactions/${awaiting.providerOrderId as string}/approve`, {});
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    await watcher.waitFor(paymentId, "COMPLETED");
  });

  it("logged each payment by its id, through every service, and none of the personal data", () => {
    expect(paymentIds).toHaveLength(3);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(entry).toEqual(expect.objectContaining({ time: expect.any(String), level: expect.any(String), service: expect.any(String), message: expect.any(String) }));
    }
    const output = lines.join("\n");
    for (const paymentId of paymentIds) {
      const about = entries.filter((e) => e.paymentId === paymentId).map((e) => e.message);
      // The ingress, the connector, the webhook receiver and the projector each said something.
      expect(about).toEqual(expect.arrayContaining(["payment accepted", "command handled", "callback accepted", "event projected"]));
    }
    expect(entries.filter((e) => e.message === "callback accepted").every((e) => typeof e.eventId === "string")).toBe(true);
    for (const value of PERSONAL) expect(output, `"${value}" in the logs`).not.toContain(value);
  });

  it("shows a payments:read key no tax id, account number or full payment key, and payments:read:personal the collector's tax id whole", async () => {
    const keyWith = async (scopes: string[]): Promise<Record<string, string>> => {
      const made = await http("POST", `${riel.ingressUrl}/v1/api-keys`, { name: scopes.join(" "), scopes });
      expect(made.status).toBe(201);
      return { authorization: `Bearer ${made.body.token as string}` };
    };
    const reader = await keyWith(["payments:read"]);
    const support = await keyWith(["payments:read", "payments:read:personal"]);
    expect(paymentIds).toHaveLength(3);
    for (const paymentId of paymentIds) {
      const view = await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`, undefined, reader);
      expect(view.status).toBe(200);
      const text = JSON.stringify(view.body);
      for (const value of PERSONAL) expect(text, `"${value}" in the view of ${String(view.body.method)}`).not.toContain(value);
    }
    const [pix, peru] = paymentIds as [string, string, string];
    const masked = await http("GET", `${riel.ingressUrl}/v1/payments/${pix}`, undefined, reader);
    const whole = await http("GET", `${riel.ingressUrl}/v1/payments/${pix}`, undefined, support);
    const idOf = (v: typeof masked): string => (v.body.collector as { identificationNumber: string }).identificationNumber;
    expect(idOf(masked)).toMatch(/^\*+\d{4}$/);
    expect(idOf(whole)).toMatch(/^\d+$/);
    expect(idOf(whole).endsWith(idOf(masked).replace(/\*/g, ""))).toBe(true);
    const wallets = (v: typeof masked): string[] => ((v.body.wallets as Array<{ mobile: string }> | null) ?? []).map((w) => w.mobile);
    const peruMasked = wallets(await http("GET", `${riel.ingressUrl}/v1/payments/${peru}`, undefined, reader));
    expect(peruMasked.length).toBeGreaterThan(0);
    for (const mobile of peruMasked) expect(mobile).toMatch(/^\*+\d{3}$/);
    expect(wallets(await http("GET", `${riel.ingressUrl}/v1/payments/${peru}`, undefined, support))).not.toEqual(peruMasked);
  });

  it("keeps at rest none of the payer's data, the full payee keys or the customer's data once the payments ended", async () => {
    for (const paymentId of paymentIds) {
      const raw = await watcherInfra.store.projections.read(`payment:${paymentId}`);
      expect(raw).not.toBeNull();
      // StoredPayment of @riel/payments, as far as this test reads it.
      const stored = JSON.parse(raw?.value ?? "{}") as { view: { method: string; collector: unknown; wallets: unknown } & Record<string, unknown>; initiate?: string };
      expect(stored.initiate, "the InitiatePayment is dropped once the order is known").toBeUndefined();
      // The collector's tax id and the wallets' phones stay: payments:read:personal shows them.
      const { collector: _collector, wallets: _wallets, ...view } = stored.view;
      const text = JSON.stringify({ ...stored, view });
      for (const value of PERSONAL) expect(text, `"${value}" at rest for ${stored.view.method}`).not.toContain(value);
    }
  });
});
