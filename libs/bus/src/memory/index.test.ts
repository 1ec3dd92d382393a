import { createLocalCodec } from "@riel/schemas";
import { runBusContract } from "../contract/index.js";
import { createBus } from "../core.js";
import { createMemoryTransport, MemoryBroker } from "./index.js";

const broker = new MemoryBroker();

runBusContract({
  name: "in-memory",
  features: { sharedGroups: { unsupported: "the in-memory broker gives a group one member; the embedded mode runs one instance of each service" } },
  create: async (topics, catalog, observer) => createBus({ transport: createMemoryTransport(broker), codec: createLocalCodec({ catalog, topics }), observer }),
});
