// Hostile records on the commands topic, published straight to Kafka as an upstream system may:
// random bytes, the wire format with an unknown schema id or a schema of another topic, valid ids
// with cut or padded bodies, and valid Avro commands whose fields break Riel's rules. Every
// service of Riel runs in this process on the real Kafka, Redis and schema registry, with both
// provider sandboxes. Whatever comes: no provider is called for it, no record is retried for
// ever or blocks the ones behind it, each refusal says why, and a valid payment behind the junk
// still completes. Seeded and bounded (a few hundred records).
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import fc from "fast-check";
import type { Admin, IHeaders, KafkaMessage, Producer } from "kafkajs";
import { AssignerProtocol, Kafka, logLevel } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterHeaders, defaultDeadLetterTopic } from "@riel/bus";
import type { RunningRiel } from "@riel/embedded";
import { startEmbedded } from "@riel/embedded";
import type { Infra, InfraSettings } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import type { Codec, ConfirmPayment, InitiatePayment, PaymentRefused, PaymentStatusChanged, PeruPayinDetails, RefundPayment, SetPaymentAmount, SyncPayment } from "@riel/schemas";
import { catalog, createRegistryCodec, envelopeFor, topics } from "@riel/schemas";
import { requireStack } from "../setup/stack.js";
import { http, payer, StatusWatcher, TEST_API_KEY } from "./harness.js";

const stack = requireStack();
const SEED = 14_2027;
const COMMANDS = topics.paymentCommands.name;
const DLQ = defaultDeadLetterTopic(COMMANDS);
/** The header that ties a dead letter back to the case that made it (the bus keeps a record's headers on its dead letter). */
const CASE = "riel-fuzz-case";
const ORPHAN = "a command for a payment that does not exist";

type Command =
  | { readonly type: "riel.commands.InitiatePayment"; readonly value: InitiatePayment }
  | { readonly type: "riel.commands.ConfirmPayment"; readonly value: ConfirmPayment }
  | { readonly type: "riel.commands.SetPaymentAmount"; readonly value: SetPaymentAmount }
  | { readonly type: "riel.commands.RefundPayment"; readonly value: RefundPayment }
  | { readonly type: "riel.commands.SyncPayment"; readonly value: SyncPayment };

/** A valid Pix pay-out, as the ingress would publish it. */
const pix = (paymentId: string): InitiatePayment => ({
  envelope: envelopeFor(paymentId, null),
  method: "PIX_KEY",
  payeeKey: null,
  amount: { amount: "10.50", currency: "BRL" },
  payer: { ...payer(), taxIdType: null },
  externalReference: `fuzz-${paymentId.slice(0, 8)}`,
  details: { "riel.PixKeyDetails": { payeeKey: "39053344705", keyType: "PIX_CPF" } },
});

/** A Peru pay-in at TumiPay with every field as its method's rules want it. */
const payin = (paymentId: string): InitiatePayment => ({
  envelope: envelopeFor(paymentId, null),
  method: "PERU_PAYIN",
  payeeKey: null,
  amount: { amount: "25.00", currency: "PEN" },
  payer: { fullName: "Juan Perez", currency: "PEN", accountNumber: "", taxId: "12345678", taxIdType: "DNI" },
  externalReference: `fuzz-${paymentId.slice(0, 8)}`,
  details: {
    "riel.PeruPayinDetails": {
      channel: "BANK_TRANSFER",
      customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email: "juan@example.com", fullName: "Juan Perez" },
      description: null,
      expirationMinutes: 720,
      redirectUrl: "https://example.com/back",
    },
  },
});

/**
 * Valid Avro, broken rules: what the refusal must name, how the command is built, and where it ends: REJECTED
 * with the reason (its connector refuses it and the payment's view says why), or dead-lettered by the
 * projector when it has no currency Riel handles, so that no view of it could be kept.
 */
type Breakage = readonly [name: string, field: RegExp, (id: string, n: number) => InitiatePayment, end?: "REJECTED" | "DEAD_LETTERED"];
const withPixKey = (c: InitiatePayment, payeeKey: string, keyType = "PIX_CPF"): InitiatePayment => ({ ...c, details: { "riel.PixKeyDetails": { payeeKey, keyType } } });
const withAmount = (c: InitiatePayment, amount: string, currency = c.amount?.currency ?? "BRL"): InitiatePayment => ({ ...c, amount: { amount, currency } });
const withPayin = (c: InitiatePayment, change: (d: PeruPayinDetails) => Partial<PeruPayinDetails>): InitiatePayment => {
  const details = c.details !== null && "riel.PeruPayinDetails" in c.details ? c.details["riel.PeruPayinDetails"] : null;
  if (details === null) throw new Error("not a pay-in");
  return { ...c, details: { "riel.PeruPayinDetails": { ...details, ...change(details) } } };
};

const BREAKAGES: readonly Breakage[] = [
  ["a CPF with a wrong check digit", /payeeKey/, (id) => withPixKey(pix(id), "39053344706")],
  ["a key that is no Pix key", /payeeKey/, (id) => withPixKey(pix(id), "not a key", "PIX_EMAIL")],
  ["a key not in canonical form", /details|payeeKey/, (id) => withPixKey(pix(id), "390.533.447-05")],
  ["an amount with too many decimals", /amount/, (id) => withAmount(pix(id), "10.505")],
  ["an amount not in canonical form", /amount/, (id) => withAmount(pix(id), "10.5")],
  ["a negative amount", /amount/, (id) => withAmount(pix(id), "-10.50")],
  ["a zero amount", /amount/, (id) => withAmount(pix(id), "0.00")],
  ["an amount that is not a number", /amount/, (id) => withAmount(pix(id), "ten")],
  ["an amount in exponent form", /amount/, (id) => withAmount(pix(id), "1e3")],
  ["an amount of forty digits", /amount/, (id) => withAmount(pix(id), `1${"0".repeat(40)}.00`)],
  ["a Pix amount in soles", /currency|amount/, (id) => withAmount(pix(id), "10.50", "PEN")],
  ["an empty currency", /currency|amount/, (id) => withAmount(pix(id), "10.50", "")],
  ["a Pix amount in euros", /currency|amount/, (id) => withAmount(pix(id), "10.50", "EUR")],
  ["a QR payment in euros carrying a Pix key", /details|amount\.currency/, (id) => ({ ...withAmount(pix(id), "10.50", "EUR"), method: "EMV_QR" }), "DEAD_LETTERED"],
  ["no amount for a fixed-amount method", /amount/, (id) => ({ ...pix(id), amount: null })],
  ["the method Riel does not support", /method/, (id) => ({ ...pix(id), method: "UNSUPPORTED" })],
  ["a method whose details are another method's", /details|method/, (id) => ({ ...pix(id), method: "PERU_PAYIN" })],
  ["no details and no legacy key", /details|payeeKey/, (id) => ({ ...pix(id), details: null })],
  ["an absurdly long reference", /externalReference/, (id, n) => ({ ...pix(id), externalReference: "x".repeat(1_000 + n * 31) })],
  ["an absurdly long payer name", /payer\.fullName/, (id, n) => ({ ...pix(id), payer: { ...payer(), taxIdType: null, fullName: "J".repeat(1_000 + n * 29) } })],
  ["a payer name with a bidi override", /payer\.fullName/, (id) => ({ ...pix(id), payer: { ...payer(), taxIdType: null, fullName: "Joao \u202eSantos" } })],
  ["a payer tax id of sixty digits", /payer\.taxId/, (id) => ({ ...pix(id), payer: { ...payer(), taxIdType: null, taxId: "9".repeat(60) } })],
  ["a pay-in in reais", /amount|currency/, (id) => withAmount(payin(id), "25.00", "BRL")],
  ["a pay-in channel TumiPay does not have", /channel/, (id) => withPayin(payin(id), () => ({ channel: "TELEPATHY" }))],
  ["a pay-in that expires before it starts", /expirationMinutes/, (id) => withPayin(payin(id), () => ({ expirationMinutes: -5 }))],
  ["a pay-in open for years", /expirationMinutes/, (id) => withPayin(payin(id), () => ({ expirationMinutes: 2 ** 31 - 1 }))],
  ["a pay-in customer with no email address", /email/, (id) => withPayin(payin(id), (d) => ({ customer: { ...d.customer, email: "juan at example" } }))],
  ["a pay-in redirect to a plain-http host", /redirectUrl/, (id) => withPayin(payin(id), () => ({ redirectUrl: "http://evil.example/steal" }))],
];

/** Later commands for payments Riel has never seen: nothing can ever take them. */
const ORPHANS: ReadonlyArray<readonly [string, (id: string) => Command]> = [
  ["a confirm", (id) => ({ type: "riel.commands.ConfirmPayment", value: { envelope: envelopeFor(id, null), decision: "ACCEPT", walletId: null } })],
  ["a confirm naming a made-up wallet", (id) => ({ type: "riel.commands.ConfirmPayment", value: { envelope: envelopeFor(id, null), decision: "ACCEPT", walletId: "w".repeat(5_000) } })],
  ["an amount", (id) => ({ type: "riel.commands.SetPaymentAmount", value: { envelope: envelopeFor(id, null), amount: { amount: "-1", currency: "ARS" } } })],
  ["a refund", (id) => ({ type: "riel.commands.RefundPayment", value: { envelope: envelopeFor(id, null), refundId: "r-1", amount: { amount: "1.00", currency: "BRL" } } })],
  ["a status query", (id) => ({ type: "riel.commands.SyncPayment", value: { envelope: envelopeFor(id, null) } })],
];

/** One hostile record and what it is. */
interface Junk {
  readonly id: number;
  readonly kind: string;
  readonly detail: string;
  readonly key: string;
  readonly value: Buffer;
  /** The payment it names, when it decodes into a command. */
  readonly paymentId: string | null;
  /** A rule-breaking command: the field its refusal must name, and where it ends. */
  readonly field: RegExp | null;
  readonly end?: "REJECTED" | "DEAD_LETTERED";
}

const frame = (schemaId: number, body: Buffer): Buffer => {
  const head = Buffer.alloc(5);
  head.writeInt32BE(schemaId, 1);
  return Buffer.concat([head, body]);
};

/** Reads a topic from the offsets in `from` up to those in `to`, with a consumer of its own. */
async function readRange(kafka: Kafka, topic: string, from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>): Promise<Array<KafkaMessage & { partition: number }>> {
  const wanted = [...to].filter(([p, end]) => end > (from.get(p) ?? 0));
  if (wanted.length === 0) return [];
  const consumer = kafka.consumer({ groupId: `command-fuzz-read-${randomUUID()}`, maxWaitTimeInMs: 100 });
  const read: Array<KafkaMessage & { partition: number }> = [];
  const next = new Map(from);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await new Promise<void>((resolve) => {
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        if (offset < (from.get(partition) ?? 0) || offset >= (to.get(partition) ?? 0)) return;
        read.push({ ...message, partition });
        next.set(partition, offset + 1);
        if (wanted.every(([p, end]) => (next.get(p) ?? 0) >= end)) resolve();
      },
    });
    for (const [partition] of wanted) consumer.seek({ topic, partition, offset: String(from.get(partition) ?? 0) });
  });
  await consumer.disconnect();
  return read;
}

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  return last?.toString();
};

describe("hostile records on the commands topic", () => {
  let riel: RunningRiel;
  let infra: Infra;
  let watcher: StatusWatcher;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  let codec: Codec;
  const settings: InfraSettings = {
    kind: "real",
    config: { KAFKA_BROKERS: stack.kafkaBrokers, REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 6000 },
  };

  const ends = async (topic: string): Promise<Map<number, number>> => new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));

  /** The consumer groups with a live member reading `topic`: Riel's services, found rather than named. */
  async function readersOf(topic: string): Promise<string[]> {
    const { groups } = await admin.listGroups();
    const described = await admin.describeGroups(groups.map((g) => g.groupId));
    return described.groups
      .filter((g) => g.members.some((m) => topic in (AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment ?? {})))
      .map((g) => g.groupId);
  }

  /** Riel's consumer groups of each topic the services consume, found once every service is ready. */
  let readers: ReadonlyMap<string, readonly string[]> = new Map();

  /** Resolves once every service group has committed up to the ends of the topics it reads: each record handled, dead-lettered or dropped. */
  async function settled(): Promise<void> {
    for (;;) {
      let behind = 0;
      for (const [topic, groups] of readers) {
        const end = await ends(topic);
        for (const groupId of groups) {
          const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
          for (const [partition, high] of end) {
            const at = Number(committed?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
            if (high > Math.max(at, 0)) behind += high - Math.max(at, 0);
          }
        }
      }
      if (behind === 0) return;
      await delay(100);
    }
  }

  /** Calls made to both sandboxes so far, every endpoint. */
  const providerCalls = async (): Promise<number> => {
    let total = 0;
    for (const url of [riel.sandboxUrl, riel.tumipaySandboxUrl]) {
      const report = (await http("GET", `${url}/__sandbox/calls`)).body as { endpoints: Record<string, { requests: number }> };
      total += Object.values(report.endpoints).reduce((n, e) => n + e.requests, 0);
    }
    return total;
  };

  beforeAll(async () => {
    riel = await startEmbedded({ infra: settings, apiKey: TEST_API_KEY, callbackDelayMs: 0, reconcile: { scale: 1, pollMs: 3_600_000 }, log: () => {} });
    infra = await connectInfra(settings, `riel-command-fuzz-${randomUUID()}`, () => {});
    watcher = await StatusWatcher.start(infra.bus);
    kafka = new Kafka({ brokers: stack.kafkaBrokers, clientId: "riel-command-fuzz", logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    codec = createRegistryCodec({ url: stack.schemaRegistryUrl, catalog, topics: Object.values(topics) });
    await codec.start();
    // Every service is in its groups and through what earlier runs on this stack left behind.
    for (const url of Object.values(riel.operations)) {
      while ((await fetch(`${url}/readyz`)).status !== 200) await delay(100);
    }
    readers = new Map(await Promise.all([COMMANDS, topics.providerEvents.name].map(async (t) => [t, await readersOf(t)] as const)));
    await settled();
  }, 120_000);

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await watcher?.stop();
    await infra?.close();
    await riel?.stop();
  });

  it("dead-letters or refuses every hostile command with its reason, calls no provider for it, and a valid payment behind it completes", async () => {
    const started = Date.now();
    const encode = (c: Command): Promise<Buffer> => codec.encode(COMMANDS, c.type, c.value);
    const sample = <T>(arb: fc.Arbitrary<T>, numRuns: number, offset: number): T[] => fc.sample(arb, { seed: SEED + offset, numRuns });
    const junk: Junk[] = [];
    const add = (j: Omit<Junk, "id">): void => {
      junk.push({ ...j, id: junk.length });
    };

    // Undecodable: random bytes; the wire format with an id the registry does not know; another topic's record; a valid record cut or padded.
    for (const bytes of sample(fc.uint8Array({ maxLength: 200 }), 40, 1)) add({ kind: "random bytes", detail: `${bytes.length} bytes`, key: randomUUID(), value: Buffer.from(bytes), paymentId: null, field: null });
    const known = new Set<number>();
    for (const t of [topics.paymentCommands, topics.providerEvents]) for (const type of t.records) known.add((await codec.encode(t.name, type, sampleValue(type))).readInt32BE(1));
    for (const [id, body] of sample(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.uint8Array({ maxLength: 100 })), 30, 2)) {
      if (!known.has(id)) add({ kind: "unknown schema id", detail: `id ${id}`, key: randomUUID(), value: frame(id, Buffer.from(body)), paymentId: null, field: null });
    }
    for (const type of topics.providerEvents.records) {
      for (const paymentId of sample(fc.uuid(), 4, 3)) add({ kind: "another topic's schema", detail: type, key: paymentId, value: await codec.encode(topics.providerEvents.name, type, sampleValue(type, paymentId)), paymentId: null, field: null });
    }
    for (const cut of sample(fc.double({ min: 0, max: 1, noNaN: true }), 30, 4)) {
      const id = randomUUID();
      const whole = await encode({ type: "riel.commands.InitiatePayment", value: pix(id) });
      const at = 5 + Math.floor(cut * (whole.length - 6));
      add({ kind: "valid schema id, cut short", detail: `${at} of ${whole.length} bytes`, key: id, value: whole.subarray(0, at), paymentId: null, field: null });
    }
    for (const extra of sample(fc.uint8Array({ minLength: 1, maxLength: 50 }), 10, 5)) {
      const id = randomUUID();
      add({ kind: "valid schema id, trailing bytes", detail: `${extra.length} more`, key: id, value: Buffer.concat([await encode({ type: "riel.commands.InitiatePayment", value: pix(id) }), Buffer.from(extra)]), paymentId: null, field: null });
    }
    const commandIds = [...new Set(await Promise.all(topics.paymentCommands.records.map(async (type) => (await codec.encode(COMMANDS, type, sampleValue(type))).readInt32BE(1))))];
    for (const [pick, body] of sample(fc.tuple(fc.nat(commandIds.length - 1), fc.uint8Array({ maxLength: 120 })), 20, 6)) {
      add({ kind: "valid schema id, random body", detail: `id ${commandIds[pick]}`, key: randomUUID(), value: frame(commandIds[pick] ?? 0, Buffer.from(body)), paymentId: null, field: null });
    }

    // Decodable, and against the rules: every breakage at least twice, the rest at random.
    for (const [pick, n] of [...BREAKAGES.flatMap((_, i) => [[i, 0] as const, [i, 1] as const]), ...sample(fc.tuple(fc.nat(BREAKAGES.length - 1), fc.nat(3_000)), 40, 7)]) {
      const [detail, field, make, end = "REJECTED"] = BREAKAGES[pick] as Breakage;
      const id = randomUUID();
      add({ kind: "valid Avro, broken rules", detail, key: id, value: await encode({ type: "riel.commands.InitiatePayment", value: make(id, n) }), paymentId: id, field, end });
    }
    for (const pick of sample(fc.nat(ORPHANS.length - 1), 30, 8)) {
      const [detail, make] = ORPHANS[pick] as (typeof ORPHANS)[number];
      const id = randomUUID();
      add({ kind: ORPHAN, detail, key: id, value: await encode(make(id)), paymentId: id, field: null });
    }

    // Records that decode are told apart by decoding them here, as the services will.
    const decodes = await Promise.all(junk.map((j) => codec.decode(COMMANDS, j.value).then(() => true, () => false)));

    const before = { dlq: await ends(DLQ), events: await ends(topics.paymentEvents.name), provider: await ends(topics.providerEvents.name), calls: await providerCalls() };
    // A few records a request, each request under the broker's 1 MB.
    for (let i = 0; i < junk.length; i += 8) {
      await producer.send({ topic: COMMANDS, acks: -1, messages: junk.slice(i, i + 8).map((j) => ({ key: j.key, value: j.value, headers: { [CASE]: String(j.id) } })) });
    }
    const published = Date.now();
    await settled();
    const settledAt = Date.now();
    const after = { dlq: await ends(DLQ), events: await ends(topics.paymentEvents.name), provider: await ends(topics.providerEvents.name), calls: await providerCalls() };

    const deadLetters = await readRange(kafka, DLQ, before.dlq, after.dlq);
    const lettersOf = new Map<number, Array<KafkaMessage & { partition: number }>>();
    for (const m of deadLetters) {
      const id = Number(header(m.headers, CASE));
      lettersOf.set(id, [...(lettersOf.get(id) ?? []), m]);
    }
    const decodeAll = async <T>(topic: string, from: Map<number, number>, to: Map<number, number>): Promise<T[]> =>
      Promise.all((await readRange(kafka, topic, from, to)).map(async (m) => (await codec.decode(topic, m.value ?? Buffer.alloc(0))).value as T));
    // A projector's repeat publishes a change again under its first id: downstream drops it, and so does this count.
    const statuses = [...new Map((await decodeAll<PaymentStatusChanged>(topics.paymentEvents.name, before.events, after.events)).map((e) => [e.envelope.eventId, e])).values()];
    const refusals = (await decodeAll<PaymentRefused | { envelope: { paymentId: string } }>(topics.providerEvents.name, before.provider, after.provider)).filter((e): e is PaymentRefused => "stage" in e);
    const truth = (await Promise.all([riel.sandboxUrl, riel.tumipaySandboxUrl].map(async (url) => Object.keys(((await http("GET", `${url}/__sandbox/truth`)).body as { payments: object }).payments)))).flat();

    // What became of each record, by kind: the counts the report quotes.
    const summary = new Map<string, { cases: number; deadLetters: number; refusedWithReason: number; statuses: number }>();
    for (const j of junk) {
      const s = summary.get(j.kind) ?? { cases: 0, deadLetters: 0, refusedWithReason: 0, statuses: 0 };
      s.cases++;
      s.deadLetters += lettersOf.get(j.id)?.length ?? 0;
      s.refusedWithReason += refusals.filter((r) => r.envelope.paymentId === j.paymentId).length > 0 ? 1 : 0;
      s.statuses += statuses.filter((e) => e.envelope.paymentId === j.paymentId).length;
      summary.set(j.kind, s);
    }
    console.log(
      [
        `command topic fuzz (seed ${SEED}): ${junk.length} records published in ${published - started} ms, all handled ${settledAt - published} ms later`,
        ...[...summary].map(([kind, s]) => `  ${kind}: ${s.cases} records, ${s.deadLetters} dead letters, ${s.refusedWithReason} refused with a reason, ${s.statuses} status events`),
        `  provider calls: ${after.calls - before.calls}; payments the sandboxes know from this run: ${truth.length}`,
      ].join("\n"),
    );

    // No provider call for any of it, and no provider order or payment anywhere.
    expect(after.calls - before.calls).toBe(0);
    expect(truth).toEqual([]);
    const commandReaders = readers.get(COMMANDS)?.length ?? 0;
    expect(commandReaders, "the connectors and the projector read the commands topic").toBeGreaterThan(1);
    for (const j of junk) {
      const letters = lettersOf.get(j.id) ?? [];
      const label = `${j.kind}: ${j.detail}`;
      for (const letter of letters) {
        expect(header(letter.headers, deadLetterHeaders.reason), label).toMatch(/\S/);
        expect(header(letter.headers, deadLetterHeaders.sourceTopic), label).toBe(COMMANDS);
      }
      // Each group that gave up on the record says so: an operator replays it for that group alone.
      expect(new Set(letters.map((l) => header(l.headers, deadLetterHeaders.group))).size, label).toBe(letters.length);
      const refused = refusals.filter((r) => r.envelope.paymentId === j.paymentId);
      const seen = statuses.filter((e) => e.envelope.paymentId === j.paymentId);
      if (!decodes[j.id]) {
        // Bytes no service can read: each reader dead-letters them once, saying so.
        expect(letters.length, label).toBe(commandReaders);
        for (const letter of letters) expect(header(letter.headers, deadLetterHeaders.reason), label).toMatch(/^DecodeError: /);
      } else if (j.field !== null) {
        // A command that breaks a rule: its connector refuses it naming the field, never retried, never sent on.
        expect(refused.length, label).toBeGreaterThan(0);
        for (const r of refused) expect(`${r.stage} ${r.code} ${r.reason}`, label).toMatch(new RegExp(`^COMMAND_VALIDATION INVALID_COMMAND .*(${j.field.source})`));
        if (j.end === "DEAD_LETTERED") {
          // No view of it can be kept: the projector dead-letters it, naming the field, and nothing is published.
          expect(letters.map((l) => header(l.headers, deadLetterHeaders.reason)), label).toEqual([expect.stringMatching(new RegExp(`^PermanentError: .*(${j.field.source})`))]);
          expect(seen, label).toEqual([]);
        } else {
          // Upstream is told: RECEIVED, then REJECTED with the connector's reason.
          expect(seen.map((e) => e.status), label).toEqual(["RECEIVED", "REJECTED"]);
          expect(seen[1]?.reason, label).toMatch(new RegExp(`^COMMAND_VALIDATION: INVALID_COMMAND: .*(${j.field.source})`));
          expect(letters, label).toEqual([]);
        }
      } else if (j.kind === ORPHAN) {
        // A later command for a payment that does not exist: retried while its payment may still come, then dead-lettered saying which.
        expect(letters.length, label).toBeGreaterThan(0);
        for (const letter of letters) expect(header(letter.headers, deadLetterHeaders.reason), label).toMatch(new RegExp(`not projected yet|${j.paymentId}`));
        expect(seen, label).toEqual([]);
      }
      // A random body that happens to decode is held to the checks above and below: no provider call, no payment anywhere.
    }

    // Nothing is left for reconciliation to ask a provider about later: no junk payment is due for a check.
    for (const j of junk.filter((x) => x.paymentId !== null)) {
      for (const queue of ["depay", "tumipay", "none"]) expect(await infra.store.due.dueAt(queue, j.paymentId ?? ""), `${j.kind}: ${j.detail} due at ${queue}`).toBeNull();
    }

    // A valid payment behind a poison record of its own key completes, paid once.
    const checked = Date.now();
    const valid = randomUUID();
    await producer.send({ topic: COMMANDS, acks: -1, messages: [{ key: valid, value: Buffer.from("poison"), headers: { [CASE]: "poison" } }] });
    await producer.send({ topic: COMMANDS, acks: -1, messages: [{ key: valid, value: await encode({ type: "riel.commands.InitiatePayment", value: pix(valid) }) }] });
    await watcher.waitFor(valid, "CREATED");
    await producer.send({ topic: COMMANDS, acks: -1, messages: [{ key: valid, value: await encode({ type: "riel.commands.ConfirmPayment", value: { envelope: envelopeFor(valid, null), decision: "ACCEPT", walletId: null } }) }] });
    await watcher.waitFor(valid, "COMPLETED");
    const paid = (await http("GET", `${riel.sandboxUrl}/__sandbox/truth?reference=${valid}`)).body as { payments: Record<string, { payEffects: number }> };
    expect(paid.payments[valid]?.payEffects).toBe(1);
    console.log(`  checks of the junk's fate: ${checked - settledAt} ms; a valid payment behind a poison record of its key: COMPLETED in ${Date.now() - checked} ms`);
  }, 120_000);
});

/** A minimal valid value of a record type, for learning its schema id and for records of another topic. */
function sampleValue(type: string, paymentId: string = randomUUID()): unknown {
  const envelope = envelopeFor(paymentId, null);
  switch (type) {
    case "riel.commands.InitiatePayment":
      return pix(paymentId);
    case "riel.commands.ConfirmPayment":
      return { envelope, decision: "ACCEPT", walletId: null };
    case "riel.commands.SetPaymentAmount":
      return { envelope, amount: { amount: "1.00", currency: "ARS" } };
    case "riel.commands.RefundPayment":
      return { envelope, refundId: "r-1", amount: null };
    case "riel.commands.SyncPayment":
      return { envelope };
    case "riel.events.PaymentRefused":
      return { envelope, stage: "PREVIEW", code: "X", reason: "x", retryable: false };
    case "riel.events.ProviderReported":
      return {
        envelope,
        provider: "depay",
        providerOrderId: "o-1",
        status: "COMPLETED",
        providerStatus: "COMPLETED",
        refundAmount: null,
        amount: null,
        userAmount: null,
        collector: null,
        reason: null,
        refundId: null,
        wallets: null,
        payerInstructions: null,
        source: "PROVIDER_CALLBACK",
      };
    case "riel.events.PaymentNeedsAttention":
      return { envelope, provider: "depay", status: "RECEIVED", since: envelope.occurredAt, checks: 1, reason: "x", method: null, externalReference: null };
    default:
      throw new Error(`no sample of ${type}`);
  }
}
