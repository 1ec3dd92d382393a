/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR),
 * the checksum EMVCo puts in QR tag 63. Computed over the UTF-8 bytes of the
 * text, which for the ASCII payloads that almost every QR carries are simply
 * its characters.
 */

const TABLE = Uint16Array.from({ length: 256 }, (_, byte) => {
  let crc = byte << 8;
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  return crc;
});

const NON_ASCII = /[\u0080-\uffff]/;
const utf8 = new TextEncoder();

function step(crc: number, byte: number): number {
  // The index is masked to 0..255, so the table always has the entry.
  return ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]!;
}

export function crc16CcittFalse(text: string): number {
  let crc = 0xffff;
  if (NON_ASCII.test(text)) {
    for (const byte of utf8.encode(text)) crc = step(crc, byte);
  } else {
    for (let i = 0; i < text.length; i++) crc = step(crc, text.charCodeAt(i));
  }
  return crc;
}

/** The CRC as EMVCo writes it: four upper-case hex digits. */
export function crc16Hex(text: string): string {
  return crc16CcittFalse(text).toString(16).toUpperCase().padStart(4, "0");
}

/**
 * The CRC as naive generators compute it: over each UTF-16 code unit's low
 * byte (`crc ^= text.charCodeAt(i) << 8`), which for Latin-1 text is its
 * ISO-8859-1 encoding. Equal to crc16CcittFalse for ASCII text.
 */
export function crc16CodeUnits(text: string): number {
  let crc = 0xffff;
  for (let i = 0; i < text.length; i++) crc = step(crc, text.charCodeAt(i) & 0xff);
  return crc;
}

export function crc16CodeUnitsHex(text: string): string {
  return crc16CodeUnits(text).toString(16).toUpperCase().padStart(4, "0");
}
