import { pino } from "pino";
import { prettyFactory } from "pino-pretty";
import { z } from "zod";
import type { Env } from "@riel/config";
import { loadConfig } from "@riel/config";

/**
 * One log entry: a message and flat fields (ids, statuses, outcomes).
 *
 * A `level` field whose value is a level name ("trace", "debug", "info", "warn", "error",
 * "fatal") sets the entry's level instead of being printed as a field; without one the entry
 * is "info". This rides in the fields so that every existing `Log` (and every `() => {}` in a
 * test) keeps its type.
 */
export type Log = (message: string, fields?: Readonly<Record<string, string | number | boolean | null>>) => void;

type FieldValue = string | number | boolean | null;

const ENTRY_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal"] as const;
type EntryLevel = (typeof ENTRY_LEVELS)[number];
export type LogLevel = EntryLevel | "silent";

export interface LogSettings {
  /** The lowest level written. */
  readonly level: LogLevel;
  /** Human-readable lines instead of JSON; by default only when writing to a terminal. */
  readonly pretty?: boolean;
}

const logSchema = z.object({
  LOG_LEVEL: z.enum([...ENTRY_LEVELS, "silent"], { error: `must be one of: ${[...ENTRY_LEVELS, "silent"].join(", ")}` }).default("info"),
});

export function logSettingsFromEnv(env: Env): LogSettings {
  return { level: loadConfig(logSchema, env).LOG_LEVEL };
}

/**
 * Structured logs (pino): every line has time, level, service, message and the fields given,
 * one JSON object a line, or human-readable lines when stdout is a terminal (`pnpm start`).
 *
 * Personal data is masked here, whatever a caller passes, so that one careless call site
 * cannot leak it. With `mask` (the last 3 characters kept), in this order:
 * 1. a field named for personal data (`isPersonalField`), whatever its value;
 * 2. that same value wherever else it shows in the entry (the message, another field);
 * 3. in text, the value of a personal name in JSON (`"fullName":"..."`) or key=value form;
 * 4. in text and in every other field, what looks like personal data (`SHAPES`): e-mails,
 *    +country phone numbers, Bre-B "@" keys, runs of 8+ digits; never UUIDs (the ids).
 * What no rule can find: a person's name written into a message with no field naming it.
 * Call sites still pass ids and statuses only (STYLE.md, 9); this is the net under them.
 *
 * A `service` field replaces the logger's own (the embedded mode logs each service's
 * infrastructure under its name through one logger). A field named `time` or `message`, or a
 * `level` that names no level, is written as `_time`, `_message`, `_level`: the line's own keys
 * are never overwritten.
 *
 * `write` receives each line without its newline (tests capture them so). `settings` defaults
 * to LOG_LEVEL, read here rather than in every main.ts because each already calls
 * `createLog(service)`; an invalid LOG_LEVEL fails at start-up.
 */
export function createLog(service: string, write?: (line: string) => void, settings: LogSettings = logSettingsFromEnv(process.env)): Log {
  const pretty = settings.pretty ?? (write === undefined && process.stdout.isTTY === true);
  const prettify = pretty
    ? prettyFactory({ colorize: write === undefined, singleLine: true, messageKey: "message", translateTime: "SYS:HH:MM:ss.l", ignore: "service", messageFormat: "{service}: {message}" })
    : null;
  const sink = write ?? (prettify ? (line: string) => void process.stdout.write(`${line}\n`) : stdoutSink());
  const logger = pino(
    {
      level: settings.level,
      base: null,
      messageKey: "message",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    {
      write(chunk: string) {
        sink((prettify ? prettify(chunk) : chunk).replace(/\n$/, ""));
      },
    },
  );
  return (message, fields = {}) => {
    const chosen = fields.level;
    const level: EntryLevel = isEntryLevel(chosen) ? chosen : "info";
    if (!logger.isLevelEnabled(level)) return;
    // A value given under a personal name is masked wherever else it shows in this entry too:
    // a name has no shape the patterns could find.
    const given = Object.entries(fields).flatMap(([key, value]) => (value !== null && typeof value !== "boolean" && isPersonalField(key) && String(value).length >= 3 ? [String(value)] : []));
    const entry: Record<string, FieldValue> = { service };
    for (const [key, value] of Object.entries(fields)) {
      if (key === "level" && isEntryLevel(value)) continue;
      entry[RESERVED.has(key) ? `_${key}` : key] = redactField(key, value, given);
    }
    logger[level](entry, redactText(message, given));
  };
}

/**
 * Standard output through pino's asynchronous destination (sonic-boom), one for the process. Node
 * writes to a pipe or a file synchronously: a service logging each record waited on whoever reads
 * its output (a container runtime, a busy parent process) on every line, and a profile under load
 * found those writes the largest single cost of each service. Each asynchronous write is a trip
 * through libuv's thread pool, so lines are gathered: written once 4 KiB are waiting, and at least
 * every 50 ms; about 40 µs of CPU a line instead of 120 (measured writing to a pipe).
 * Lines stay in order; what is still buffered is flushed when the process exits, so a SIGKILL
 * loses at most the last 50 ms of lines.
 */
const LOG_FLUSH_MS = 50;
let stdout: ReturnType<typeof pino.destination> | undefined;
let flushTimer: ReturnType<typeof setTimeout> | undefined;
/** Bytes given to the destination and not yet written. */
let pendingBytes = 0;
function stdoutSink(): (line: string) => void {
  // Not sonic-boom's own periodicFlush: it writes (an empty string) on every tick, idle or not.
  const armFlush = (destination: NonNullable<typeof stdout>): void => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      // A flush while a write is in flight does nothing; that write's end arms the timer again.
      if (pendingBytes > 0) destination.flush();
    }, LOG_FLUSH_MS).unref();
  };
  if (!stdout) {
    const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    destination.on("write", (n: number) => {
      pendingBytes = Math.max(0, pendingBytes - n);
      if (pendingBytes > 0) armFlush(destination);
    });
    process.once("exit", () => {
      try {
        destination.flushSync();
      } catch {
        // a write was still in flight: it completes as the process ends, or is lost with it
      }
    });
    stdout = destination;
  }
  const destination = stdout;
  return (line) => {
    const text = `${line}\n`;
    pendingBytes += Buffer.byteLength(text);
    destination.write(text);
    armFlush(destination);
  };
}

const RESERVED = new Set(["time", "message", "level"]);

function isEntryLevel(value: unknown): value is EntryLevel {
  return typeof value === "string" && (ENTRY_LEVELS as readonly string[]).includes(value);
}

/** Keeps the last few characters of personal data, enough to tell records apart in a log. */
export function mask(value: string, keep = 3): string {
  return value.length <= keep ? "*".repeat(value.length) : `${"*".repeat(Math.min(6, value.length - keep))}${value.slice(-keep)}`;
}
/*
 * Field names that carry personal data, compared lower-case without separators, so `taxId`,
 * `tax_id`, `payer.taxId` and `customerEmail` all match (a name matches when it ends with one of
 * PERSONAL_SUFFIXES). "name" alone is exact: `topicName` or `hostname` are not a person's.
 *
 * Not personal, and so printed: ids Riel or a provider makes (`paymentId`, `eventId`,
 * `correlationId`, `refundId`, `orderId`, and `walletId`, which names a wallet the provider's
 * preview offered, not the person: the person behind it is the payee key, masked), statuses,
 * outcomes, methods, currencies, document *types* (`taxIdType`: "DNI"), `phoneCode` (a country's
 * calling code).
 */
const PERSONAL_SUFFIXES = [
  "taxid",
  "accountnumber",
  "account",
  "iban",
  "payeekey",
  "payerkey",
  "dictkey",
  "pixkey",
  "legaldoc",
  "document",
  "documentnumber",
  "cpf",
  "cnpj",
  "cci",
  "dni",
  "ruc",
  "fullname",
  "firstname",
  "lastname",
  "payername",
  "payeename",
  "customername",
  "holdername",
  "email",
  "phone",
  "phonenumber",
  "mobile",
  "mobilenumber",
  "birthdate",
];
const PERSONAL_EXACT = new Set(["name"]);

function isPersonalField(name: string): boolean {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return PERSONAL_EXACT.has(n) || PERSONAL_SUFFIXES.some((suffix) => n.endsWith(suffix));
}

/**
 * A field named for personal data is masked whatever its value looks like (a Pix EVP key is a
 * UUID, but under `payeeKey` it is masked); any other string is scanned like a message. A number
 * is personal data when its digits make a document number. Booleans and null carry none.
 */
function redactField(name: string, value: FieldValue, given: readonly string[]): FieldValue {
  if (value === null || typeof value === "boolean") return value;
  if (isPersonalField(name)) return mask(String(value));
  if (typeof value === "number") {
    const text = String(value);
    const scanned = redactText(text, given);
    return scanned === text ? value : scanned;
  }
  return redactText(value, given);
}

/*
 * What personal data looks like inside free text (an error message, a provider's body echoed
 * into one). One pass, left to right; the first alternatives only protect what must stay
 * readable and are given back unchanged:
 *
 * - UUIDs: payment, event, correlation and refund ids are UUIDs, and so is a Pix EVP (random)
 *   key; the two cannot be told apart, and a log without its ids is useless, so UUIDs stay
 *   (an EVP key under a personal field name is still masked, see `redactField`).
 * - ISO dates and times (2026-03-01, 2026/03/01T10:00:00Z): eight digits, but not a document.
 * - IPv4 addresses (a broker at 192.168.100.200:9092).
 *
 * Then, masked:
 * - e-mail addresses (EMAIL, in the pass before);
 * - phone numbers written with + and a country code (+51987654321, +57 300 123 4567);
 * - Bre-B "@" keys (@CBAQ1EXD8), an "@" not following a letter or digit (`topic/3@1200` is a
 *   Kafka offset);
 * - runs of 8 or more digits, alone or joined by single . - / or space (CPF 390.533.447-05,
 *   CNPJ, CCI, DNI 12345678, RUC, account numbers, local phone numbers 987 654 321), not inside
 *   a word (hashes and hex ids keep their digits) and not after "@". The cost: an id made only
 *   of 8+ digits (a Kafka offset written alone, a provider's numeric order id) is masked too.
 *
 * Before that pass (PAIR), the value of a personal field name is masked whole in JSON
 * (`"fullName":"Rosa Huaman"`, a provider's body inside an error) and in key=value text
 * (`email=rosa%40example.com`), because a name has no shape a pattern could find. Prose
 * (`fullName: Rosa`) is left to the patterns: Riel's own rule messages read
 * `payer.taxId: TAX_ID_FORMAT` and must stay readable.
 */
const PAIR = /"([A-Za-z_][\w.-]*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*)|(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s&,;"']+)/g;
/*
 * E-mail addresses, in a pass of their own before SHAPES. The local part may only start where a
 * run of its characters starts: without that, a long run with no "@" (30 KB of letters in a
 * provider's error) is scanned again from every position, quadratic time in the logger. Ahead of
 * SHAPES, an address whose local part begins with a UUID or a date is masked whole.
 */
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const SHAPES = new RegExp(
  [
    /(?<keep>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/.source,
    /(?<keepDate>(?<![\w])\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\w]))/.source,
    /(?<keepIp>(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\w.-]))/.source,
    /\+\d(?:[ .()-]{0,2}\d){6,14}/.source,
    /(?<![A-Za-z0-9])@[A-Za-z0-9][A-Za-z0-9._-]{2,}/.source,
    /(?<![A-Za-z0-9@])\d(?:[ ./-]?\d){7,}(?![A-Za-z0-9])/.source,
  ].join("|"),
  "gi",
);

function redactText(text: string, given: readonly string[]): string {
  const known = given.reduce((t, value) => t.split(value).join(mask(value)), text);
  const paired = known.replace(PAIR, (whole, jsonKey: string | undefined, jsonValue: string | undefined, formKey: string | undefined, formValue: string | undefined) => {
    if (jsonKey !== undefined && jsonValue !== undefined && isPersonalField(jsonKey)) {
      const inner = jsonValue.startsWith('"') ? jsonValue.slice(1, -1) : jsonValue;
      return `${whole.slice(0, whole.length - jsonValue.length)}"${mask(inner)}"`;
    }
    if (formKey !== undefined && formValue !== undefined && isPersonalField(formKey)) return `${formKey}=${mask(formValue)}`;
    return whole;
  });
  return paired.replace(EMAIL, (found) => mask(found)).replace(SHAPES, (found: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    return groups.keep ?? groups.keepDate ?? groups.keepIp ?? mask(found);
  });
}
