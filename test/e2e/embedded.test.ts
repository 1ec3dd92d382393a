import { randomUUID } from "node:crypto";
import { startEmbedded } from "@riel/embedded";
import { connectInfra, infraFromEnv } from "@riel/runtime";
import type { FlowEnv } from "./api.js";
import { runApiSuite } from "./api.js";
import { runFlowSuite } from "./flows.js";
import { runMoneyBackSuite } from "./refunds-payins.js";
import { topics } from "@riel/schemas";
import { StatusWatcher, TEST_API_KEY } from "./harness.js";

async function startInMemory(): Promise<FlowEnv> {
  const infra = infraFromEnv({});
  if (infra.kind !== "embedded") throw new Error("expected the embedded infrastructure");
  const riel = await startEmbedded({ infra, apiKey: TEST_API_KEY, callbackDelayMs: 0, log: () => {} });
  const watcherInfra = await connectInfra(infra, `e2e-${randomUUID()}`, () => {});
  const watcher = await StatusWatcher.start(watcherInfra.bus);
  return {
    ingressUrl: riel.ingressUrl,
    webhookUrl: riel.webhookUrl,
    sandboxUrl: riel.sandboxUrl,
    tumipaySandboxUrl: riel.tumipaySandboxUrl,
    webhookSecret: riel.webhookSecret,
    publishCommand: (paymentId, record) => watcherInfra.bus.publish(topics.paymentCommands.name, paymentId, record),
    watcher,
    async topicCount(topic) {
      return infra.broker.partitions(topic).reduce((n, p) => n + p.length, 0);
    },
    async stop() {
      await watcher.stop();
      await riel.stop();
    },
  };
}

runApiSuite("one process, in-memory bus and store", startInMemory);
runFlowSuite("one process, in-memory bus and store", startInMemory);
runMoneyBackSuite("one process, in-memory bus and store", startInMemory);
