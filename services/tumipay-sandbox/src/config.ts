import { envFaultProfile, envInteger, requiredEnv, Secret, type FaultProfile } from "@riel/sandbox-kit";
import { z } from "zod";
import { isHttpUrl } from "./http/payin-request.js";
import { basicCredentialProblem } from "./http/tumipay-auth.js";
import { DEFAULT_CALLBACK_DELAY_MS } from "./sandbox.js";

// The only place that reads the sandbox's environment. Each variable's rule is
// stated in its error, so a bad start-up says what to fix.

export { Secret } from "@riel/sandbox-kit";

export interface SandboxConfig {
  readonly port: number;
  readonly host: string;
  readonly tokenTop: Secret;
  /** base64 of user:password. */
  readonly basic: Secret;
  readonly callbackDelayMs: number;
  /** Base of payment_url; undefined: the sandbox's own URL (the origin requests come to). */
  readonly publicUrl: string | undefined;
  /** TUMIPAY_SANDBOX_FAULTS; undefined: no faults. */
  readonly faults: FaultProfile | undefined;
}

const envSchema = z.object({
  TUMIPAY_SANDBOX_PORT: requiredEnv("TUMIPAY_SANDBOX_PORT").pipe(envInteger("TUMIPAY_SANDBOX_PORT", 0, 65_535)),
  TUMIPAY_SANDBOX_TOKEN_TOP: requiredEnv("TUMIPAY_SANDBOX_TOKEN_TOP").regex(/^\S+$/, {
    error: "TUMIPAY_SANDBOX_TOKEN_TOP must be a non-empty string without whitespace",
  }),
  TUMIPAY_SANDBOX_BASIC: requiredEnv("TUMIPAY_SANDBOX_BASIC").refine((value) => basicCredentialProblem(value) === undefined, {
    error: "TUMIPAY_SANDBOX_BASIC must be the base64 of user:password (e.g. `printf 'user:pass' | base64`)",
  }),
  TUMIPAY_SANDBOX_CALLBACK_DELAY_MS: envInteger("TUMIPAY_SANDBOX_CALLBACK_DELAY_MS", 0, 600_000).optional(),
  TUMIPAY_SANDBOX_HOST: z.string().min(1, { error: "TUMIPAY_SANDBOX_HOST must not be empty" }).optional(),
  TUMIPAY_SANDBOX_PUBLIC_URL: z
    .string()
    .refine(isHttpUrl, { error: "TUMIPAY_SANDBOX_PUBLIC_URL must be an absolute http(s) URL" })
    .optional(),
  TUMIPAY_SANDBOX_FAULTS: envFaultProfile("TUMIPAY_SANDBOX_FAULTS").optional(),
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
      port: values.TUMIPAY_SANDBOX_PORT,
      host: values.TUMIPAY_SANDBOX_HOST ?? DEFAULT_HOST,
      tokenTop: new Secret(values.TUMIPAY_SANDBOX_TOKEN_TOP),
      basic: new Secret(values.TUMIPAY_SANDBOX_BASIC),
      callbackDelayMs: values.TUMIPAY_SANDBOX_CALLBACK_DELAY_MS ?? DEFAULT_CALLBACK_DELAY_MS,
      publicUrl: values.TUMIPAY_SANDBOX_PUBLIC_URL,
      faults: values.TUMIPAY_SANDBOX_FAULTS,
    },
  };
}
