import { envFaultProfile, envInteger, requiredEnv, Secret, type FaultProfile } from "@riel/sandbox-kit";
import { z } from "zod";
import { DEFAULT_CALLBACK_DELAY_MS, DEFAULT_PREVIEW_TTL_MS } from "./sandbox.js";

// The only place that reads the sandbox's environment. Each variable's rule is
// stated in its error, so a bad start-up says what to fix.

export { Secret } from "@riel/sandbox-kit";

export interface SandboxConfig {
  readonly port: number;
  readonly host: string;
  readonly token: Secret;
  readonly callbackDelayMs: number;
  readonly previewTtlMs: number;
  readonly callbackSigningSecret: Secret | undefined;
  /** DEPAY_SANDBOX_FAULTS; undefined: no faults. */
  readonly faults: FaultProfile | undefined;
}

/** One day: longer than any preview a test or a demo needs, and far below setTimeout's ceiling. */
const MAX_PREVIEW_TTL_MS = 86_400_000;

const envSchema = z.object({
  DEPAY_SANDBOX_PORT: requiredEnv("DEPAY_SANDBOX_PORT").pipe(envInteger("DEPAY_SANDBOX_PORT", 0, 65_535)),
  DEPAY_SANDBOX_TOKEN: requiredEnv("DEPAY_SANDBOX_TOKEN").regex(/^\S+$/, {
    error: "DEPAY_SANDBOX_TOKEN must be a non-empty string without whitespace",
  }),
  DEPAY_SANDBOX_CALLBACK_DELAY_MS: envInteger("DEPAY_SANDBOX_CALLBACK_DELAY_MS", 0, 600_000).optional(),
  DEPAY_SANDBOX_PREVIEW_TTL_MS: envInteger("DEPAY_SANDBOX_PREVIEW_TTL_MS", 1, MAX_PREVIEW_TTL_MS).optional(),
  DEPAY_SANDBOX_HOST: z.string().min(1, { error: "DEPAY_SANDBOX_HOST must not be empty" }).optional(),
  DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET: z
    .string()
    .min(16, { error: "DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET must be at least 16 characters" })
    .optional(),
  DEPAY_SANDBOX_FAULTS: envFaultProfile("DEPAY_SANDBOX_FAULTS").optional(),
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
      previewTtlMs: values.DEPAY_SANDBOX_PREVIEW_TTL_MS ?? DEFAULT_PREVIEW_TTL_MS,
      callbackSigningSecret:
        values.DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET === undefined ? undefined : new Secret(values.DEPAY_SANDBOX_CALLBACK_SIGNING_SECRET),
      faults: values.DEPAY_SANDBOX_FAULTS,
    },
  };
}
