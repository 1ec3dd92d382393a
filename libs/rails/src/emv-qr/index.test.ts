import fc from "fast-check";
import { describe, expect, it } from "vitest";
import vectors from "../../test-vectors.json" with { type: "json" };
import { CURRENCY_CODES, type CurrencyCode } from "../currency/index.js";
import { formatAmount } from "../money/index.js";
import { writeTlv } from "../tlv/index.js";
import { decodeQr, encodeQr, PIX_GUID, type MerchantAccountInput, type MerchantQr, type MerchantQrInput, type QrField } from "./index.js";

const DEPAY_EXAMPLE =
  "00020101021102080000000041370012com.98113069226478599020143160012B000004538315015001130707101020512600220000532607300067079179520454115802AR5916Test Homo COELSA6015CABA - Ciudad A6107M5515AP53023262100706S0279981050001I63042A58";

function decoded(payload: string): MerchantQr {
  const result = decodeQr(payload);
  if (!result.ok) throw new Error(`expected a valid code, got ${JSON.stringify(result.error, null, 1)}`);
  return result.value;
}

/** The expectation keys of qr.valid that live in the additional data template. */
const ADDITIONAL_KEYS = new Set(["referenceLabel", "terminalLabel", "billNumber"]);

describe("decodeQr (test-vectors.json qr.valid)", () => {
  for (const vector of vectors.qr.valid) {
    it(`${vector.country}: ${vector.name}`, () => {
      const qr = decoded(vector.payload);
      for (const [key, expected] of Object.entries(vector.expect)) {
        if (key === "amount") {
          expect(qr.amount === null ? null : formatAmount(qr.amount), key).toBe(expected);
        } else if (key === "pix") {
          if (expected === null) expect(qr.pix).toBeNull();
          else expect(qr.pix, key).toMatchObject(expected);
        } else if (ADDITIONAL_KEYS.has(key)) {
          expect(qr.additionalData?.[key as "referenceLabel"], key).toBe(expected);
        } else {
          expect(qr[key as keyof MerchantQr], key).toEqual(expected);
        }
      }
    });

    it(`${vector.country}: ${vector.name} re-encodes to the same payload`, () => {
      expect(encodeQr(decoded(vector.payload))).toEqual({ ok: true, value: vector.payload });
    });
  }
});

describe("decodeQr (test-vectors.json qr.invalid)", () => {
  for (const vector of vectors.qr.invalid) {
    it(vector.name, () => {
      const result = decodeQr(vector.payload);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.map(({ rule, offset, tag }) => ({ rule, offset, tag }))).toEqual(vector.expect.issues);
    });
  }
});

describe("the Depay QR document's example", () => {
  const result = decodeQr(DEPAY_EXAMPLE);
  const issues = result.ok ? [] : result.error;

  it("is rejected: its TLV lengths are inconsistent and its CRC does not verify", () => {
    expect(result.ok).toBe(false);
    expect(issues.map((i) => i.rule)).toEqual(["TLV_OVERRUN", "TLV_TAG", "CRC_MISMATCH"]);
  });

  it("says that tag 41's content overruns its declared 37 characters", () => {
    expect(issues[0]).toMatchObject({ offset: 44, tag: "41.22" });
    expect(issues[0]?.message).toBe("offset 44: tag 41.22 declares 64 characters but only 17 remain in template 41");
  });

  it("points at tag 41's length as the likely culprit when framing breaks at offset 65", () => {
    expect(issues[1]?.message).toContain('found "B0"');
    expect(issues[1]?.message).toContain("tag 41 at offset 24, declared length 37");
  });

  it("prints CRC 2A58 where the payload computes to 6BC1", () => {
    expect(issues[2]).toMatchObject({ offset: 223, tag: "63" });
    expect(issues[2]?.message).toContain("CRC is 2A58 but the payload up to and including \"6304\" computes to 6BC1");
  });

  it("carries a currency written as 32 in two characters, which ISO 4217 numeric has as 032", () => {
    const currencyAt = DEPAY_EXAMPLE.indexOf("530232");
    expect(currencyAt).toBe(190);
    const fixedCurrency = `${DEPAY_EXAMPLE.slice(0, currencyAt)}5303032${DEPAY_EXAMPLE.slice(currencyAt + 6)}`;
    // Mending the currency alone does not mend the code: the framing and the CRC still fail.
    expect(decodeQr(fixedCurrency).ok).toBe(false);
  });
});

describe("decodeQr messages", () => {
  it("hints that a generator may have counted UTF-8 bytes", () => {
    const vector = vectors.qr.invalid.find((v) => v.name.startsWith("merchant name length counted in UTF-8 bytes"));
    const result = decodeQr(vector?.payload ?? "");
    expect(!result.ok && result.error[0]?.message).toContain("counted UTF-8 bytes");
  });

  it("hints at a lost leading zero in the currency", () => {
    const vector = vectors.qr.invalid.find((v) => v.name.startsWith("currency written as 32"));
    const result = decodeQr(vector?.payload ?? "");
    expect(!result.ok && result.error[0]?.message).toContain("leading zero lost");
  });

  it("reports issues without an offset after those with one", () => {
    const vector = vectors.qr.invalid.find((v) => v.name === "CRC field swallowed by the field before it");
    const result = decodeQr(vector?.payload ?? "");
    const offsets = result.ok ? [] : result.error.map((i) => i.offset);
    expect(offsets.slice(0, 2)).toEqual([6, 14]);
    expect(offsets.slice(2).every((o) => o === null)).toBe(true);
  });
});

const pixInput: MerchantQrInput = {
  initiation: "STATIC",
  merchantAccounts: [{ kind: "TEMPLATE", tag: "26", fields: [{ tag: "00", value: PIX_GUID }, { tag: "01", value: "pix@bcb.gov.br" }] }],
  mcc: "0000",
  currency: "BRL",
  amount: null,
  country: "BR",
  merchantName: "LOJA RIEL",
  merchantCity: "RECIFE",
  postalCode: null,
  additionalData: { fields: [{ tag: "05", value: "***" }] },
  extraFields: [],
};

describe("encodeQr", () => {
  it("writes fields in ascending tag order with the CRC last", () => {
    const result = encodeQr(pixInput);
    expect(result).toEqual({
      ok: true,
      value: expect.stringMatching(/^0002010102112636/),
    });
    expect(result.ok && result.value.slice(-8, -4)).toBe("6304");
  });

  it("refuses tags outside their range", () => {
    const bad = (merchantAccounts: MerchantAccountInput[], extraFields: QrField[] = []) =>
      encodeQr({ ...pixInput, merchantAccounts, extraFields });
    expect(bad([{ kind: "NETWORK", tag: "26", value: "x" }])).toMatchObject({ ok: false, error: [{ rule: "TAG_NOT_ALLOWED", tag: "26" }] });
    expect(bad([{ kind: "NETWORK", tag: "2", value: "x" }])).toMatchObject({ ok: false, error: [{ rule: "TAG_NOT_ALLOWED", tag: "2" }] });
    expect(bad([{ kind: "TEMPLATE", tag: "04", fields: [{ tag: "00", value: "x" }] }])).toMatchObject({
      ok: false,
      error: [{ rule: "TAG_NOT_ALLOWED", tag: "04" }],
    });
    expect(bad(pixInput.merchantAccounts.slice(), [{ tag: "52", value: "1234" }])).toMatchObject({
      ok: false,
      error: [{ rule: "TAG_NOT_ALLOWED", tag: "52" }, { rule: "DUPLICATE_TAG", tag: "52" }],
    });
  });

  it("refuses duplicate tags and sub-tags", () => {
    const twice = encodeQr({ ...pixInput, merchantAccounts: [...pixInput.merchantAccounts, ...pixInput.merchantAccounts] });
    expect(twice).toMatchObject({ ok: false, error: [{ rule: "DUPLICATE_TAG", tag: "26" }] });
    const subTwice = encodeQr({ ...pixInput, additionalData: { fields: [{ tag: "05", value: "a" }, { tag: "05", value: "b" }] } });
    expect(subTwice).toMatchObject({ ok: false, error: [{ rule: "DUPLICATE_TAG", tag: "62.05" }] });
  });

  it("refuses values over 99 characters, at the top level and inside templates", () => {
    expect(encodeQr({ ...pixInput, extraFields: [{ tag: "70", value: "x".repeat(100) }] })).toMatchObject({
      ok: false,
      error: [{ rule: "VALUE_TOO_LONG", tag: "70" }],
    });
    expect(encodeQr({ ...pixInput, additionalData: { fields: [{ tag: "50", value: "x".repeat(100) }] } })).toMatchObject({
      ok: false,
      error: [{ rule: "VALUE_TOO_LONG", tag: "62.50" }],
    });
  });

  it("refuses an amount in another currency", () => {
    expect(encodeQr({ ...pixInput, amount: { currency: "PEN", minor: 100n } })).toMatchObject({
      ok: false,
      error: [{ rule: "CURRENCY", tag: "54" }],
    });
  });

  it("returns the decoder's findings for field values the decoder would reject", () => {
    const result = encodeQr({ ...pixInput, mcc: "12", merchantCity: "" });
    expect(result.ok ? [] : result.error.map((i) => i.rule)).toEqual(["MCC", "MERCHANT_CITY"]);
  });
});

// ---------------------------------------------------------------------------
// Properties

const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i));
const ACCENTED = ["Ã", "É", "ç", "õ", "ñ", "€", "😀"];
const char = fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...ASCII) }, { weight: 1, arbitrary: fc.constantFrom(...ACCENTED) });
const text = (minLength: number, maxLength: number) => fc.string({ unit: char, minLength, maxLength });
const digits = (length: number) => fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: length, maxLength: length });
const tagIn = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, "0"));
const byTag = <T extends { tag: string }>(items: readonly T[]): T[] => [...items].sort((a, b) => a.tag.localeCompare(b.tag));

const subFields = (tags: fc.Arbitrary<string>, maxValue: number, maxCount: number) =>
  fc.uniqueArray(fc.record({ tag: tags, value: text(0, maxValue) }), { selector: (f) => f.tag, maxLength: maxCount });

const networkAccount: fc.Arbitrary<MerchantAccountInput> = fc.record({
  kind: fc.constant("NETWORK" as const),
  tag: tagIn(2, 25),
  value: text(1, 30),
});

const templateAccount: fc.Arbitrary<MerchantAccountInput> = fc
  .tuple(tagIn(26, 51), fc.stringMatching(/^[a-z]{2,3}(\.[a-z]{2,8}){1,2}$/), subFields(tagIn(1, 99), 15, 3), fc.boolean(), text(1, 20))
  .map(([tag, guid, others, asPix, pixKey]) => {
    const fields = asPix
      ? [{ tag: "00", value: PIX_GUID }, { tag: "01", value: pixKey }]
      : [{ tag: "00", value: guid }, ...others];
    return { kind: "TEMPLATE" as const, tag, fields };
  });

const money = (currency: CurrencyCode) => fc.bigInt({ min: 1n, max: 10n ** 10n }).map((minor) => ({ currency, minor }));

const extraField: fc.Arbitrary<QrField> = fc.oneof(
  fc.record({ tag: fc.constantFrom("55", "56", "57"), value: text(1, 5) }),
  fc.record({ tag: tagIn(65, 79), value: text(1, 30) }),
  fc.record({ tag: fc.oneof(fc.constant("64"), tagIn(80, 99)), value: subFields(tagIn(0, 99), 20, 3) }).map(({ tag, value }) => {
    const written = writeTlv(value);
    return { tag, value: written.ok ? written.value : "" };
  }),
);

const merchantQrInput: fc.Arbitrary<MerchantQrInput> = fc
  .constantFrom(...CURRENCY_CODES)
  .chain((currency) =>
    fc.record({
      initiation: fc.constantFrom(null, "STATIC" as const, "DYNAMIC" as const),
      merchantAccounts: fc
        .uniqueArray(fc.oneof(networkAccount, templateAccount), { selector: (a) => a.tag, minLength: 1, maxLength: 3 })
        .map(byTag),
      mcc: digits(4),
      currency: fc.constant(currency),
      amount: fc.option(money(currency), { nil: null }),
      country: fc.stringMatching(/^[A-Z]{2}$/),
      merchantName: text(1, 25),
      merchantCity: text(1, 15),
      postalCode: fc.option(text(1, 10), { nil: null }),
      additionalData: fc.option(
        fc.record({ fields: subFields(fc.oneof(tagIn(1, 8), tagIn(10, 11), tagIn(50, 99)), 20, 3) }),
        { nil: null },
      ),
      extraFields: fc.uniqueArray(extraField, { selector: (f) => f.tag, maxLength: 3 }).map(byTag),
    }),
  );

describe("QR properties", () => {
  it("decode(encode(x)) gives back x", () => {
    fc.assert(
      fc.property(merchantQrInput, (input) => {
        const encoded = encodeQr(input);
        if (!encoded.ok) throw new Error(JSON.stringify(encoded.error));
        const result = decodeQr(encoded.value);
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.value).toMatchObject(input);
      }),
      { numRuns: 300 },
    );
  });

  it("catches any single-character change to a valid code", () => {
    const changed = merchantQrInput.chain((input) => {
      const encoded = encodeQr(input);
      const payload = encoded.ok ? Array.from(encoded.value) : [];
      return fc.record({
        payload: fc.constant(payload),
        at: fc.integer({ min: 0, max: payload.length - 1 }),
        replacement: char,
      });
    });
    fc.assert(
      fc.property(changed, ({ payload, at, replacement }) => {
        fc.pre(payload[at] !== replacement);
        const altered = [...payload.slice(0, at), replacement, ...payload.slice(at + 1)].join("");
        expect(decodeQr(altered).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
