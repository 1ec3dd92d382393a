import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTransaction, ipnBodies, payinBody, readCreated, startHarness, type Harness } from "../testing/harness.js";
import { decodeQrPng } from "../testing/qr-decode.js";
import { escapeHtml } from "./render-page.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ now: () => new Date("2025-10-15T12:00:00Z") });
});
afterEach(async () => {
  await h.close();
});

const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};
const field = (html: string, name: string): string | undefined => new RegExp(`<dd data-field="${name}">([^<]*)</dd>`).exec(html)?.[1];
const formActions = (html: string): string[] => [...html.matchAll(/<form method="post" action="([^"]+)"/g)].map((m) => m[1] ?? "");

async function open(body: Record<string, unknown>): Promise<{ ticket: string; paymentUrl: string; html: string; qr?: string }> {
  const { data } = await readCreated(await h.payin(body));
  const page = await h.request(pathOf(data.payment_url));
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  return { ticket: data.ticket, paymentUrl: data.payment_url, html: await page.text(), qr: data.qr_code_base_64 };
}

describe("hosted payment page", () => {
  it("shows reference, amount in soles, method, expiry and the three buttons", async () => {
    const { ticket, html } = await open(payinBody(h.receiver.url, { reference: "page-1", amount: 1.5, payment_method: "BANK_TRANSFER", expiration_time: 30 }));
    expect(field(html, "Referencia del comercio")).toBe("page-1");
    expect(field(html, "Monto")).toBe("S/ 1.50");
    expect(field(html, "Medio de pago")).toBe("Transferencia bancaria");
    expect(field(html, "Vence")).toBe("2025-10-15 07:30:00 (hora de Lima)");
    expect(field(html, "Estado")).toBe("CREATED");
    expect(formActions(html)).toEqual([`main/pay?s=${ticket}`, `main/reject?s=${ticket}`, `main/expire?s=${ticket}`]);
    expect(html).toContain('<a href="https://your-domain.com/payment/success">');
  });

  it("Pay moves the transaction to PENDING, then APPROVED, and comes back to the page", async () => {
    const { ticket, paymentUrl } = await open(payinBody(h.receiver.url));
    const response = await h.request(`/payments/main/pay?s=${ticket}`, { method: "POST" });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(paymentUrl);
    await h.sandbox.idle();
    expect(ipnBodies(h).map((b) => b.top_status)).toEqual(["PENDING", "APPROVED"]);
    const after = await (await h.request(pathOf(paymentUrl))).text();
    expect(field(after, "Estado")).toBe("APPROVED");
    expect(formActions(after)).toEqual([]);
    const again = await h.request(`/payments/main/pay?s=${ticket}`, { method: "POST" });
    expect(again.status).toBe(409);
  });

  it.each([
    ["reject", ["PENDING", "REJECTED"]],
    ["expire", ["EXPIRED"]],
  ])("%s moves the transaction: %j", async (action, expected) => {
    const { ticket } = await open(payinBody(h.receiver.url));
    expect((await h.request(`/payments/main/${action}?s=${ticket}`, { method: "POST" })).status).toBe(303);
    await h.sandbox.idle();
    expect(ipnBodies(h).map((b) => b.top_status)).toEqual(expected);
  });

  it("shows PagoEfectivo's CIP: 8 digits, the same on every visit", async () => {
    const { paymentUrl, html } = await open(payinBody(h.receiver.url, { payment_method: "PAGOEFECTIVO" }));
    const cip = field(html, "Código CIP");
    expect(cip).toMatch(/^[1-9]\d{7}$/);
    expect(field(await (await h.request(pathOf(paymentUrl))).text(), "Código CIP")).toBe(cip);
  });

  it("shows the QR of the create answer for payment_method QR", async () => {
    const { ticket, html, qr } = await open(payinBody(h.receiver.url, { payment_method: "QR", amount: 12.3 }));
    const src = /<img src="data:image\/png;base64,([^"]+)"/.exec(html)?.[1] ?? "";
    expect(src).toBe(qr);
    expect(decodeQrPng(src)).toBe(`TUMIPAY|PE|${ticket}|12.30`);
  });

  it("escapes what the merchant sent", async () => {
    const { html } = await open(payinBody(h.receiver.url, { reference: `<script>alert("x")</script>`, description: `"><img src=x onerror=alert(1)>` }));
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(escapeHtml(`<script>alert("x")</script>`));
  });

  it("answers 404 for a missing or unknown ticket", async () => {
    for (const path of ["/payments/main", "/payments/main?s=nope"]) {
      const response = await h.request(path);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("Pago no encontrado");
    }
    expect((await h.request("/payments/main/pay?s=nope", { method: "POST" })).status).toBe(404);
  });

  it("needs no merchant credentials, and counts no provider call", async () => {
    const ticket = await createTransaction(h);
    await h.request(`/payments/main?s=${ticket}`);
    expect(h.sandbox.calls().endpoints.lookup?.requests).toBe(0);
  });
});
