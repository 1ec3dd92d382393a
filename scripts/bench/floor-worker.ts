// The floor of `pnpm bench load`: one process doing, per payment, the bare work Riel's services
// do for one, with the same clients and none of Riel's logic: the HTTP requests (served by Hono on
// @hono/node-server, or made with undici), the Kafka hops (Riel's bus: kafkajs, Avro through the
// schema registry, a commit per record), and the Redis commands (ioredis, in scripts as Riel's
// writes are). The load generator drives it like Riel, and /proc gives what it cost.
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Redis } from "ioredis";
import { Agent, request } from "undici";
import { z } from "zod";
import { createBus, createKafkaTransport } from "@riel/bus";
import { loadConfig, vars } from "@riel/config";
import { createRegistryCodec, parseDocuments } from "@riel/schemas";

const config = loadConfig(
  z.object({
    KAFKA_BROKERS: vars.kafkaBrokers,
    REDIS_URL: vars.redisUrl,
    SCHEMA_REGISTRY_URL: vars.httpUrl("http://127.0.0.1:8081"),
    /** Records published per payment, one hop after another, and records consumed per payment (Riel's records are read by several services). */
    FLOOR_RECORDS: z.coerce.number().int().min(1),
    FLOOR_CONSUMED: z.coerce.number().int().min(1),
    /** Redis scripts per payment, each FLOOR_SCRIPT_COMMANDS commands (itself and those it runs). */
    FLOOR_SCRIPTS: z.coerce.number().int().min(0),
    FLOOR_SCRIPT_COMMANDS: z.coerce.number().int().min(2),
    /** HTTP requests this process makes per payment (Riel's calls to providers), to FLOOR_ECHO_URL. */
    FLOOR_CALLS: z.coerce.number().int().min(0),
    FLOOR_ECHO_URL: vars.httpUrl("http://127.0.0.1:1"),
  }),
  process.env,
);

const catalog = parseDocuments([
  {
    file: "floor.avsc",
    schema: {
      type: "record",
      name: "Hop",
      namespace: "riel.bench",
      fields: [
        { name: "paymentId", type: "string" },
        { name: "seq", type: "int" },
        { name: "body", type: "string" },
      ],
    },
  },
]);
const HOP = "riel.bench.Hop";
// Records consumed per payment come out right with two topics: `wide`, read by k + 1 groups, takes
// C - kR of the R records, and `narrow`, read by k groups, the rest (k = floor(C / R)).
const k = Math.max(1, Math.floor(config.FLOOR_CONSUMED / config.FLOOR_RECORDS));
const wideRecords = Math.min(config.FLOOR_RECORDS, Math.max(0, config.FLOOR_CONSUMED - k * config.FLOOR_RECORDS));
const run = randomUUID().slice(0, 8);
const wide = `bench.floor.${run}.wide`;
const narrow = `bench.floor.${run}.narrow`;
const bus = createBus({
  transport: createKafkaTransport({ brokers: config.KAFKA_BROKERS, clientId: "riel-bench-floor" }),
  codec: createRegistryCodec({
    url: config.SCHEMA_REGISTRY_URL,
    catalog,
    topics: [wide, narrow].map((name) => ({ name, records: [HOP], doc: "bench floor" })),
  }),
});
await bus.start([wide, narrow].map((name) => ({ name, partitions: 6 })));
const subscriptions = await Promise.all([
  ...Array.from({ length: k + 1 }, (_, g) => bus.subscribe({ group: `${wide}.g${g}`, topics: [wide], handler: async () => {} })),
  ...Array.from({ length: k }, (_, g) => bus.subscribe({ group: `${narrow}.g${g}`, topics: [narrow], handler: async () => {} })),
]);

const redis = new Redis(config.REDIS_URL);
// A view-sized value written and read back, as Riel's projection writes are.
const script = `for i = 1, ${config.FLOOR_SCRIPT_COMMANDS - 2} do redis.call('SET', KEYS[1], ARGV[1], 'EX', 60) end return redis.call('GET', KEYS[1])`;
const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
const body = JSON.stringify({ pad: "x".repeat(600) });

const app = new Hono();
app.post("/pay", async (c) => {
  const { paymentId } = await c.req.json<{ paymentId: string }>();
  for (let i = 0; i < config.FLOOR_SCRIPTS; i++) await redis.eval(script, 1, `bench:floor:${paymentId}`, body);
  for (let i = 0; i < config.FLOOR_RECORDS; i++) await bus.publish(i < wideRecords ? wide : narrow, paymentId, { type: HOP, value: { paymentId, seq: i, body } });
  for (let i = 0; i < config.FLOOR_CALLS; i++) {
    const res = await request(config.FLOOR_ECHO_URL, { method: "POST", dispatcher: agent, headers: { "content-type": "application/json" }, body });
    await res.body.json();
  }
  return c.json({ paymentId }, 202);
});
app.get("/pay/:id", (c) => c.json({ paymentId: c.req.param("id"), status: "COMPLETED" }));

const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => console.log(`floor ready http://127.0.0.1:${info.port}`));
process.on("SIGTERM", () => {
  server.close();
  void Promise.all(subscriptions.map((s) => s.stop()))
    .then(() => bus.close())
    .finally(() => {
      redis.disconnect();
      process.exit(0);
    });
});
