import { readFileSync, statSync } from "node:fs";
import { z } from "zod";

/** Start-up cannot go on: each entry names one variable and what it must be. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A secret file's text, without the one trailing newline editors and `echo` leave. */
const readSecretFile = (path: string): string => readFileSync(path, "utf8").replace(/\r?\n$/, "");

/**
 * `NAME_FILE` (a path) stands for `NAME` (the Docker secrets convention) for every variable of
 * `names`: the file's text, without its trailing newline, is the value. Both set, or a file that
 * cannot be read, is a problem naming the variable (never the content).
 */
function withFiles(names: readonly string[], env: Env): { env: Env; problems: string[] } {
  const filled: Record<string, string | undefined> = { ...env };
  const problems: string[] = [];
  for (const name of names) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === "") continue;
    if (env[name] !== undefined) {
      problems.push(`${name} and ${name}_FILE are both set: set one`);
      continue;
    }
    try {
      filled[name] = readSecretFile(path);
    } catch (error) {
      problems.push(`${name}_FILE is invalid: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
    }
  }
  return { env: filled, problems };
}

/**
 * Validates environment variables against a zod object whose keys are the variable names; any of
 * them may come from a file instead (`NAME_FILE`). Every problem is reported at once, not just the first.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, rawEnv: Env): z.infer<S> {
  const { env, problems: fileProblems } = withFiles(Object.keys(schema.shape), rawEnv);
  const result = schema.safeParse(env);
  if (result.success && fileProblems.length === 0) return result.data;
  if (result.success) throw new ConfigError(fileProblems);
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    const value = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    return value === undefined ? `${name} is missing: ${issue.message}` : `${name} is invalid: ${issue.message}`;
  });
  throw new ConfigError([...fileProblems, ...problems]);
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
 * A secret read through a function, so that it can change while the service runs: with
 * `NAME_FILE` set, the file is read again when it changed (its modification time, looked at
 * most once per `recheckMs`), so an operator rotating a mounted secret (a provider's new token)
 * needs no restart; a file that cannot be read keeps the last value. Without it, `fallback`.
 */
export function secretSource(env: Env, name: string, fallback: Secret, recheckMs = 1_000, now: () => number = Date.now): () => string {
  const path = env[`${name}_FILE`];
  if (path === undefined || path === "") return () => fallback.reveal();
  let value = fallback.reveal();
  let modified = -1;
  let checkedAt = -Infinity;
  return () => {
    const t = now();
    if (t - checkedAt < recheckMs) return value;
    checkedAt = t;
    try {
      const mtime = statSync(path).mtimeMs;
      if (mtime !== modified) {
        value = readSecretFile(path);
        modified = mtime;
      }
    } catch {
      // Mid-rotation (the file replaced) or gone: the last good value until it is back.
    }
    return value;
  };
}

/** A key id in a callback URL: short, and safe in a path. */
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

/**
 * The webhook URL secrets, read alike by the connectors (which sign with the current one) and
 * the webhook receiver (which takes every one): WEBHOOK_SECRET, the current; WEBHOOK_SECRET_ID,
 * its key id in new URLs (without one, URLs carry no key id, as before rotation existed);
 * WEBHOOK_PREVIOUS_SECRETS, `id:secret` entries (a bare `secret` for URLs without a key id),
 * comma-separated, still taken until the payments they were given to have ended.
 */
export const webhookSecretVars = {
  WEBHOOK_SECRET: vars.secret("makes the per-payment callback URL tokens"),
  WEBHOOK_SECRET_ID: z.string().regex(KEY_ID, "must be 1 to 16 letters, digits, _ or - (the key id in new callback URLs)").optional(),
  WEBHOOK_PREVIOUS_SECRETS: z
    .string()
    .default("")
    .transform((text, ctx) => {
      const keys: Array<{ id: string | null; secret: Secret }> = [];
      for (const entry of text.split(",").map((e) => e.trim()).filter(Boolean)) {
        const colon = entry.indexOf(":");
        const id = colon > 0 && KEY_ID.test(entry.slice(0, colon)) ? entry.slice(0, colon) : null;
        const secret = id === null ? entry : entry.slice(colon + 1);
        if (secret.length < 16) {
          ctx.addIssue({ code: "custom", message: `entry ${keys.length + 1} must be id:secret or a bare secret, the secret at least 16 characters` });
          return z.NEVER;
        }
        keys.push({ id, secret: new Secret(secret) });
      }
      return keys;
    }),
};

export interface WebhookKey {
  readonly id: string | null;
  readonly secret: string;
}

/** The signing key and every key the receiver takes, from variables read with `webhookSecretVars`; throws a ConfigError on a repeated key id. */
export function webhookKeys(config: { readonly WEBHOOK_SECRET: Secret; readonly WEBHOOK_SECRET_ID?: string | undefined; readonly WEBHOOK_PREVIOUS_SECRETS: ReadonlyArray<{ id: string | null; secret: Secret }> }): {
  readonly signing: WebhookKey;
  readonly accepted: readonly WebhookKey[];
} {
  const signing = { id: config.WEBHOOK_SECRET_ID ?? null, secret: config.WEBHOOK_SECRET.reveal() };
  const accepted = [signing, ...config.WEBHOOK_PREVIOUS_SECRETS.map((k) => ({ id: k.id, secret: k.secret.reveal() }))];
  const ids = accepted.map((k) => k.id ?? "(no key id)");
  const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (repeated.length > 0) throw new ConfigError([`WEBHOOK_PREVIOUS_SECRETS is invalid: key id ${repeated[0] ?? ""} is used twice (WEBHOOK_SECRET_ID counts): each secret needs its own`]);
  return { signing, accepted };
}

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
