// Integration checks of the infrastructure stack itself (scripts/stack.sh, docker-compose.yml):
// each part answers as the application will use it. Needs a stack: see requireStack().
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { Kafka, logLevel } from "kafkajs";
import { registryRoundTrip } from "./registry-roundtrip.js";
import { requireStack } from "./stack.js";

/** Sends one RESP command (as an inline command) and returns the raw reply. */
function redisCommand(redisUrl: string, command: string): Promise<string> {
  const url = new URL(redisUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 6379) });
    let reply = "";
    socket.setTimeout(5000, () => socket.destroy(new Error("redis: no reply in 5s")));
    socket.on("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      // a simple string / error, or a complete small array reply
      if (/^[+-]/.test(reply) ? reply.endsWith("\r\n") : /^\*2\r\n(\$\d+\r\n[^\r]*\r\n){2}$/.test(reply)) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on("error", reject);
  });
}

describe("infrastructure stack", () => {
  it("redis answers PING and persists with AOF", async () => {
    const { redisUrl } = requireStack();
    expect(await redisCommand(redisUrl, "PING")).toBe("+PONG\r\n");
    // docker-compose and stack.sh both run redis with appendonly yes
    expect(await redisCommand(redisUrl, "CONFIG GET appendonly")).toContain("yes");
  });

  it("kafka creates a topic, takes a record and hands it back", async () => {
    const { kafkaBrokers } = requireStack();
    const kafka = new Kafka({ clientId: "riel-stack-check", brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
    const topic = `riel-stack-check-${Date.now()}`;
    const admin = kafka.admin();
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `${topic}-group` });
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
      await producer.connect();
      await producer.send({ topic, messages: [{ key: "k", value: "hello riel" }] });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const received = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no record within 30s")), 30_000);
        void consumer.run({
          eachMessage: async ({ message }) => {
            clearTimeout(timer);
            resolve(message.value?.toString("utf8") ?? "");
          },
        });
      });
      expect(received).toBe("hello riel");
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it("kafka refuses to auto-create topics (the app creates its own)", async () => {
    const { kafkaBrokers } = requireStack();
    const kafka = new Kafka({ clientId: "riel-stack-check", brokers: kafkaBrokers, logLevel: logLevel.NOTHING, retry: { retries: 1 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(admin.fetchTopicMetadata({ topics: [`riel-stack-missing-${Date.now()}`] })).rejects.toThrow();
    } finally {
      await admin.disconnect();
    }
  });

  it("schema registry: register, encode, decode, BACKWARD, incompatible change refused (409)", async () => {
    const { schemaRegistryUrl } = requireStack();
    const report = await registryRoundTrip(schemaRegistryUrl);
    expect(report.incompatibleStatus).toBe(409);
    expect(report.compatibleId).not.toBe(report.id);
  });
});
