import { randomUUID } from "node:crypto";
import cliProgress from "cli-progress";
import type { Kafka } from "kafkajs";
import { deadLetterHeaders, defaultDeadLetterTopic } from "@riel/bus";
import type { Codec } from "@riel/schemas";
import { topics } from "@riel/schemas";
import { CliError } from "./settings.js";
import type { ReadRecord } from "./kafka.js";
import { readToEnd } from "./kafka.js";

/** Which letters each replay has put back: one record per letter, key = letter id, in committed transactions only. */
export const LEDGER_TOPIC = "riel.dlq-replays.v1";
/** One replaying CLI at a time: a second one with the same id fences the first, whose open transaction is aborted. */
export const TRANSACTIONAL_ID = "riel-dlq-replay";
/** The header naming the letter a replayed record came from. */
export const REPLAY_OF = "riel-replay-of";
const MARKER = "__riel-ledger-marker__";

export interface Letter {
  /** `<dead-letter topic>/<partition>/<offset>` */
  readonly id: string;
  readonly sourceTopic: string;
  readonly group: string;
  readonly reason: string;
  readonly failedAt: string;
  readonly attempts: string;
  readonly key: string;
  /** The record's own headers, the dead-letter ones removed. */
  readonly headers: Record<string, string>;
  readonly value: Buffer;
}

export interface LetterFilter {
  /** The source topic; every Riel topic's dead letters when absent. */
  readonly topic?: string;
  /** A regular expression (case-insensitive) the reason must match. */
  readonly reason?: string;
  readonly group?: string;
}

const DLQ_HEADERS = new Set<string>(Object.values(deadLetterHeaders));

function letterOf(r: ReadRecord): Letter {
  const own = Object.fromEntries(Object.entries(r.headers).filter(([name]) => !DLQ_HEADERS.has(name)));
  return {
    id: `${r.topic}/${r.partition}/${r.offset}`,
    sourceTopic: r.headers[deadLetterHeaders.sourceTopic] ?? r.topic.replace(/\.dlq$/, ""),
    group: r.headers[deadLetterHeaders.group] ?? "",
    reason: r.headers[deadLetterHeaders.reason] ?? "",
    failedAt: r.headers[deadLetterHeaders.failedAt] ?? "",
    attempts: r.headers[deadLetterHeaders.attempts] ?? "",
    key: r.key,
    headers: own,
    value: r.value,
  };
}

export function parseFilter(options: { topic?: string; reason?: string; group?: string }): { filter: LetterFilter; matches: (l: Letter) => boolean } {
  let reason: RegExp | null = null;
  if (options.reason !== undefined) {
    try {
      reason = new RegExp(options.reason, "i");
    } catch (error) {
      throw new CliError(`--reason: must be a regular expression (${error instanceof Error ? error.message : String(error)})`, 2);
    }
  }
  if (options.topic !== undefined && !/^[A-Za-z0-9._-]{1,249}$/.test(options.topic)) throw new CliError("--topic: must be a Kafka topic name (letters, digits, . _ -)", 2);
  return {
    filter: options,
    matches: (l) => (reason === null || reason.test(l.reason)) && (options.group === undefined || l.group === options.group),
  };
}

async function existingTopics(kafka: Kafka): Promise<Set<string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Set(await admin.listTopics());
  } finally {
    await admin.disconnect();
  }
}

/** The dead letters of the topic (or of every Riel topic), oldest first per dead-letter partition. */
export async function readLetters(kafka: Kafka, filter: LetterFilter): Promise<Letter[]> {
  const known = await existingTopics(kafka);
  const wanted = filter.topic !== undefined ? [defaultDeadLetterTopic(filter.topic)] : Object.values(topics).map((t) => defaultDeadLetterTopic(t.name));
  const missing = wanted.filter((t) => !known.has(t));
  if (filter.topic !== undefined && missing.length > 0) throw new CliError(`--topic: there is no dead-letter topic ${missing[0]}`, 2);
  const out: Letter[] = [];
  for (const dlq of wanted.filter((t) => known.has(t))) out.push(...(await readToEnd(kafka, dlq)).map(letterOf));
  return out;
}

export function parseLetterId(id: string): { topic: string; partition: number; offset: string } {
  const match = /^([A-Za-z0-9._-]{1,249})\/(\d{1,6})\/(\d{1,19})$/.exec(id);
  if (!match) throw new CliError(`letter id: must be <dead-letter topic>/<partition>/<offset>, as \`riel dlq list\` prints it; got ${JSON.stringify(id)}`, 2);
  return { topic: match[1] as string, partition: Number(match[2]), offset: match[3] as string };
}

export async function showLetter(kafka: Kafka, codec: Codec, id: string): Promise<Record<string, unknown>> {
  const { topic, partition, offset } = parseLetterId(id);
  const known = await existingTopics(kafka);
  if (!known.has(topic)) throw new CliError(`no topic ${topic}`);
  const record = (await readToEnd(kafka, topic, { until: (r) => r.partition === partition && BigInt(r.offset) >= BigInt(offset) })).find((r) => r.partition === partition && r.offset === offset);
  if (!record) throw new CliError(`no dead letter ${id}`);
  const letter = letterOf(record);
  let decoded: unknown;
  try {
    decoded = await codec.decode(letter.sourceTopic, letter.value);
  } catch (error) {
    decoded = { type: "undecodable", reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error), base64: letter.value.toString("base64") };
  }
  const { value: _bytes, ...rest } = letter;
  return { ...rest, record: decoded };
}

async function ensureLedger(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(LEDGER_TOPIC)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: LEDGER_TOPIC, numPartitions: 3, configEntries: [{ name: "cleanup.policy", value: "compact" }] }] }).catch((error: unknown) => {
        if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
      });
    }
    const [meta] = (await admin.fetchTopicMetadata({ topics: [LEDGER_TOPIC] })).topics;
    return meta?.partitions.length ?? 1;
  } finally {
    await admin.disconnect();
  }
}

export interface ReplayReport {
  readonly matched: number;
  readonly alreadyReplayed: number;
  readonly replayed: number;
  readonly filteredOut: number;
}

/** Progress on stderr: a bar on a terminal, a line per batch otherwise (for logs and tests). */
function progress(total: number): { update(done: number): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar({ stream: process.stderr, format: "replaying [{bar}] {value}/{total} letters" }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  return { update: (done) => process.stderr.write(`replayed ${done}/${total}\n`), stop: () => {} };
}

/**
 * Puts matching dead letters back on their source topics, each exactly once however often this
 * runs or is killed: every batch of replays is one Kafka transaction together with the ledger
 * records naming its letters, and letters the ledger already names are skipped. A killed run's
 * open transaction is aborted when the next run's producer takes the same transactional id, so
 * neither its replays nor its ledger records are ever seen by read_committed consumers (every
 * Riel service reads read_committed).
 */
export async function replayLetters(kafka: Kafka, filter: LetterFilter, matches: (l: Letter) => boolean, options: { dryRun: boolean; batch: number; print: (line: string) => void }): Promise<ReplayReport> {
  const letters = await readLetters(kafka, filter);
  const wanted = letters.filter(matches);
  const partitions = await ensureLedger(kafka);
  const producer = kafka.producer({ transactionalId: TRANSACTIONAL_ID, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    // A marker per ledger partition, committed after every earlier transaction ended: reading up to the markers reads every committed ledger record.
    const marker = `${MARKER}${randomUUID()}`;
    const fence = await producer.transaction();
    await fence.send({ topic: LEDGER_TOPIC, messages: Array.from({ length: partitions }, (_, partition) => ({ key: marker, value: null, partition })) });
    await fence.commit();
    const ledger = await readToEnd(kafka, LEDGER_TOPIC, { until: (r) => r.key === marker });
    const done = new Set(ledger.filter((r) => !r.key.startsWith(MARKER)).map((r) => r.key));
    const todo = wanted.filter((l) => !done.has(l.id));
    const report = { matched: wanted.length, alreadyReplayed: wanted.length - todo.length, filteredOut: letters.length - wanted.length };
    if (options.dryRun) {
      for (const l of todo) options.print(JSON.stringify({ wouldReplay: l.id, to: l.sourceTopic, key: l.key, reason: l.reason }));
      return { ...report, replayed: 0 };
    }
    const bar = progress(todo.length);
    let replayed = 0;
    for (let i = 0; i < todo.length; i += options.batch) {
      const chunk = todo.slice(i, i + options.batch);
      const tx = await producer.transaction();
      try {
        const byTopic = new Map<string, Letter[]>();
        for (const l of chunk) byTopic.set(l.sourceTopic, [...(byTopic.get(l.sourceTopic) ?? []), l]);
        await tx.sendBatch({
          topicMessages: [
            ...[...byTopic].map(([topic, list]) => ({ topic, messages: list.map((l) => ({ key: l.key, value: l.value, headers: { ...l.headers, [REPLAY_OF]: l.id } })) })),
            { topic: LEDGER_TOPIC, messages: chunk.map((l) => ({ key: l.id, value: JSON.stringify({ replayedAt: new Date().toISOString(), to: l.sourceTopic }) })) },
          ],
        });
        await tx.commit();
      } catch (error) {
        await tx.abort().catch(() => {});
        throw error;
      }
      replayed += chunk.length;
      bar.update(replayed);
    }
    bar.stop();
    return { ...report, replayed };
  } finally {
    await producer.disconnect();
  }
}
