// One process of registry-race.int.test.ts: does what every service does at start-up (register
// the schemas, create the topics) for Riel's topics under RIEL_RACE_PREFIX, once a line arrives
// on stdin, then prints on one line of JSON the schema id its codec writes into each subject's records.
//
//   echo go | RIEL_RACE_PREFIX=race-1234. KAFKA_BROKERS=... SCHEMA_REGISTRY_URL=... REDIS_URL=... node --import tsx test/e2e/registry-race-child.ts
import { z } from "zod";
import { createBus, createKafkaTransport } from "@riel/bus";
import { loadConfig, vars } from "@riel/config";
import { withRegistrationLock } from "@riel/runtime";
import { createRegistryCodec, parseDocuments, schemaDocuments, topics } from "@riel/schemas";
import { createRedisStore } from "@riel/store";
import type { SchemaDocument, TopicSpec } from "@riel/schemas";

const config = loadConfig(
  z.object({
    KAFKA_BROKERS: vars.kafkaBrokers,
    SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081"),
    REDIS_URL: vars.redisUrl,
    RIEL_RACE_PREFIX: z.string().regex(/^[a-z0-9.-]+$/, { error: "must be a topic name prefix: a-z, 0-9, '.', '-'" }),
    RIEL_RACE_PARTITIONS: z.coerce.number().int().positive().default(3),
  }),
  process.env,
);
const prefix = config.RIEL_RACE_PREFIX;

// The prefix in each type's doc makes the schema texts new to the registry too, not only the
// subjects: the first writers of a text race to store it (Apicurio keys ids by content).
const catalog = parseDocuments(
  schemaDocuments.map((d): SchemaDocument => (typeof d.schema === "object" && !Array.isArray(d.schema) ? { ...d, schema: { ...d.schema, doc: `registry race ${prefix}` } as SchemaDocument["schema"] } : d)),
);
const specs: TopicSpec[] = Object.values(topics).map((t) => ({ ...t, name: `${prefix}${t.name}` }));
// The registry lock every service takes (libs/runtime, connectInfra), so the writes are serialized as in a deployment.
const store = createRedisStore({ url: config.REDIS_URL });
const codec = createRegistryCodec({ url: config.SCHEMA_REGISTRY_URL, catalog, topics: specs, exclusive: (work) => withRegistrationLock(store.idempotency, work) });
const transport = createKafkaTransport({ brokers: config.KAFKA_BROKERS, clientId: `registry-race-${process.pid}`, log: (line) => console.error(line) });
const bus = createBus({ transport, codec });
// Loading modules takes each process a different time; waiting for the parent's word lines the
// processes up, so their registrations overlap the way services' do in a deployment.
console.log("registry-race ready");
await new Promise<void>((resolve, reject) => {
  process.stdin.once("data", () => resolve());
  process.stdin.once("end", () => reject(new Error("stdin closed before the start signal")));
});
process.stdin.destroy();
await bus.start(specs.map((t) => ({ name: t.name, partitions: config.RIEL_RACE_PARTITIONS })));

const ids: Record<string, number> = {};
for (const t of specs) {
  for (const type of t.records) {
    const avroType = catalog.get(type);
    if (!avroType) throw new Error(`no schema for ${type}`);
    const bytes = await codec.encode(t.name, type, avroType.random());
    ids[`${t.name}-${type}`] = bytes.readInt32BE(1);
  }
}
console.log(`registry-race ids ${JSON.stringify(ids)}`);
await bus.close();
await store.close();
