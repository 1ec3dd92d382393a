import { createRegistryCodec } from "@riel/schemas";
import { requireStack } from "../../../../test/setup/stack.js";
import { runBusContract } from "../contract/index.js";
import { createBus } from "../core.js";
import { createKafkaTransport } from "./index.js";

const stack = requireStack();

runBusContract({
  name: "Kafka",
  features: { sharedGroups: true },
  create: async (topics, catalog, observer) =>
    createBus({
      observer,
      transport: createKafkaTransport({ brokers: stack.kafkaBrokers, clientId: "riel-contract" }),
      codec: createRegistryCodec({ url: stack.schemaRegistryUrl, catalog, topics }),
    }),
});
