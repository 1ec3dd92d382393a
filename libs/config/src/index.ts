import { z } from "zod";

/** Start-up cannot go on: each entry names one variable and what it must be. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates environment variables against a zod object whose keys are the variable names.
 * Every problem is reported at once, not just the first.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `${name} is missing: ${issue.message}` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError(problems);
}

/** A value that prints as a mask, so a config object can be logged whole. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "***";
  }
  toJSON(): string {
    return "***";
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Secret(***)";
  }
}

const hostPort = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Reusable variable rules, so each service's schema reads as a list of what it needs. */
export const vars = {
  kafkaBrokers: z
    .string({ error: "must be a comma-separated list of host:port, e.g. 127.0.0.1:9092" })
    .transform((s) => s.split(",").map((b) => b.trim()).filter(Boolean))
    .refine((list) => list.length > 0 && list.every((b) => hostPort.test(b)), {
      message: "must be a comma-separated list of host:port, e.g. 127.0.0.1:9092",
    }),
  redisUrl: z
    .string({ error: "must be a redis:// URL, e.g. redis://127.0.0.1:6379" })
    .regex(/^rediss?:\/\/\S+$/, "must be a redis:// URL, e.g. redis://127.0.0.1:6379"),
  httpUrl: (example: string) =>
    z.string({ error: `must be an http(s) URL, e.g. ${example}` }).regex(/^https?:\/\/\S+$/, `must be an http(s) URL, e.g. ${example}`),
  port: (fallback: number) =>
    z.coerce
      .number({ error: "must be a port number from 0 to 65535" })
      .int("must be a port number from 0 to 65535")
      .min(0, "must be a port number from 0 to 65535")
      .max(65535, "must be a port number from 0 to 65535")
      .default(fallback),
  positiveInt: (fallback: number, what: string) =>
    z.coerce.number({ error: `must be a whole number >= 1 (${what})` }).int(`must be a whole number >= 1 (${what})`).min(1, `must be a whole number >= 1 (${what})`).default(fallback),
  /** A number above 0 and at most 1 (a factor that shrinks something, e.g. delays in tests). */
  fraction: (fallback: number, what: string) =>
    z.coerce.number({ error: `must be a number above 0 and at most 1 (${what})` }).gt(0, `must be above 0 (${what})`).max(1, `must be at most 1 (${what})`).default(fallback),
  /** `capacity/perSecond`, e.g. `400/200`: a burst of 400 requests, refilled at 200 a second. */
  rateRule: (fallback: string, what: string) =>
    z
      .string()
      .default(fallback)
      .transform((text, ctx) => {
        const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,9}(?:\.\d{1,6})?)\s*$/.exec(text);
        const rule = match ? { capacity: Number(match[1]), refillPerSecond: Number(match[2]) } : null;
        if (rule === null || rule.capacity < 1 || rule.refillPerSecond <= 0) {
          ctx.addIssue({ code: "custom", message: `must be capacity/perSecond, e.g. ${fallback} (${what})` });
          return z.NEVER;
        }
        return rule;
      }),
  secret: (what: string) =>
    z.string({ error: `must be set (${what}), at least 16 characters` }).min(16, `must be at least 16 characters (${what})`).transform((s) => new Secret(s)),
};

/**
 * Reconciliation's settings, read the same way by every service that runs it (the connectors)
 * or schedules it (the projector, which reads only the scale).
 */
export const reconcileVars = {
  RECONCILE_SCALE: vars.fraction(1, "a factor on the reconciliation delays; tests shrink them"),
  RECONCILE_POLL_MS: vars.positiveInt(1_000, "milliseconds between looks for due reconciliation checks"),
  RECONCILE_ATTENTION_AFTER_MS: vars.positiveInt(
    2 * 60 * 60_000,
    "milliseconds a payment may stay in one status (a pay-in: past its expiry) before reconciliation stops asking and raises it as needing attention",
  ),
};

/** Reconciliation's settings as the connectors take them, from variables read with `reconcileVars`. */
export function reconcileSettings(config: { readonly RECONCILE_SCALE: number; readonly RECONCILE_POLL_MS: number; readonly RECONCILE_ATTENTION_AFTER_MS: number }): {
  readonly scale: number;
  readonly pollMs: number;
  readonly attentionAfterMs: number;
} {
  return { scale: config.RECONCILE_SCALE, pollMs: config.RECONCILE_POLL_MS, attentionAfterMs: config.RECONCILE_ATTENTION_AFTER_MS };
}

/**
 * Reads `NAME=value` lines (the local stack writes its settings so). Variables already in
 * `env` win, so an explicit setting always beats the file.
 */
export function withEnvFile(env: Env, text: string | undefined): Env {
  if (text === undefined) return env;
  const fromFile: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match) fromFile[match[1] as string] = (match[2] as string).trim().replace(/^(['"])(.*)\1$/, "$2");
  }
  return { ...fromFile, ...env };
}
