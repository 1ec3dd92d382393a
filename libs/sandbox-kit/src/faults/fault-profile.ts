import { z } from "zod";

// What a sandbox may get wrong on purpose, and how often: a fault profile.
// Probabilities are in [0, 1] (JSON numbers or decimal strings); every
// decision comes from a PRNG seeded with `seed`, so a run can be repeated.
// All zero (NO_FAULTS) is the sandbox as it always was.

export const REQUEST_FAULT_KINDS = ["error5xx", "timeout"] as const;
export const CALLBACK_FAULT_KINDS = ["duplicateCallback", "reorderCallback", "delayCallback", "dropCallback"] as const;
export const FAULT_KINDS = [...REQUEST_FAULT_KINDS, ...CALLBACK_FAULT_KINDS] as const;

export type RequestFaultKind = (typeof REQUEST_FAULT_KINDS)[number];
export type CallbackFaultKind = (typeof CALLBACK_FAULT_KINDS)[number];
/** Also the names of the profile's probabilities and of the injected-fault counters. */
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultProfile = { readonly [K in FaultKind]: number } & {
  /** Longest delay of a delayed callback, and how long a reordered one waits for the next of its stream. */
  readonly maxDelayMs: number;
  /** How long a timed-out request's answer is held before its connection is dropped (sooner if the client gives up). */
  readonly timeoutHoldMs: number;
  /** Every provider request is answered this much later: a slow provider (benchmarks run at 100 ms). */
  readonly latencyMs: number;
  /** Seeds the PRNG all decisions come from. */
  readonly seed: number;
};

/** A profile as given (environment JSON, admin PUT, sandbox option): any field may be missing, numbers may be decimal strings. */
export type FaultProfileInput = { readonly [K in keyof FaultProfile]?: number | string };

export const DEFAULT_FAULT_MAX_DELAY_MS = 5_000;
export const DEFAULT_TIMEOUT_HOLD_MS = 15_000;
/** Ceiling of maxDelayMs and timeoutHoldMs: ten minutes. */
export const MAX_FAULT_MS = 600_000;
/** Seeds are unsigned 32-bit integers (what the generator takes). */
export const MAX_FAULT_SEED = 4_294_967_295;

export const NO_FAULTS: FaultProfile = {
  error5xx: 0,
  timeout: 0,
  duplicateCallback: 0,
  reorderCallback: 0,
  delayCallback: 0,
  dropCallback: 0,
  maxDelayMs: DEFAULT_FAULT_MAX_DELAY_MS,
  timeoutHoldMs: DEFAULT_TIMEOUT_HOLD_MS,
  latencyMs: 0,
  seed: 0,
};

const PROFILE_FIELDS: readonly (keyof FaultProfile)[] = [...FAULT_KINDS, "maxDelayMs", "timeoutHoldMs", "latencyMs", "seed"];

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A finite JSON number, or a decimal string ("0.05", "3000"); undefined for anything else. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && DECIMAL.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** One field: absent gives `fallback`; otherwise a number accepted by `accept`, or an issue stating `rule`. */
const numberField = (rule: string, fallback: number, accept: (n: number) => boolean) =>
  z.unknown().transform((value, ctx) => {
    if (value === undefined) return fallback;
    const n = toNumber(value);
    if (n === undefined || !accept(n)) {
      ctx.addIssue({ code: "custom", message: rule });
      return z.NEVER;
    }
    return n;
  });

const PROBABILITY_RULE = 'must be a probability from 0 to 1 (a number or a decimal string such as "0.05")';
const probability = numberField(PROBABILITY_RULE, 0, (n) => n >= 0 && n <= 1);
const milliseconds = (fallback: number) =>
  numberField(`must be an integer number of milliseconds from 0 to ${MAX_FAULT_MS}`, fallback, (n) => Number.isInteger(n) && n >= 0 && n <= MAX_FAULT_MS);

const FIELD_SCHEMAS = {
  error5xx: probability,
  timeout: probability,
  duplicateCallback: probability,
  reorderCallback: probability,
  delayCallback: probability,
  dropCallback: probability,
  maxDelayMs: milliseconds(DEFAULT_FAULT_MAX_DELAY_MS),
  timeoutHoldMs: milliseconds(DEFAULT_TIMEOUT_HOLD_MS),
  latencyMs: milliseconds(0),
  seed: numberField(`must be an integer from 0 to ${MAX_FAULT_SEED}`, 0, (n) => Number.isInteger(n) && n >= 0 && n <= MAX_FAULT_SEED),
} as const satisfies Record<keyof FaultProfile, z.ZodType<number>>;

export type FaultProfileResult = { readonly ok: true; readonly profile: FaultProfile } | { readonly ok: false; readonly errors: string[] };

/**
 * Validates a profile: a JSON object with only the known fields, each within
 * its rule; absent fields take their defaults (probabilities 0). Each error
 * names the field, prefixed with `name` when given
 * (`DEPAY_SANDBOX_FAULTS.error5xx must be a probability from 0 to 1 ...`).
 */
export function parseFaultProfile(value: unknown, name?: string): FaultProfileResult {
  const label = (field?: string): string => [name, field].filter((part) => part !== undefined && part !== "").join(".") || "fault profile";
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, errors: [`${label()} must be a JSON object`] };
  }
  const fields = value as Record<string, unknown>;
  const errors = Object.keys(fields)
    .filter((key) => !(PROFILE_FIELDS as readonly string[]).includes(key))
    .map((key) => `${label(key)} is not a fault profile field (known: ${PROFILE_FIELDS.join(", ")})`);
  const profile: Record<string, number> = {};
  for (const field of PROFILE_FIELDS) {
    const result = FIELD_SCHEMAS[field].safeParse(fields[field]);
    if (result.success) profile[field] = result.data;
    else errors.push(...result.error.issues.map((issue) => `${label(field)} ${issue.message}`));
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, profile: profile as FaultProfile };
}

/** parseFaultProfile that throws a TypeError listing the problems (for code options). */
export function resolveFaultProfile(value: FaultProfileInput | undefined, name = "faults"): FaultProfile {
  if (value === undefined) return NO_FAULTS;
  const result = parseFaultProfile(value, name);
  if (!result.ok) throw new TypeError(result.errors.join("; "));
  return result.profile;
}

/**
 * For a sandbox's config module: a variable holding the profile as a JSON
 * object. Bad JSON or a bad field stops start-up with a message naming the
 * variable and the field.
 */
export const envFaultProfile = (name: string) =>
  z.string().transform((text, ctx): FaultProfile => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `${name} must be a JSON object (${error instanceof Error ? error.message : String(error)})` });
      return z.NEVER;
    }
    const result = parseFaultProfile(value, name);
    if (!result.ok) {
      for (const message of result.errors) ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return result.profile;
  });

/** True when the profile injects nothing. */
export function isFaultFree(profile: FaultProfile): boolean {
  return FAULT_KINDS.every((kind) => profile[kind] === 0);
}
