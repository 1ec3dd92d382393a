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

export interface RegistryCodecOptions {
  readonly url: string;
  readonly catalog: NamedTypes;
  readonly topics: readonly TopicSpec[];
}

/**
 * Codec against a Confluent-compatible schema registry. Subjects follow the
 * TopicRecordNameStrategy (`<topic>-<record full name>`) because one topic carries several
 * record types; each subject is set to BACKWARD before its schema is registered.
 */
export function createRegistryCodec(options: RegistryCodecOptions): Codec {
  const { catalog } = options;
  const index = indexTopics(catalog, options.topics);
  const registry = new SchemaRegistry({ host: options.url, clientId: "riel" });
  // The client asks the registry on every getLatestSchemaId call; ids are fixed once registered.
  const ids = new Map<string, number>();
  const readers = new Map<number, { type: string; reader: avro.Type; resolver: Resolver }>();
  const base = options.url.replace(/\/+$/, "");

  async function setBackward(subject: string): Promise<void> {
    const res = await fetch(`${base}/config/${encodeURIComponent(subject)}`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
      body: JSON.stringify({ compatibility: "BACKWARD" }),
    });
    if (!res.ok) throw new Error(`schema registry refused BACKWARD for ${subject}: HTTP ${res.status} ${await res.text()}`);
  }

  async function readerFor(id: number, topic: string): Promise<{ type: string; reader: avro.Type; resolver: Resolver }> {
    const cached = readers.get(id);
    if (cached) return cached;
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
      for (const [topic, type] of index.pairs) {
        const subject = `${topic}-${type}`;
        await setBackward(subject);
        const schema = JSON.stringify(standaloneSchema(catalog.get(type) as avro.Type));
        const { id } = await registry.register({ type: "AVRO" as never, schema }, { subject, compatibility: "BACKWARD" as never });
        ids.set(subject, id);
      }
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
