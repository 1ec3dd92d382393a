import { setTimeout as delay } from "node:timers/promises";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type avro from "avsc";
import type { NamedTypes } from "./catalog.js";
import { standaloneSchema } from "./catalog.js";
import type { TopicSpec } from "./topics.js";

type Resolver = ReturnType<avro.Type["createResolver"]>;

/** A record's bytes could not be turned into a value: no retry will change that. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

/** A value does not match its schema: a bug in the publisher, named by field path. */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
}

export interface DecodedRecord {
  readonly type: string;
  readonly value: unknown;
}

/** Turns records into bytes in the Confluent wire format (magic byte 0, 4-byte schema id, Avro body) and back. */
export interface Codec {
  /** Registers or loads every schema the topics use. Call once at start-up. */
  start(): Promise<void>;
  encode(topic: string, type: string, value: unknown): Promise<Buffer>;
  decode(topic: string, bytes: Buffer): Promise<DecodedRecord>;
}

const MAGIC = 0;

function frame(id: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(MAGIC, 0);
  header.writeInt32BE(id, 1);
  return Buffer.concat([header, body]);
}

function unframe(bytes: Buffer): { id: number; body: Buffer } {
  if (bytes.length < 5) throw new DecodeError(`record is ${bytes.length} bytes; the wire format needs at least 5`);
  if (bytes.readUInt8(0) !== MAGIC) throw new DecodeError(`record starts with byte ${bytes.readUInt8(0)}, expected magic byte 0`);
  return { id: bytes.readInt32BE(1), body: bytes.subarray(5) };
}

function invalidPaths(type: avro.Type, value: unknown): string[] {
  const paths: string[] = [];
  type.isValid(value, { errorHook: (path) => paths.push(path.join(".") || "(root)") });
  return paths;
}

interface TopicIndex {
  allowed(topic: string, type: string): boolean;
}

function indexTopics(catalog: NamedTypes, topics: readonly TopicSpec[]): TopicIndex & { pairs: Array<[string, string]> } {
  const byTopic = new Map<string, Set<string>>();
  const pairs: Array<[string, string]> = [];
  for (const t of topics) {
    for (const r of t.records) {
      if (!catalog.has(r)) throw new Error(`topic ${t.name} declares ${r}, which no schema defines`);
      pairs.push([t.name, r]);
    }
    byTopic.set(t.name, new Set(t.records));
  }
  return { pairs, allowed: (topic, type) => byTopic.get(topic)?.has(type) ?? false };
}

function checkedEncode(catalog: NamedTypes, index: TopicIndex, topic: string, type: string): avro.Type {
  const avroType = catalog.get(type);
  if (!avroType || !index.allowed(topic, type)) throw new EncodeError(`topic ${topic} does not carry ${type}`);
  return avroType;
}

function encodeBody(avroType: avro.Type, type: string, value: unknown): Buffer {
  const paths = invalidPaths(avroType, value);
  if (paths.length > 0) throw new EncodeError(`${type} is invalid at ${paths.join(", ")}`);
  return avroType.toBuffer(value);
}

/**
 * avsc decodes records into instances of generated classes whose prototype methods are
 * enumerable; handlers get plain data instead, so validation and spreading see only fields.
 */
function toPlain(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map(toPlain);
  return Object.fromEntries(Object.keys(value).map((k) => [k, toPlain((value as Record<string, unknown>)[k])]));
}

function decodeBody(reader: avro.Type, resolver: Resolver | undefined, body: Buffer, type: string): unknown {
  try {
    return toPlain(reader.fromBuffer(body, resolver));
  } catch (error) {
    throw new DecodeError(`${type}: body does not decode: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** How start() rides out a registry that is busy, restarting, or answering peers' writes at the same moment. */
export interface RegistryRetry {
  /** Tries per subject before start() gives up on it. */
  readonly attempts: number;
  /** The wait before the second try; each next wait doubles, up to maxDelayMs, and a random half of it is left out. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** One request's limit; a registry that does not answer counts as busy. */
  readonly requestTimeoutMs: number;
}

/** Between 11 and 21 s of waits in all: enough for a registry that is still starting beside the services. */
export const defaultRegistryRetry: RegistryRetry = { attempts: 10, initialDelayMs: 100, maxDelayMs: 5_000, requestTimeoutMs: 10_000 };

export interface RegistryCodecOptions {
  readonly url: string;
  readonly catalog: NamedTypes;
  readonly topics: readonly TopicSpec[];
  readonly retry?: Partial<RegistryRetry>;
  /** Subjects read at once by start(). Writes are never concurrent (see `exclusive`). */
  readonly concurrency?: number;
  /**
   * Runs start()'s registry writes under a lock that every process registering against this
   * registry shares. Apicurio's H2 store hands two concurrent inserts of new schema text the same
   * content id, and after that race its id sequence stays behind: every later new schema fails
   * with a unique-key violation, for good. So writes happen one at a time, in one process at a
   * time. Without this option they are serialized within this process only.
   */
  readonly exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** start() could not register a subject: the registry refused it for good, or stayed unavailable past the retry budget. */
export class SchemaRegistrationError extends Error {
  override readonly name = "SchemaRegistrationError";
  constructor(
    readonly subject: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`schema registry, subject ${subject}: ${message}`, options);
  }
}

/** Worth asking again: the registry did not answer, failed inside (5xx), or lost a race to a peer. */
class Busy extends Error {}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  /** The registry's error message, or the raw text when the body is not a Confluent error. */
  readonly message: string;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail === undefined ? error.message : `${error.message} (${String(detail)})`;
}

/**
 * Apicurio checks before it creates (artifact, version, rule), so a peer's write in between
 * comes back as 409 "... already exists"; Confluent answers an incompatible schema with 409 too,
 * but never with these words.
 */
function alreadyExists(answer: Answer): boolean {
  return answer.status === 409 && /already exists/i.test(answer.message);
}

function idOf(answer: Answer): number | undefined {
  const id = (answer.body as { id?: unknown } | null)?.id;
  return typeof id === "number" && Number.isInteger(id) && id > 0 ? id : undefined;
}

function compatibilityOf(answer: Answer): string | undefined {
  const body = answer.body as { compatibilityLevel?: unknown; compatibility?: unknown } | null;
  const level = body?.compatibilityLevel ?? body?.compatibility;
  return typeof level === "string" ? level.toUpperCase() : undefined;
}

/** Runs every item, at most `limit` at once; after a failure no new item starts. */
async function eachAtMost<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await run(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // Every worker settles before start() answers, so no retry outlives a failed start.
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

/**
 * Codec against a Confluent-compatible schema registry. Subjects follow the
 * TopicRecordNameStrategy (`<topic>-<record full name>`) because one topic carries several
 * record types; each subject is set to BACKWARD before its schema is registered.
 *
 * Every service registers every subject at start-up, often at the same moment as the others,
 * so start() reads before it writes and takes a peer's concurrent write for its own.
 */
export function createRegistryCodec(options: RegistryCodecOptions): Codec {
  const { catalog } = options;
  const index = indexTopics(catalog, options.topics);
  const registry = new SchemaRegistry({ host: options.url, clientId: "riel" });
  const retry: RegistryRetry = { ...defaultRegistryRetry, ...options.retry };
  // The client asks the registry on every getLatestSchemaId call; ids are fixed once registered.
  const ids = new Map<string, number>();
  const readers = new Map<number, { type: string; reader: avro.Type; resolver: Resolver }>();
  const base = options.url.replace(/\/+$/, "");

  async function call(method: "GET" | "POST" | "PUT", path: string, body?: unknown): Promise<Answer> {
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/vnd.schemaregistry.v1+json", accept: "application/vnd.schemaregistry.v1+json, application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(retry.requestTimeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (error) {
      // No answer at all: refused, reset, or timed out.
      throw new Busy(`${method} ${path}: ${describe(error)}`, { cause: error });
    }
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const message = typeof (parsed as { message?: unknown } | null)?.message === "string" ? (parsed as { message: string }).message : text;
    // Apicurio's H2 store answers 500 on lock timeouts and on unique-key races between peers.
    if (status >= 500 || status === 408 || status === 429) throw new Busy(`${method} ${path}: HTTP ${status} ${message.slice(0, 300)}`);
    return { status, body: parsed, message };
  }

  async function ensureBackward(subject: string): Promise<void> {
    const path = `/config/${encodeURIComponent(subject)}`;
    // 404: neither the subject nor a rule exists yet.
    const current = await call("GET", path);
    if (current.status === 200 && compatibilityOf(current) === "BACKWARD") return;
    if (current.status !== 200 && current.status !== 404) {
      throw new SchemaRegistrationError(subject, `reading its compatibility answered HTTP ${current.status} ${current.message}`);
    }
    const set = await call("PUT", path, { compatibility: "BACKWARD" });
    if (set.status === 200) return;
    if (alreadyExists(set)) {
      // A peer created the rule between our read and our write, most likely as BACKWARD too.
      const after = await call("GET", path);
      if (after.status === 200 && compatibilityOf(after) === "BACKWARD") return;
      throw new Busy(`a peer set its compatibility to ${compatibilityOf(after) ?? "?"} at the same moment`);
    }
    throw new SchemaRegistrationError(subject, `refused BACKWARD: HTTP ${set.status} ${set.message}`);
  }

  /** The id of this exact schema under the subject, or undefined when the subject does not hold it. */
  async function lookup(subject: string, schema: string): Promise<number | undefined> {
    const found = await call("POST", `/subjects/${encodeURIComponent(subject)}`, { schema });
    if (found.status === 404) return undefined;
    const id = idOf(found);
    if (found.status === 200 && id !== undefined) return id;
    throw new SchemaRegistrationError(subject, `looking up its schema answered HTTP ${found.status} ${found.message}`);
  }

  async function registerOnce(subject: string, schema: string): Promise<number> {
    await ensureBackward(subject);
    const known = await lookup(subject, schema);
    if (known !== undefined) return known;
    const created = await call("POST", `/subjects/${encodeURIComponent(subject)}/versions`, { schema });
    const id = idOf(created);
    if (created.status === 200 && id !== undefined) return id;
    if (alreadyExists(created)) {
      // A peer registered between our lookup and our write; its id is the one to use.
      const theirs = await lookup(subject, schema);
      if (theirs !== undefined) return theirs;
      throw new Busy(`a peer registered at the same moment, and its schema is not visible yet: ${created.message}`);
    }
    throw new SchemaRegistrationError(subject, `refused the schema: HTTP ${created.status} ${created.message}`);
  }

  /** The id when the subject is BACKWARD and holds this schema; undefined when anything is to be written. */
  async function registered(subject: string, schema: string): Promise<number | undefined> {
    const config = await call("GET", `/config/${encodeURIComponent(subject)}`);
    if (config.status !== 200 || compatibilityOf(config) !== "BACKWARD") return undefined;
    return lookup(subject, schema);
  }

  function register(subject: string, schema: string): Promise<number> {
    return retrying(subject, () => registerOnce(subject, schema));
  }

  async function retrying<T>(subject: string, once: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        if (!(error instanceof Busy)) throw error;
        if (attempt >= retry.attempts) {
          throw new SchemaRegistrationError(subject, `gave up after ${attempt} attempts against ${base}; the last: ${error.message}`, { cause: error });
        }
        // Jitter keeps processes that failed together from retrying together.
        const ceiling = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** (attempt - 1));
        await delay(ceiling / 2 + Math.random() * (ceiling / 2));
      }
    }
  }

  async function readerFor(id: number, topic: string): Promise<{ type: string; reader: avro.Type; resolver: Resolver }> {
    const cached = readers.get(id);
    if (cached) {
      // The cache is by schema id; which topics may carry the type is asked on every read.
      if (!index.allowed(topic, cached.type)) throw new DecodeError(`topic ${topic} does not carry ${cached.type}`);
      return cached;
    }
    let writer: avro.Type;
    try {
      writer = (await registry.getSchema(id)) as unknown as avro.Type;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) throw new DecodeError(`schema id ${id} is unknown to the registry`);
      throw error;
    }
    const type = writer.name ?? "(unnamed)";
    const reader = catalog.get(type);
    if (!reader || !index.allowed(topic, type)) throw new DecodeError(`topic ${topic} does not carry ${type}`);
    let resolver: Resolver;
    try {
      resolver = reader.createResolver(writer);
    } catch (error) {
      throw new DecodeError(`${type} from schema id ${id} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
    const entry = { type, reader, resolver };
    readers.set(id, entry);
    return entry;
  }

  return {
    async start() {
      const wanted = index.pairs.map(([topic, type]) => ({ subject: `${topic}-${type}`, schema: JSON.stringify(standaloneSchema(catalog.get(type) as avro.Type)) }));
      // Reads first, side by side: a service restarted against a registry that holds its
      // subjects writes nothing and takes no lock.
      const missing: typeof wanted = [];
      await eachAtMost(wanted, options.concurrency ?? 4, async ({ subject, schema }) => {
        const id = await retrying(subject, () => registered(subject, schema));
        if (id === undefined) missing.push({ subject, schema });
        else ids.set(subject, id);
      });
      if (missing.length === 0) return;
      await (options.exclusive ?? ((work) => work()))(async () => {
        for (const { subject, schema } of missing) ids.set(subject, await register(subject, schema));
      });
    },
    async encode(topic, type, value) {
      const avroType = checkedEncode(catalog, index, topic, type);
      const id = ids.get(`${topic}-${type}`);
      if (id === undefined) throw new Error(`codec not started: no schema id for ${topic}-${type}`);
      return frame(id, encodeBody(avroType, type, value));
    },
    async decode(topic, bytes) {
      const { id, body } = unframe(bytes);
      const { type, reader, resolver } = await readerFor(id, topic);
      return { type, value: decodeBody(reader, resolver, body, type) };
    },
  };
}

/**
 * Codec for the embedded mode and unit tests: the same wire format with schema ids
 * assigned in this process, so nothing outside it can read the bytes.
 */
export function createLocalCodec(options: Omit<RegistryCodecOptions, "url">): Codec {
  const { catalog } = options;
  const index = indexTopics(catalog, options.topics);
  const ids = new Map<string, number>();
  const byId = new Map<number, string>();
  for (const [, type] of index.pairs) {
    if (!ids.has(type)) {
      ids.set(type, ids.size + 1);
      byId.set(ids.size, type);
    }
  }
  return {
    async start() {},
    async encode(topic, type, value) {
      const avroType = checkedEncode(catalog, index, topic, type);
      return frame(ids.get(type) as number, encodeBody(avroType, type, value));
    },
    async decode(topic, bytes) {
      const { id, body } = unframe(bytes);
      const type = byId.get(id);
      const reader = type ? catalog.get(type) : undefined;
      if (!type || !reader) throw new DecodeError(`schema id ${id} is unknown to this process`);
      if (!index.allowed(topic, type)) throw new DecodeError(`topic ${topic} does not carry ${type}`);
      return { type, value: decodeBody(reader, undefined, body, type) };
    },
  };
}
