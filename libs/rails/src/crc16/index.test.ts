import { describe, expect, it } from "vitest";
import { crc16CcittFalse, crc16CodeUnits, crc16CodeUnitsHex, crc16Hex } from "./index.js";

describe("crc16CcittFalse", () => {
  it("matches the catalogue check value for CRC-16/CCITT-FALSE", () => {
    expect(crc16CcittFalse("123456789")).toBe(0x29b1);
    expect(crc16Hex("")).toBe("FFFF");
  });

  it("checksums the BCB Pix manual's example as printed (1D3D)", () => {
    const body = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***6304";
    expect(crc16Hex(body)).toBe("1D3D");
  });

  it("checksums the UTF-8 bytes of non-ASCII text", () => {
    // "é" is C3 A9 in UTF-8; a Latin-1 reading would give a different CRC.
    expect(crc16Hex("é")).toBe(crc16HexOfBytes([0xc3, 0xa9]));
    expect(crc16Hex("é")).not.toBe(crc16HexOfBytes([0xe9]));
  });
});

describe("crc16CodeUnits (what generators that checksum charCodeAt compute)", () => {
  it("checksums each character's low byte: ISO-8859-1 for Latin text", () => {
    expect(crc16CodeUnitsHex("é")).toBe(crc16HexOfBytes([0xe9]));
    expect(crc16CodeUnitsHex("São")).toBe(crc16HexOfBytes([0x53, 0xe3, 0x6f]));
  });

  it("equals the UTF-8 CRC for ASCII text", () => {
    expect(crc16CodeUnits("123456789")).toBe(0x29b1);
  });
});

function crc16HexOfBytes(bytes: readonly number[]): string {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, "0");
}
