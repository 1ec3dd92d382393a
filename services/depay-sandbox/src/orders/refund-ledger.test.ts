import { describe, expect, it } from "vitest";
import { OrderStore } from "./order-store.js";
import { refundableAmount, requestRefund, settleRefund } from "./refund-ledger.js";

const AT = new Date("2025-05-26T15:30:56.842Z");

/** A store holding one COMPLETED order of `amount` BRL. */
function paidOrder(amount: string): { orders: OrderStore; id: string } {
  const orders = new OrderStore(() => AT);
  const id = "order-1";
  orders.create({
    id,
    paymentType: "DICT_KEY",
    qrType: null,
    status: "CREATED",
    externalReference: "ref",
    localAmount: amount,
    localCurrency: "BRL",
    userAmount: amount,
    userCurrency: "BRL",
    merchant: { name: "M", identificationNumber: "1", branchOffice: "" },
    plannedOutcome: { status: "COMPLETED" },
    previewNotificationUrl: "http://127.0.0.1/p",
  });
  orders.transition(id, "PROCESSING", { paymentNotificationUrl: "http://127.0.0.1/pay" });
  orders.transition(id, "COMPLETED", { paymentDate: AT });
  return { orders, id };
}

describe("refund ledger", () => {
  it("counts a refund in flight against what is left, and releases it when rejected", () => {
    const { orders, id } = paidOrder("10");
    const first = requestRefund(orders, id, { id: "r1", amount: "6", at: AT });
    expect(first.kind).toBe("accepted");
    expect(refundableAmount(orders.get(id) ?? fail())).toBe("4");
    expect(requestRefund(orders, id, { id: "r2", amount: "4.01", at: AT })).toEqual({ kind: "exceeds_refundable", refundable: "4" });

    const rejected = settleRefund(orders, id, "r1", "rejected", AT);
    expect(rejected.kind).toBe("rejected");
    expect(rejected.order.status).toBe("COMPLETED");
    expect(refundableAmount(rejected.order)).toBe("10");
  });

  it("moves the order to PARTIALLY_REFUNDED, then REFUNDED once the refunds done reach the paid amount", () => {
    const { orders, id } = paidOrder("10.5");
    requestRefund(orders, id, { id: "r1", amount: "0.5", at: AT });
    requestRefund(orders, id, { id: "r2", amount: "10", at: AT });
    expect(refundableAmount(orders.get(id) ?? fail())).toBe("0");
    const partial = settleRefund(orders, id, "r1", "done", AT);
    expect(partial).toMatchObject({ kind: "refunded", status: "PARTIALLY_REFUNDED" });
    const full = settleRefund(orders, id, "r2", "done", AT);
    expect(full).toMatchObject({ kind: "refunded", status: "REFUNDED" });
    expect(full.order.history.map((change) => change.status)).toEqual(["CREATED", "PROCESSING", "COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"]);
    expect(requestRefund(orders, id, { id: "r3", amount: "1", at: AT })).toEqual({ kind: "not_refundable", status: "REFUNDED" });
  });

  it("answers not_found for an unknown order", () => {
    const { orders } = paidOrder("10");
    expect(requestRefund(orders, "nope", { id: "r", amount: "1", at: AT })).toEqual({ kind: "not_found" });
  });
});

function fail(): never {
  throw new Error("order vanished");
}
