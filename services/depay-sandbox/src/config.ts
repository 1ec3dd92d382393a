import { inspect } from "node:util";
import { z } from "zod";
import { DEFAULT_CALLBACK_DELAY_MS } from "./sandbox.js";

// The only place that reads the sandbox's environment. Each variable's rule is
// stated in its error, so a bad start-up says what to fix.

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

export interface SandboxConfig {
  readonly port: number;
  readonly host: string;
  readonly token: Secret;
  readonly callbackDelayMs: number;
  readonly callbackSigningSecret: Secret | undefined;
}

const required = (name: string) => z.string({ error: `${name} is required` });

const integer = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, { error: `${name} must be an integer from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `${name} must be an integer from ${min} to ${max}` });

const envSchema = z.object({
  DEPAY_SANDBOX_PORT: required("DEPAY_SANDBOX_PORT").pipe(integer("DEPAY_SANDBOX_PORT", 0, 65_535)),
  DEPAY_SANDBOX_TOKEN: required("DEPAY_SANDBOX_TOKEN").regex(/^\S+$/, {
    error: "DEPAY_SANDBOX_TOKEN must be a non-empty string without whitespace",
  }),
  DEPAY_SANDBOX_CALLBACK_DELAY_MS: integer("DEPAY_SANDBOX_CALLBACK_DELAY_MS", 0, 600_000).optional(),
  DEPAY_SANDBOX_HOST: z.string().min(1, { error: "DEPAY_SANDBOX_HOST must not be empty" }).optional(),
  DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET: z
    .string()
    .min(16, { error: "DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET must be at least 16 characters" })
    .optional(),
});

export type ConfigResult = { readonly ok: true; readonly config: SandboxConfig } | { readonly ok: false; readonly errors: string[] };

export const DEFAULT_HOST = "127.0.0.1";

export function loadConfig(env: Readonly<Record<string, string | undefined>>): ConfigResult {
  const result = envSchema.safeParse(env);
  if (!result.success) return { ok: false, errors: result.error.issues.map((issue) => issue.message) };
  const values = result.data;
  return {
    ok: true,
    config: {
      port: values.DEPAY_SANDBOX_PORT,
      host: values.DEPAY_SANDBOX_HOST ?? DEFAULT_HOST,
      token: new Secret(values.DEPAY_SANDBOX_TOKEN),
      callbackDelayMs: values.DEPAY_SANDBOX_CALLBACK_DELAY_MS ?? DEFAULT_CALLBACK_DELAY_MS,
      callbackSigningSecret:
        values.DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET === undefined ? undefined : new Secret(values.DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET),
    },
  };
}
