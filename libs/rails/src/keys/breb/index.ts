import { Canonicaliser, keyError, validKey, type KeyResult, type KeyType } from "../types.js";

export type BrebKeyType = Extract<KeyType, `BREB_${string}`>;

/**
 * Total lengths including the "@", read from the "Length" column of Depay's
 * Bre-B document. The column counts the "@": every example has exactly the
 * table's length only when the "@" is counted ("@CBAQ1EXD8" is 10).
 */
export const BREB_TYPES: readonly BrebKeyType[] = ["BREB_NAME", "BREB_ID", "BREB_RANDOM", "BREB_OPEN_INPUT"];

export const BREB_LENGTHS: Readonly<Record<BrebKeyType, readonly number[]>> = {
  BREB_NAME: [21],
  BREB_ID: [17, 18],
  BREB_RANDOM: [10],
  BREB_OPEN_INPUT: [21],
};

/**
 * An id key is a 7-character prefix and then the first 9 or 10 digits of the
 * person's id number ("@CBAQ1ER" + "9001234567"): the document's description
 * and its 17-18 length agree only with that reading.
 */
const BREB_ID_PREFIX = 7;

/**
 * Upper-cases the key: every example in the document is upper case and the
 * document says nothing of case, so a person typing "@cbaq1exd8" most likely
 * means "@CBAQ1EXD8". Reported as a normalisation so the caller can show it.
 */
export function canonicalBreb(raw: string): Canonicaliser {
  return new Canonicaliser(raw).apply("UPPER_CASED", (s) => s.toUpperCase());
}

export function validateBreb(type: BrebKeyType, raw: string): KeyResult {
  const input = canonicalBreb(raw);
  const key = input.value;
  if (!key.startsWith("@")) return keyError(type, "BREB_PREFIX", "a Bre-B key starts with '@'");
  if (!/^@[0-9A-Z]+$/.test(key)) return keyError(type, "BREB_CHARSET", "after the '@' a Bre-B key has letters A-Z and digits only");
  const lengths = BREB_LENGTHS[type];
  if (!lengths.includes(key.length)) {
    return keyError(
      type,
      "BREB_LENGTH",
      `a ${type} key has ${lengths.join(" or ")} characters including the '@', this has ${key.length}`,
    );
  }
  if (type === "BREB_ID" && !/^\d+$/.test(key.slice(1 + BREB_ID_PREFIX))) {
    return keyError(type, "BREB_ID_DIGITS", "a Bre-B id key ends in the 9 or 10 digits of the id number after a 7-character prefix");
  }
  return validKey(type, key, input.normalisations);
}

/** Which Bre-B types a key's length allows; name and open_input share length 21, so that case yields both. */
export function brebCandidates(length: number): readonly BrebKeyType[] {
  return BREB_TYPES.filter((type) => BREB_LENGTHS[type].includes(length));
}
