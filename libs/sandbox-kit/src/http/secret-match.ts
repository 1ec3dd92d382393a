import { createHash, timingSafeEqual } from "node:crypto";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/**
 * Compares a credential a client sent with the configured one in constant
 * time. Hashing first gives equal lengths, so neither the content nor the
 * length of the secret leaks through timing.
 */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), digest(expected));
}
