import { CliError } from "./settings.js";

/** Named fault profiles: the share of requests or callbacks each fault hits. */
export const PROFILES: Readonly<Record<string, Record<string, number>>> = {
  none: {},
  flaky: { error5xx: 0.1, timeout: 0.02, timeoutHoldMs: 3_000 },
  "drop-callbacks": { dropCallback: 0.3 },
  "messy-callbacks": { duplicateCallback: 0.2, reorderCallback: 0.2, delayCallback: 0.2, maxDelayMs: 3_000 },
  chaos: { error5xx: 0.1, timeout: 0.02, timeoutHoldMs: 3_000, duplicateCallback: 0.2, reorderCallback: 0.2, delayCallback: 0.2, dropCallback: 0.1, maxDelayMs: 3_000 },
};

export const SANDBOX_URLS: Readonly<Record<string, string>> = { depay: "http://127.0.0.1:8099", tumipay: "http://127.0.0.1:8098" };

/** A named profile, or a JSON object of fault shares. */
export function profileFrom(text: string): Record<string, unknown> {
  const named = PROFILES[text];
  if (named) return named;
  if (!text.trim().startsWith("{")) throw new CliError(`profile: must be one of ${Object.keys(PROFILES).join(", ")}, or a JSON object such as '{"error5xx":0.1}'`, 2);
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("not an object");
    return value as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`profile: not a JSON object (${error instanceof Error ? error.message : String(error)})`, 2);
  }
}

/** Sets (or, with `profile` undefined, reads) a sandbox's fault profile through its admin route. */
export async function sandboxFaults(url: string, profile: Record<string, unknown> | undefined): Promise<unknown> {
  const target = `${url.replace(/\/+$/, "")}/__sandbox/faults`;
  let res: Response;
  try {
    res = await fetch(target, profile === undefined ? {} : { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(profile) });
  } catch (error) {
    throw new CliError(`${target}: no answer (${error instanceof Error ? error.message : String(error)}); is the sandbox running there? (--url)`);
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(`${target} answered ${res.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as unknown;
}
