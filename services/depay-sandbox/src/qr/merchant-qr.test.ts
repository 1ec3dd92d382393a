import { describe, expect, it } from "vitest";
import { DEPAY_DOC_QR_EXAMPLE } from "../testing/sandbox-harness.js";
import { crc16CcittFalse, crcHex } from "./crc16.js";
import { readTlv } from "./emv-tlv.js";
import { encodeMerchantQr, readMerchantQr, type QrField } from "./merchant-qr.js";
import { QR_TEST_CODES } from "./qr-test-codes.js";


const read = (code: string) => {
  const result = readMerchantQr(code);
  if (!result.ok) throw new Error(`expected a readable code: ${result.problem}`);
  return result.qr;
};

const BASE: QrField[] = [
  ["00", "01"],
  ["01", "11"],
  ["26", [["00", "br.gov.bcb.pix"], ["01", "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202"]]],
  ["52", "5812"],
  ["53", "986"],
  ["58", "BR"],
  ["59", "RIEL TESTE"],
  ["60", "SAO PAULO"],
];

describe("crc16CcittFalse", () => {
  it("gives the algorithm's check value for 123456789", () => {
    expect(crc16CcittFalse("123456789")).toBe(0x29b1);
    expect(crcHex("123456789")).toBe("29B1");
  });
});

describe("readTlv", () => {
  it("counts lengths in characters, not bytes", () => {
    expect(readTlv("5909SÃO PAULO6002SP")).toEqual({
      ok: true,
      fields: [
        { tag: "59", value: "SÃO PAULO", offset: 0 },
        { tag: "60", value: "SP", offset: 13 },
      ],
    });
  });

  it.each([
    ["a field running past the end", "5910ABC", /runs past the end/],
    ["a non-numeric tag", "A902AB", /no two-digit tag/],
    ["a repeated tag", "5902AB5902CD", /appears twice/],
  ])("refuses %s", (_what, text, problem) => {
    const result = readTlv(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});

describe("QR_TEST_CODES", () => {
  it("are all readable, with a CRC that verifies", () => {
    for (const code of Object.values(QR_TEST_CODES)) {
      const qr = read(code);
      expect(code.slice(-4)).toBe(crcHex(code.slice(0, -4)));
      expect(qr.accounts.length).toBeGreaterThan(0);
    }
  });

  it("read as documented: closed BRL Pix, open PEN, static ARS without amount, BRL Pix for REJECTED and FAILED", () => {
    const closed = read(QR_TEST_CODES.closed);
    expect(closed).toMatchObject({ initiation: "STATIC", currencyNumeric: "986", amount: "10.50", country: "BR", merchantName: "RIEL RESTAURANTE", merchantCity: "SAO PAULO", mcc: "5812" });
    expect(closed.accounts[0]).toMatchObject({ tag: "26", guid: "br.gov.bcb.pix" });
    expect(closed.additional.get("05")).toBe("RIEL0001");

    expect(read(QR_TEST_CODES.open)).toMatchObject({ initiation: "STATIC", currencyNumeric: "604", amount: null, country: "PE", postalCode: "15001" });
    const processLater = read(QR_TEST_CODES.processLater);
    expect(processLater).toMatchObject({ initiation: "STATIC", currencyNumeric: "032", amount: null, country: "AR", merchantName: "KIOSCO RIEL" });
    expect(processLater.accounts[0]?.tag).toBe("43");
    expect(processLater.accounts[0]?.guid).toBe("ar.com.coelsa");
    expect(processLater.accounts[0]?.fields.get("01")).toBe("0000532607300067079179");
    expect(read(QR_TEST_CODES.rejected).accounts[0]?.fields.get("01")).toBe("11144477735");
    expect(read(QR_TEST_CODES.failed).accounts[0]?.fields.get("01")).toBe("52998224725");
  });

  it("are what the writer makes of their fields", () => {
    expect(
      encodeMerchantQr([
        ["00", "01"],
        ["01", "11"],
        ["26", [["00", "pe.example.interop"], ["01", "20123456789"]]],
        ["52", "5814"],
        ["53", "604"],
        ["58", "PE"],
        ["59", "BODEGA RIEL"],
        ["60", "LIMA"],
        ["61", "15001"],
      ]),
    ).toBe(QR_TEST_CODES.open);
  });
});

describe("readMerchantQr", () => {
  it("reads a code with accented names (lengths in characters, CRC over UTF-8)", () => {
    const code = "00020101021126580014BR.GOV.BCB.PIX0122joao.silva@example.com0210Café e pão5204546253039865802BR5913JOÃO DA SILVA6009SÃO PAULO62070503***630406C0";
    expect(read(code)).toMatchObject({ merchantName: "JOÃO DA SILVA", merchantCity: "SÃO PAULO", amount: null });
  });

  it.each([
    ["not a QR code at all", "hello", /two-digit/],
    ["Depay's document example (framing and CRC broken)", DEPAY_DOC_QR_EXAMPLE, /tag|CRC/],
    ["one character changed after the CRC was computed", QR_TEST_CODES.closed.replace("10.50", "19.50"), /CRC is 8263 but the payload computes to/],
    ["a lower-case CRC", `${QR_TEST_CODES.open.slice(0, -4)}60c3`, /upper-case hex/],
    ["no CRC", QR_TEST_CODES.open.slice(0, -8), /must end with tag 63/],
    ["a wrong payload format indicator", encodeMerchantQr([["00", "02"], ...BASE.slice(1)]), /000201/],
    ["no merchant account", encodeMerchantQr(BASE.filter(([tag]) => tag !== "26")), /no merchant account/],
    ["a template without GUID", encodeMerchantQr(BASE.map((f): QrField => (f[0] === "26" ? ["26", [["01", "x"]]] : f))), /no GUID/],
    ["a two-digit currency (the document's lost zero)", encodeMerchantQr(BASE.map((f): QrField => (f[0] === "53" ? ["53", "32"] : f))), /currency/],
    ["a zero amount", encodeMerchantQr([...BASE, ["54", "0.00"]]), /amount/],
    ["an amount with a comma", encodeMerchantQr([...BASE, ["54", "10,50"]]), /amount/],
    ["no merchant name", encodeMerchantQr(BASE.filter(([tag]) => tag !== "59")), /merchant name/],
    ["a point of initiation other than 11 or 12", encodeMerchantQr(BASE.map((f): QrField => (f[0] === "01" ? ["01", "13"] : f))), /point of initiation/],
  ])("refuses %s", (_what, code, problem) => {
    const result = readMerchantQr(code);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatch(problem);
  });
});
