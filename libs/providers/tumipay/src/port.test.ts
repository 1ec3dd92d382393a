import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningTumipaySandbox } from "@riel/tumipay-sandbox";
import { startTumipaySandbox, TUMIPAY_TEST_DATA } from "@riel/tumipay-sandbox";
import { ProviderUnavailable } from "@riel/provider-port";
import type { ProviderPort, StepResult } from "@riel/provider-port";
import type { InitiatePayment } from "@riel/schemas";
import type { TumipayPortOptions } from "./port.js";
import { createTumipayPort } from "./port.js";

// TumiPay's quirks against its sandbox: the QR "00" retries, the amount echo, the QR limit, one
// active transaction per email and amount, and a create retried after a timeout.

const tokenTop = randomBytes(8).toString("hex");
const basic = Buffer.from(`riel:${randomBytes(8).toString("hex")}`).toString("base64");
const IPN_URL = "http://127.0.0.1:9/ipn";

const payin = (email: string, options: { amount?: string; channel?: string; paymentId?: string } = {}): InitiatePayment => {
  const paymentId = options.paymentId ?? randomUUID();
  return {
    envelope: { eventId: `e-${paymentId}`, occurredAt: "2026-11-22T10:00:00.000Z", paymentId, correlationId: paymentId, causationId: null },
    method: "PERU_PAYIN",
    payeeKey: null,
    amount: { amount: options.amount ?? "150.00", currency: "PEN" },
    payer: { fullName: "John Doe", currency: "PEN", accountNumber: "", taxId: "12345678", taxIdType: "DNI" },
    externalReference: "port-test",
    details: {
      "riel.PeruPayinDetails": {
        channel: options.channel ?? "QR",
        customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email, fullName: "John Doe" },
        description: null,
        expirationMinutes: 30,
        redirectUrl: "https://shop.example.pe/done",
      },
    },
  };
};
const someone = () => `payer-${randomUUID().slice(0, 8)}@example.pe`;

describe("TumiPay port against its sandbox", () => {
  let running: RunningTumipaySandbox;
  const waits: number[] = [];
  const ports: ProviderPort[] = [];
  const portWith = (options: Partial<TumipayPortOptions> = {}): ProviderPort => {
    const port = createTumipayPort({
      baseUrl: running.url,
      tokenTop: () => tokenTop,
      basic: () => basic,
      sleep: async (ms) => void waits.push(ms),
      ...options,
    });
    ports.push(port);
    return port;
  };
  const payinCalls = (paymentId: string) => running.sandbox.calls().references[paymentId];

  beforeAll(async () => {
    running = await startTumipaySandbox({ port: 0, tokenTop, basic, callbackDelayMs: 0, slowAnswerMs: 1_500 });
  });
  afterAll(async () => {
    for (const port of ports) await port.close();
    await running?.close();
  });

  it("retries a QR that TumiPay failed to generate (HTTP 200, code 00) with short, growing waits", async () => {
    waits.length = 0;
    const command = payin(TUMIPAY_TEST_DATA.emails.qrFlaky);
    const result = await portWith().initiate(command, IPN_URL);
    expect(result).toMatchObject({ kind: "OK", reports: [{ status: "AWAITING_PAYMENT", payerInstructions: { qrPngBase64: expect.any(String) } }] });
    expect(waits).toEqual([200, 400]);
    expect(payinCalls(command.envelope.paymentId)).toMatchObject({ requests: 3, effects: 1 });
  });

  it("gives up on a QR that never comes as ProviderUnavailable, never as success, having created nothing", async () => {
    const command = payin(TUMIPAY_TEST_DATA.emails.qrBroken);
    await expect(portWith().initiate(command, IPN_URL)).rejects.toBeInstanceOf(ProviderUnavailable);
    expect(payinCalls(command.envelope.paymentId)).toMatchObject({ requests: 3, effects: 0 });
  });

  it("keeps Riel's amount when TumiPay echoes another, and flags it", async () => {
    const result = await portWith().initiate(payin(TUMIPAY_TEST_DATA.emails.amountQuirk, { channel: "ALL_METHODS" }), IPN_URL);
    expect(result).toMatchObject({
      kind: "OK",
      reports: [{ amount: { amount: "150.00", currency: "PEN" }, reason: expect.stringMatching(/^AMOUNT_ECHO_MISMATCH: TumiPay's answer echoed amount 5000 for 150\.00 PEN/) }],
    });
  });

  it("refuses a QR above the limit before calling TumiPay, and passes TumiPay's own 422 on when its limit is lower", async () => {
    const over = payin(someone(), { amount: "500.01" });
    expect(await portWith().initiate(over, IPN_URL)).toMatchObject({ kind: "REFUSED", code: "QR_AMOUNT_LIMIT_EXCEEDED", retryable: false });
    expect(payinCalls(over.envelope.paymentId)).toBeUndefined();
    expect(await portWith({ qrLimit: "1000.00" }).initiate(payin(someone(), { amount: "600.00" }), IPN_URL)).toMatchObject({
      kind: "REFUSED",
      code: "QR_AMOUNT_LIMIT_EXCEEDED",
      retryable: false,
    });
    expect(await portWith().initiate(payin(someone(), { amount: "600.00", channel: "BANK_TRANSFER" }), IPN_URL)).toMatchObject({ kind: "OK" });
  });

  it("refuses a second payment for the same email and amount while the first is active", async () => {
    const email = someone();
    const port = portWith();
    expect(await port.initiate(payin(email), IPN_URL)).toMatchObject({ kind: "OK" });
    expect(await port.initiate(payin(email), IPN_URL)).toMatchObject({
      kind: "REFUSED",
      code: "TRANSACTION_IN_PROGRESS",
      reason: expect.stringContaining("active transaction for this payer's email and this amount"),
      retryable: false,
    });
    expect(await port.initiate(payin(email, { amount: "151.00" }), IPN_URL)).toMatchObject({ kind: "OK" });
  });

  it("refuses with PROVIDER_AUTH when TumiPay refuses the credentials, and names no secret", async () => {
    const result = await portWith({ tokenTop: () => "rotated-away-token" }).initiate(payin(someone()), IPN_URL);
    expect(result).toMatchObject({ kind: "REFUSED", code: "PROVIDER_AUTH", retryable: false });
    expect(JSON.stringify(result)).not.toContain(basic);
  });

  it("reads the credentials on every call, so a rotated secret needs no restart", async () => {
    let current = "stale-token";
    const port = portWith({ tokenTop: () => current });
    expect(await port.initiate(payin(someone()), IPN_URL)).toMatchObject({ code: "PROVIDER_AUTH" });
    current = tokenTop;
    expect(await port.initiate(payin(someone()), IPN_URL)).toMatchObject({ kind: "OK" });
  });

  it("creates one transaction when a create whose answer timed out is retried: same reference, same ticket", async () => {
    const port = portWith({ timeoutMs: 300 });
    const command = payin(TUMIPAY_TEST_DATA.emails.slow);
    const before = running.sandbox.calls().transactionsCreated;
    const error = await port.initiate(command, IPN_URL).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect(String(error)).not.toContain(tokenTop);
    const retried = await port.initiate(command, IPN_URL);
    const again = await port.initiate(command, IPN_URL);
    const ticket = (r: StepResult) => (r.kind === "OK" ? r.reports[0]?.providerOrderId : r.kind);
    const created = running.sandbox.transactions.list().filter((t) => t.reference === command.envelope.paymentId);
    expect(created).toHaveLength(1);
    expect(ticket(retried)).toBe(created[0]?.ticket);
    expect(ticket(again)).toBe(created[0]?.ticket);
    expect(running.sandbox.calls().transactionsCreated - before).toBe(1);
    expect(payinCalls(command.envelope.paymentId)).toMatchObject({ requests: 3, effects: 1, replays: 2 });
  });

  it("asks where a transaction is; an unknown ticket is ORDER_NOT_FOUND", async () => {
    const port = portWith();
    const command = payin(someone());
    const result = await port.initiate(command, IPN_URL);
    const ticket = result.kind === "OK" ? (result.reports[0]?.providerOrderId ?? "") : "";
    const order = { paymentId: command.envelope.paymentId, providerOrderId: ticket, callbackUrl: IPN_URL };
    expect(await port.queryStatus(order)).toMatchObject({ kind: "OK", reports: [{ providerOrderId: ticket, status: "AWAITING_PAYMENT", providerStatus: "PENDING", amount: { amount: "150.00", currency: "PEN" } }] });
    const approve = await fetch(`${running.url}/__sandbox/transactions/${ticket}/approve`, { method: "POST" });
    expect(approve.status).toBe(200);
    // PENDING now, APPROVED a step later: asked until it is.
    let paid = await port.queryStatus(order);
    for (let i = 0; i < 50 && paid.kind === "OK" && paid.reports[0]?.status !== "COMPLETED"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      paid = await port.queryStatus(order);
    }
    expect(paid).toMatchObject({ kind: "OK", reports: [{ status: "COMPLETED", providerStatus: "COMPLETED" }] });
    expect(await port.queryStatus({ ...order, providerOrderId: "no-such-ticket" })).toMatchObject({ kind: "REFUSED", code: "ORDER_NOT_FOUND" });
  });

  it("throws ProviderUnavailable on a 5xx or a 429, so the bus retries the command", async () => {
    for (const status of [500, 503, 429]) {
      const server = createServer((_req, res) => {
        res.statusCode = status;
        res.end(`{"code":"00","status":"ERROR","message":"Internal server error"}`);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const port = portWith({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      await expect(port.initiate(payin(someone()), IPN_URL), String(status)).rejects.toThrow(new ProviderUnavailable(`TumiPay POST /api/v1/payin: HTTP ${status}`));
      await expect(port.queryStatus({ paymentId: "p", providerOrderId: "t", callbackUrl: IPN_URL })).rejects.toBeInstanceOf(ProviderUnavailable);
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("stops reading an answer that never ends and throws ProviderUnavailable, so the bus retries the command", async () => {
    let sent = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"code":"00","message":"');
      const chunk = "a".repeat(64 * 1024);
      const more = (): void => {
        while (!res.destroyed && sent < 64 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed && sent < 64 * 1024 * 1024) res.once("drain", more);
      };
      more();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = portWith({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    await expect(port.initiate(payin(someone()), IPN_URL)).rejects.toThrow(new ProviderUnavailable("TumiPay POST /api/v1/payin: answer longer than 1048576 bytes"));
    // Riel stopped the transfer a little past its limit, not at the server's 64 MB.
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers NOT_SUPPORTED for an initiate of another method, and for amount, confirm and refund", async () => {
    const port = portWith();
    const order = { paymentId: "p", providerOrderId: "t", callbackUrl: IPN_URL };
    const pix: InitiatePayment = { ...payin(someone()), method: "PIX_KEY", details: { "riel.PixKeyDetails": { payeeKey: "k", keyType: "PIX_EVP" } } };
    expect(await port.initiate(pix, IPN_URL)).toMatchObject({ kind: "NOT_SUPPORTED", operation: "initiate" });
    expect(await port.setAmount(order, { amount: "1.00", currency: "PEN" }, "r")).toMatchObject({ kind: "NOT_SUPPORTED", operation: "setAmount" });
    expect(await port.confirm(order, "ACCEPT", null)).toMatchObject({ kind: "NOT_SUPPORTED", operation: "confirm" });
    expect(await port.refund(order, { amount: "1.00", currency: "PEN" }, "r")).toMatchObject({ kind: "NOT_SUPPORTED", operation: "refund" });
  });
});
