// Step 3 of the globalSetup: the stack in Docker, from docker-compose.yml, through testcontainers.
// Loaded only when it may be used (its import is not free). Cannot run on machines without Docker.
import { existsSync } from "node:fs";
import { DockerComposeEnvironment, getContainerRuntimeClient, Wait } from "testcontainers";
import type { StackSettings } from "./stack-context.js";
import { CCOMPAT_PATH, STACK_PORTS } from "./resolve-stack.js";

/** Services of docker-compose.yml that make the stack (the file may hold others). */
export const STACK_SERVICES = ["kafka", "redis", "schema-registry"] as const;

/** True when a Docker daemon answers. Quick "no" when there is no socket nor DOCKER_HOST. */
export async function dockerAnswers(timeoutMs = 5000): Promise<boolean> {
  const hinted =
    Boolean(process.env.DOCKER_HOST) ||
    existsSync("/var/run/docker.sock") ||
    existsSync(`${process.env.HOME ?? ""}/.docker/run/docker.sock`) ||
    existsSync(`${process.env.HOME ?? ""}/.testcontainers.properties`);
  if (!hinted) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startComposeStack(
  repoRoot: string,
): Promise<{ settings: StackSettings; teardown: () => Promise<void> }> {
  const environment = await new DockerComposeEnvironment(repoRoot, "docker-compose.yml")
    .withWaitStrategy("kafka-1", Wait.forLogMessage(/Kafka Server started/))
    .withWaitStrategy("redis-1", Wait.forLogMessage(/Ready to accept connections/))
    .withWaitStrategy("schema-registry-1", Wait.forHttp(`${CCOMPAT_PATH}/subjects`, 8080).forStatusCode(200))
    .withStartupTimeout(180_000)
    .up([...STACK_SERVICES]);
  const settings: StackSettings = {
    kafkaBrokers: [`127.0.0.1:${STACK_PORTS.kafka}`],
    redisUrl: `redis://127.0.0.1:${STACK_PORTS.redis}`,
    schemaRegistryUrl: `http://127.0.0.1:${STACK_PORTS.schemaRegistry}${CCOMPAT_PATH}`,
    source: "testcontainers",
  };
  return {
    settings,
    teardown: async () => {
      await environment.down({ removeVolumes: true });
    },
  };
}
