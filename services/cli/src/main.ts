// `riel`: the operators' command line. `riel --help` lists the commands; docs/cli.md explains them.
import { Command, InvalidArgumentError, Option } from "commander";
import { Kafka, logLevel } from "kafkajs";
import { catalog, createRegistryCodec, topics } from "@riel/schemas";
import type { Codec } from "@riel/schemas";
import { parseFilter, readLetters, replayLetters, showLetter } from "./dlq.js";
import { findPayments, getPayment } from "./payments.js";
import { rebuild } from "./projections.js";
import { profileFrom, SANDBOX_URLS, sandboxFaults } from "./sandbox.js";
import { CliError, infraSettings } from "./settings.js";
import { tail } from "./tail.js";
import { listDeliveries, listEndpoints, redeliver } from "./webhooks.js";

const print = (line: string): void => void process.stdout.write(`${line}\n`);
const json = (value: unknown): void => print(JSON.stringify(value, null, 2));

const wholeNumber = (max: number) => (text: string): number => {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1 || Number(text) > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
  return Number(text);
};

function kafkaClient(): Kafka {
  const { kafkaBrokers } = infraSettings();
  return new Kafka({ brokers: [...kafkaBrokers], clientId: "riel-cli", logLevel: logLevel.NOTHING });
}

async function codecOf(): Promise<Codec> {
  const codec = createRegistryCodec({ url: infraSettings().schemaRegistryUrl, catalog, topics: Object.values(topics) });
  await codec.start();
  return codec;
}

const program = new Command("riel").description("Riel's operator tools: payments, topics, dead letters, sandboxes").showHelpAfterError();
const api = (options: { url?: string; apiKey?: string }) => ({ url: options.url ?? process.env.RIEL_URL ?? "http://127.0.0.1:8080", apiKey: options.apiKey ?? process.env.RIEL_API_KEY });
const apiOptions = (command: Command): Command =>
  command.option("--url <url>", "the ingress API (default $RIEL_URL, else http://127.0.0.1:8080)").option("--api-key <token>", "an API key with payments:read (default $RIEL_API_KEY)");

const payments = program.command("payments").description("read payments through the ingress API");
apiOptions(payments.command("get").argument("<id>", "the payment's id").description("print a payment's view")).action(async (id: string, options: { url?: string; apiKey?: string }) => json(await getPayment(api(options), id)));
apiOptions(
  payments
    .command("find")
    .description("print the payments with an external reference, newest first")
    .requiredOption("--external-reference <reference>", "the reference upstream gave")
    .option("--limit <n>", "at most this many", wholeNumber(10_000), 100),
).action(async (options: { externalReference: string; limit: number; url?: string; apiKey?: string }) => json(await findPayments(api(options), options.externalReference, options.limit)));

program
  .command("tail")
  .argument("<topic>", `a topic: ${Object.values(topics).map((t) => t.name).join(", ")}`)
  .description("print a topic's records as JSON lines, decoded through the schema registry")
  .option("--from-beginning", "from the first record kept, not only new ones", false)
  .option("--payment <id>", "only records of this payment")
  .option("--max <n>", "stop after this many records", wholeNumber(1_000_000_000))
  .action(async (topic: string, options: { fromBeginning: boolean; payment?: string; max?: number }) => {
    if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new CliError("topic: must be a Kafka topic name", 2);
    await tail(kafkaClient(), await codecOf(), topic, options, print);
  });

const dlq = program.command("dlq").description("dead letters: list, show, replay");
const filterOptions = (command: Command): Command =>
  command
    .option("--topic <topic>", "the source topic (its dead letters are on <topic>.dlq); every Riel topic when absent")
    .option("--reason <regex>", "only letters whose reason matches (case-insensitive regular expression)")
    .option("--group <group>", "only letters this consumer group gave up on");
filterOptions(dlq.command("list").description("one JSON line per dead letter")).action(async (options: { topic?: string; reason?: string; group?: string }) => {
  const { filter, matches } = parseFilter(options);
  for (const l of (await readLetters(kafkaClient(), filter)).filter(matches)) {
    print(JSON.stringify({ id: l.id, sourceTopic: l.sourceTopic, group: l.group, key: l.key, failedAt: l.failedAt, attempts: l.attempts, reason: l.reason }));
  }
});
dlq
  .command("show")
  .argument("<letter-id>", "<dead-letter topic>/<partition>/<offset>, as list prints it")
  .description("print a dead letter whole, its record decoded when it decodes")
  .action(async (id: string) => json(await showLetter(kafkaClient(), await codecOf(), id)));
filterOptions(dlq.command("replay").description("put dead letters back on their source topics, each exactly once however often this runs or is killed"))
  .option("--dry-run", "print what would be replayed; write nothing", false)
  .option("--batch <n>", "letters per transaction", wholeNumber(10_000), 100)
  .action(async (options: { topic?: string; reason?: string; group?: string; dryRun: boolean; batch: number }) => {
    const { filter, matches } = parseFilter(options);
    const report = await replayLetters(kafkaClient(), filter, matches, { dryRun: options.dryRun, batch: options.batch, print });
    print(JSON.stringify({ dryRun: options.dryRun, ...report }));
  });

const webhooks = program.command("webhooks").description("merchants' webhook endpoints and their deliveries, through the ingress API (a key with webhooks:manage)");
apiOptions(webhooks.command("endpoints").description("print every webhook endpoint (never its secret)")).action(async (options: { url?: string; apiKey?: string }) => json(await listEndpoints(api(options))));
apiOptions(
  webhooks
    .command("deliveries")
    .argument("<endpoint-id>", "the endpoint (we_…)")
    .description("print an endpoint's delivery log, newest first")
    .option("--limit <n>", "at most this many", wholeNumber(200), 50),
).action(async (endpointId: string, options: { limit: number; url?: string; apiKey?: string }) => json(await listDeliveries(api(options), endpointId, options.limit)));
apiOptions(
  webhooks
    .command("redeliver")
    .argument("<delivery-id>", "the delivery (whd_…), as the delivery log shows it")
    .description("send a delivered or failed delivery again: the same message and webhook-id, after what else waits for its payment"),
).action(async (deliveryId: string, options: { url?: string; apiKey?: string }) => json(await redeliver(api(options), deliveryId)));

program
  .command("projections")
  .description("the payments' projections in Redis")
  .command("rebuild")
  .description("rebuild every payment's projection and due check from the commands and provider-events topics (after a Redis data loss)")
  .action(async () => {
    const settings = infraSettings();
    print(JSON.stringify(await rebuild(kafkaClient(), await codecOf(), settings.redisUrl, print)));
  });

program
  .command("sandbox")
  .description("the provider sandboxes")
  .command("faults")
  .argument("[profile]", "none, flaky, drop-callbacks, messy-callbacks, chaos, or a JSON object of fault shares; absent: print the current one")
  .addOption(new Option("--sandbox <name>", "which sandbox").choices(["depay", "tumipay"]).default("depay"))
  .option("--url <url>", "the sandbox's address (default: its port in pnpm start)")
  .description("set (or show) a sandbox's fault profile")
  .action(async (profile: string | undefined, options: { sandbox: string; url?: string }) => {
    json(await sandboxFaults(options.url ?? SANDBOX_URLS[options.sandbox] ?? "", profile === undefined ? undefined : profileFrom(profile)));
  });

/** Exits once stdout and stderr have handed everything to the OS: a pipe is written asynchronously, and exiting at once cuts it short. */
async function exit(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((resolve) => stream.write("", () => resolve()))));
  process.exit(code);
}

try {
  await program.parseAsync(process.argv);
  await exit(0);
} catch (error) {
  process.stderr.write(`riel: ${error instanceof Error ? error.message : String(error)}\n`);
  await exit(error instanceof CliError ? error.exitCode : 1);
}
