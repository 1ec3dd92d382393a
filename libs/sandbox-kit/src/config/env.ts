import { inspect } from "node:util";
import { z } from "zod";

// Building blocks for a sandbox's environment loader (each sandbox has one
// config module, the only place that reads process.env). Every rule's message
// names the variable, so a bad start-up says what to fix.

/** A value that prints as a mask in logs, JSON and inspection. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "****";
  }
  toJSON(): string {
    return "****";
  }
  [inspect.custom](): string {
    return "Secret(****)";
  }
}

/** A variable that must be set. */
export const requiredEnv = (name: string) => z.string({ error: `${name} is required` });

/** Decimal digits only, within [min, max]; the message states the range. */
export const envInteger = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be an integer from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `${name} must be an integer from ${min} to ${max}` });
