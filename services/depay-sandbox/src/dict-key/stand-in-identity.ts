import { createHash } from "node:crypto";

// Stable stand-ins for who owns a key (name tag, account and tax id digits,
// wallet ids): the same key always names the same recipient, in every flow.

/** Four upper-case hex characters naming the key's owner: "SANDBOX RECIPIENT 1A2B". */
export function keyTag(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 4).toUpperCase();
}

/** 64 decimal digits derived from `seed`. */
export function digitStream(seed: string): string {
  const hex = createHash("sha256").update(`depay-sandbox:${seed}`).digest("hex");
  return Array.from(hex, (ch) => String(parseInt(ch, 16) % 10)).join("");
}

/** A UUID version 4 (variant 10xx) derived from `seed`. */
export function standInUuid(seed: string): string {
  const hex = createHash("sha256").update(`depay-sandbox:uuid:${seed}`).digest("hex");
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
