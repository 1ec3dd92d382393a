import { BREB_LENGTHS } from "@riel/rails";
import { defineKeyPayout } from "./key-payout.js";

const AT_KEYS = new Set(["BREB_NAME", "BREB_ID", "BREB_RANDOM", "BREB_OPEN_INPUT", "BREB_ALPHANUMERIC"]);
const longest = Math.max(...BREB_LENGTHS.BREB_ALPHANUMERIC);

/** Colombia Bre-B: a pay-out to an "@" key (name, id, random, open_input), in COP, through Depay. */
export const brebKey = defineKeyPayout({
  method: "BREB_KEY",
  summary: `Colombia Bre-B pay-out to an "@" key (name, id, random, open_input; at most ${longest} characters), in COP`,
  country: "CO",
  currency: "COP",
  branch: "riel.BrebKeyDetails",
  accepts: (type) => AT_KEYS.has(type),
  keyRule: 'must be a Bre-B "@" key: Depay pays Bre-B name, id, random and open_input keys, which start with "@"',
  currencyRule: "must be COP: Bre-B pays in Colombian pesos",
  // Depay's name and open_input keys are both 21 characters: nothing tells them apart, and Depay
  // takes either the same way, so such a key is recorded as a plain "@" key (docs/decisions.md).
  ambiguous: (candidates) => (candidates.every((c) => AT_KEYS.has(c)) ? "BREB_ALPHANUMERIC" : null),
});
