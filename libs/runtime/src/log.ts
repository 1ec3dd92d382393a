export type Log = (message: string, fields?: Readonly<Record<string, string | number | boolean | null>>) => void;

/**
 * One JSON line per entry. Callers pass ids and statuses, never names, tax ids, keys or
 * account numbers: `mask` is there for the rare field that must show a hint of one.
 */
export function createLog(service: string, write: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Log {
  return (message, fields) => write(JSON.stringify({ at: new Date().toISOString(), service, message, ...fields }));
}

/** Keeps the last few characters of personal data, enough to tell records apart in a log. */
export function mask(value: string, keep = 3): string {
  return value.length <= keep ? "*".repeat(value.length) : `${"*".repeat(Math.min(6, value.length - keep))}${value.slice(-keep)}`;
}
