import { describe, expect, it } from "vitest";
import * as rails from "./index.js";

describe("@riel/rails public API", () => {
  it("exposes one entry point for keys, QR codes, money and the order state machine", () => {
    const key = rails.detectKey("+55 11 98765-4321");
    expect(key).toMatchObject({ kind: "DETECTED", key: { type: "PIX_PHONE", value: "+5511987654321", normalised: true } });

    const amount = rails.parseAmount("22.0000", "BRL");
    if (!amount.ok) throw new Error(amount.error.message);
    const qr = rails.encodeQr({
      initiation: "DYNAMIC",
      merchantAccounts: [{ kind: "TEMPLATE", tag: "26", fields: [{ tag: "00", value: rails.PIX_GUID }, { tag: "01", value: "+5511987654321" }] }],
      mcc: "0000",
      currency: "BRL",
      amount: amount.value,
      country: "BR",
      merchantName: "RIEL",
      merchantCity: "RECIFE",
      postalCode: null,
      additionalData: null,
      extraFields: [],
    });
    if (!qr.ok) throw new Error(JSON.stringify(qr.error));
    const decoded = rails.decodeQr(qr.value);
    expect(decoded.ok && rails.formatAmount(decoded.value.amount ?? rails.zero("BRL"))).toBe("22.00");

    const order = rails.apply(rails.newOrder({ amount: amount.value }), {
      type: "STATUS",
      eventId: "e1",
      source: "PROVIDER_CALLBACK",
      at: "2025-05-30T11:14:25.115Z",
      status: "COMPLETED",
    });
    expect(order).toMatchObject({ kind: "APPLIED", state: { status: "COMPLETED", paid: amount.value } });
  });
});
