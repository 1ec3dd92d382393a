import { describe, expect, it } from "vitest";
import { PAYMENT_VIEW_EXAMPLE } from "./api.js";
import { maskPersonal } from "./mask.js";
import { peruPayin } from "./methods/peru-payin.js";
import { METHODS } from "./registry.js";
import { viewFor } from "./privacy.js";
import type { PaymentView } from "./view.js";

describe("personal data in views and at rest", () => {
  it("masks all but the last characters, and short values whole", () => {
    expect(maskPersonal("39053344705")).toBe("*******4705");
    expect(maskPersonal("+51987654321", 3)).toBe("*********321");
    expect(maskPersonal("12345")).toBe("*****");
    expect(maskPersonal("rosa@example.com", 0)).toBe("****************");
  });

  it("shows the collector's tax id and the wallets' phones masked without the personal scope, whole with it", () => {
    const view: PaymentView = {
      ...(PAYMENT_VIEW_EXAMPLE as PaymentView),
      collector: { name: "DEPAY MARKET", identificationNumber: "20314691769", branchOffice: null },
      wallets: [{ id: "9b2f7c1e-4d3a-4f8b-9a6e-2c1d0e5f7a8b", brand: "YAPE", mobile: "+51987654321", present: true, directory: "YAPE", participantCode: "0801" }],
    };
    const masked = viewFor(view, { personal: false });
    expect(masked.collector).toEqual({ name: "DEPAY MARKET", identificationNumber: "*******1769", branchOffice: null });
    expect(masked.wallets?.map((w) => [w.brand, w.mobile])).toEqual([["YAPE", "*********321"]]);
    expect(viewFor(view, { personal: true })).toBe(view);
  });

  it("keeps no method's personal details whole at rest", () => {
    expect(METHODS.every((m) => typeof m.atRest === "function")).toBe(true);
    const customer = { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "rosa@example.com", fullName: "Rosa Huaman" };
    const details = { "riel.PeruPayinDetails": { channel: "QR", customer, description: null, expirationMinutes: 720, redirectUrl: "https://shop.example.com/paid" } };
    const kept = JSON.stringify(peruPayin.atRest(details));
    for (const value of ["12345678", "987654321", "rosa@example.com", "Rosa", "Huaman"]) expect(kept).not.toContain(value);
    expect(peruPayin.view(peruPayin.atRest(details))).toEqual(peruPayin.view(details));
  });

  const reasonSeen = (reason: string): string | null => viewFor({ ...(PAYMENT_VIEW_EXAMPLE as PaymentView), reason }, { personal: false }).reason;

  it("masks a provider's reason of 60 KB without an address: words and ids stay, what is personal is masked", () => {
    // Long runs of e-mail characters with no address after them, which the e-mail shape once rescanned from every position.
    const letters = "a".repeat(60_000);
    expect(reasonSeen(letters)).toBe(letters);
    expect(reasonSeen(`${"1".repeat(60_000)}x`)).toBe(`${"1".repeat(60_000)}x`);
    expect(reasonSeen(`${letters}@`)).toBe(`${letters}@`);
    expect(reasonSeen(`${letters} rosa@example.com`)).toBe(`${letters} *************com`);
    expect(reasonSeen(`${letters}@example.com`)).toBe(`${"*".repeat(60_009)}com`);
    // Phone numbers back to back, each followed by more of a run that holds no address.
    expect(reasonSeen("+5511987654321".repeat(4_000))).toBe("***********321".repeat(4_000));
  });

  it("masks an address that starts where another shape ends, inside a run of address characters", () => {
    expect(reasonSeen("key @abc+x@d.com refused")).toBe("key *********com refused");
    expect(reasonSeen("to a@b.com1x@c.de")).toBe("to ****com****.de");
    expect(reasonSeen("CNPJ 11.222.333/0001-81%x@y.com")).toBe("CNPJ ***************-81*****com");
    expect(reasonSeen("call +1 (23) 4567890abc@x.com")).toBe("call ************890******com");
  });
});
