// `pnpm bench load`: Riel under an open-loop load, the way users run it. Payments of every method
// (the fault run's mix) arrive at a fixed rate, not when the previous one ends; the rate steps up
// until p99 from POST to where the payment's flow ends passes 250 ms. For each step: the rate
// achieved, p50/p99/p99.9, errors, and the CPU each process spent per completed payment, read
// from /proc, so a change is judged by its cost, which noise moves far less than throughput.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Kafka, logLevel } from "kafkajs";
import { Redis } from "ioredis";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { Agent, request } from "undici";
import { connectInfra } from "@riel/runtime";
import { topics } from "@riel/schemas";
import type { Cluster } from "../../test/e2e/cluster.js";
import { startCluster } from "../../test/e2e/cluster.js";
import { SCENARIOS } from "../../test/e2e/fault-run.js";
import { StatusWatcher, TEST_API_KEY } from "../../test/e2e/harness.js";
import { ServiceProcess } from "../../test/e2e/processes.js";
import { CpuMeter, stackPids } from "./cpu.js";
import type { StackSettings } from "./types.js";

/** A running Riel as the load generator sees it. */
interface Target {
  readonly ingressUrls: readonly string[];
  readonly sandboxUrls: readonly string[];
  /** Sees the payments' statuses (absent where payments are only accepted). */
  readonly watcher?: StatusWatcher;
  /** How payment `n` is driven, when not as upstream drives a whole flow (`drive`). */
  readonly drive?: (n: number) => Promise<void>;
  /** Every process whose CPU is counted, by name. */
  readonly pids: Readonly<Record<string, number>>;
  /** Which of them are Riel's own (not the sandboxes, the stack or the generator). */
  readonly riel: readonly string[];
  stop(): Promise<void>;
}

export interface StepResult {
  readonly offered: number;
  readonly achieved: number;
  readonly completed: number;
  readonly errors: number;
  /** Latency percentiles, ms: from the step's start time of each payment to its end, less the provider's own time (`providerMs`) where a run takes it out. */
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  /** Each scenario's p50 as measured (nothing taken out). */
  readonly scenarioP50?: Readonly<Record<string, number>>;
  /** Per scenario, the provider's own time taken out of each payment's latency (the slow-provider run). */
  readonly providerMs?: Readonly<Record<string, number>>;
  /** CPU ms per completed payment: each process, and Riel's processes together. */
  readonly cpuMsPerPayment: Readonly<Record<string, number>>;
  readonly rielCpuMsPerPayment: number;
  /** Per completed payment: records written to Riel's topics, and Redis commands. */
  readonly recordsPerPayment: number;
  readonly redisCommandsPerPayment: number;
  /** Per completed payment: records Riel's consumer groups took (committed), and HTTP requests (the API's, providers', callbacks). */
  readonly recordsConsumedPerPayment?: number;
  readonly httpRequestsPerPayment?: number;
  /** Of those, the ones the load generator made (the API's). */
  readonly apiRequestsPerPayment?: number;
}

export interface LoadRun {
  readonly label: string;
  readonly steps: readonly StepResult[];
  /** The highest offered rate whose p99 stayed within the limit with no errors and at least 95% achieved. */
  readonly sustainable: number;
  /** The p99 limit this run was held to. */
  readonly limitMs: number;
}

const P99_LIMIT_MS = 250;
/** Where the mix's flows end (COMPLETED is not `final`: a refund may follow). */
const ENDED = new Set(["COMPLETED", "CANCELED", "REJECTED", "FAILED", "DECLINED", "EXPIRED"]);
const PAYMENT_TIMEOUT_MS = 30_000;
const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000, pipelining: 1 });
const stackOf = (s: StackSettings) => ({ kafkaBrokers: [...s.kafkaBrokers], redisUrl: s.redisUrl, schemaRegistryUrl: s.schemaRegistryUrl, source: "env" as const });

/** Requests the load generator made to Riel so far (for the HTTP count of the floor). */
let apiCalls = 0;

async function call(method: "GET" | "POST" | "PUT", url: string, body?: unknown, key?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  if (!url.includes("/__sandbox/")) apiCalls++;
  const res = await request(url, {
    method,
    dispatcher: agent,
    headers: { "content-type": "application/json", authorization: `Bearer ${TEST_API_KEY}`, ...(key ? { "idempotency-key": key } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  const timer = sleep(ms, null, { ref: false }).then(() => {
    throw new Error(`${what}: no answer in ${ms} ms`);
  });
  return Promise.race([promise, timer]);
}

/** One payment as upstream drives it: create, then (pay-outs) answer its preview, until its final status. */
async function drive(target: Target, n: number, pixOnly: boolean): Promise<void> {
  const scenario = pixOnly ? SCENARIOS[0] : SCENARIOS[n % SCENARIOS.length];
  if (!scenario) throw new Error("no scenario");
  const ingress = target.ingressUrls[n % target.ingressUrls.length] as string;
  const created = await call("POST", `${ingress}/v1/payments`, scenario.body(), randomUUID());
  if (created.status !== 202) throw new Error(`create answered ${created.status}`);
  const paymentId = created.body.paymentId as string;
  const { watcher } = target;
  if (!watcher) throw new Error("a whole flow needs a status watcher");
  const final = watcher.waitForAny(paymentId, ENDED);
  if (scenario.decide !== "NOTHING") {
    if (scenario.decide === "AMOUNT_THEN_ACCEPT") {
      await within(watcher.waitFor(paymentId, "WAITING_AMOUNT"), PAYMENT_TIMEOUT_MS, "WAITING_AMOUNT");
      const set = await call("POST", `${ingress}/v1/payments/${paymentId}/amount`, { amount: { amount: "12.30", currency: "PEN" } }, randomUUID());
      if (set.status !== 202) throw new Error(`amount answered ${set.status}`);
    }
    await within(watcher.waitFor(paymentId, "CREATED"), PAYMENT_TIMEOUT_MS, "CREATED");
    let walletId: string | undefined;
    if (scenario.method === "PERU_KEY" && scenario.name.includes("wallet")) {
      const view = await call("GET", `${ingress}/v1/payments/${paymentId}`);
      walletId = (view.body.wallets as Array<{ id: string }> | null)?.[0]?.id;
    }
    const decision = scenario.decide === "REJECT" ? "REJECT" : "ACCEPT";
    const confirmed = await call("POST", `${ingress}/v1/payments/${paymentId}/confirm`, { decision, ...(walletId ? { walletId } : {}) }, randomUUID());
    if (confirmed.status !== 202) throw new Error(`confirm answered ${confirmed.status}`);
  }
  await within(final, PAYMENT_TIMEOUT_MS, "final status");
}

interface Counters {
  readonly records: number;
  readonly consumed: number;
  readonly redis: number;
  readonly http: number;
  readonly api: number;
}

/** Requests the sandboxes took so far (provider calls) and callback attempts they made. */
async function sandboxCalls(target: Target): Promise<number> {
  let n = 0;
  for (const url of target.sandboxUrls) {
    const res = await request(`${url}/__sandbox/calls`, { dispatcher: agent });
    const report = (await res.body.json()) as { endpoints: Record<string, { requests: number }>; callbacks: { attempts: number } };
    n += Object.values(report.endpoints).reduce((sum, e) => sum + e.requests, 0) + report.callbacks.attempts;
  }
  return n;
}

/** Records written to Riel's topics and committed by Riel's consumer groups so far, Redis commands processed, HTTP requests. */
async function counters(stack: StackSettings, target: Target): Promise<Counters> {
  const kafka = new Kafka({ brokers: [...stack.kafkaBrokers], clientId: "riel-bench-counters", logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const redis = new Redis(stack.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const rielTopics = [topics.paymentCommands.name, topics.providerEvents.name, topics.paymentEvents.name];
  try {
    await admin.connect();
    let records = 0;
    for (const topic of rielTopics) {
      for (const o of await admin.fetchTopicOffsets(topic)) records += Number(o.high);
    }
    let consumed = 0;
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups.filter((g) => g.groupId.startsWith("riel."))) {
      for (const t of await admin.fetchOffsets({ groupId, topics: rielTopics })) {
        for (const p of t.partitions) consumed += Math.max(0, Number(p.offset));
      }
    }
    await redis.connect();
    const info = await redis.info("stats");
    const processed = Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
    return { records, consumed, redis: processed, http: apiCalls + (await sandboxCalls(target)), api: apiCalls };
  } finally {
    await admin.disconnect();
    redis.disconnect();
  }
}

/** `payments` at `rate` per second, each started on its schedule whatever the others do. */
interface Sample {
  readonly scenario: string;
  readonly ms: number;
}

/** Each step's latencies by scenario, kept out of the JSON report, for judging a step again with the provider's time taken out. */
const samplesOf = new WeakMap<StepResult, readonly Sample[]>();

const scenarioName = (target: Target, n: number, pixOnly: boolean): string =>
  target.drive ? "payment" : ((pixOnly ? SCENARIOS[0] : SCENARIOS[n % SCENARIOS.length])?.name ?? "?");

/** p50/p99/p99.9 of the samples, each less its scenario's `providerMs`. */
function percentiles(samples: readonly Sample[], providerMs: Readonly<Record<string, number>> = {}): { p50: number; p99: number; p999: number } {
  const sorted = samples.map((x) => x.ms - (providerMs[x.scenario] ?? 0)).sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), p999: percentile(sorted, 99.9) };
}

/** The step judged again with each payment's latency less its scenario's provider time. */
function withProviderTimeOut(result: StepResult, providerMs: Readonly<Record<string, number>>): StepResult {
  const samples = samplesOf.get(result) ?? [];
  const judged: StepResult = { ...result, ...percentiles(samples, providerMs), providerMs };
  samplesOf.set(judged, samples);
  return judged;
}

async function step(stack: StackSettings, target: Target, meter: CpuMeter, rate: number, payments: number, pixOnly: boolean, first: number, providerMs?: Readonly<Record<string, number>>): Promise<StepResult> {
  const before = await counters(stack, target);
  const samples: Sample[] = [];
  let errors = 0;
  const failures: string[] = [];
  const runs: Promise<void>[] = [];
  meter.start();
  const start = performance.now();
  let last = start;
  for (let i = 0; i < payments; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    runs.push(
      (target.drive ? target.drive(first + i) : drive(target, first + i, pixOnly)).then(
        () => {
          const end = performance.now();
          last = Math.max(last, end);
          samples.push({ scenario: scenarioName(target, first + i, pixOnly), ms: end - at });
        },
        (error: unknown) => {
          errors++;
          const why = `${SCENARIOS[(first + i) % SCENARIOS.length]?.name ?? "?"}: ${error instanceof Error ? error.message : String(error)}`;
          if (!failures.includes(why) && failures.length < 5) failures.push(why);
        },
      ),
    );
  }
  await Promise.all(runs);
  if (failures.length > 0) console.log(`  failures at ${rate}/s: ${failures.join("; ")}`);
  return resultOf(stack, target, meter, before, { offered: rate, samples, errors, seconds: (last - start) / 1000, providerMs });
}

/** A step's figures: its latencies, and what every process and the stack spent since `before` and meter.start(). */
async function resultOf(
  stack: StackSettings,
  target: Target,
  meter: CpuMeter,
  before: Counters,
  step: { readonly offered: number; readonly samples: readonly Sample[]; readonly errors: number; readonly seconds: number; readonly providerMs?: Readonly<Record<string, number>> },
): Promise<StepResult> {
  const cpu = meter.read();
  const after = await counters(stack, target);
  const completed = step.samples.length;
  const scenarios = [...new Set(step.samples.map((x) => x.scenario))];
  const scenarioP50 = Object.fromEntries(scenarios.map((name) => [name, percentiles(step.samples.filter((x) => x.scenario === name)).p50]));
  const per = (ms: number): number => (completed > 0 ? ms / completed : Number.NaN);
  const result: StepResult = {
    offered: step.offered,
    achieved: completed / step.seconds,
    completed,
    errors: step.errors,
    ...percentiles(step.samples, step.providerMs),
    scenarioP50,
    ...(step.providerMs ? { providerMs: step.providerMs } : {}),
    cpuMsPerPayment: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, per(ms)])),
    rielCpuMsPerPayment: per(target.riel.reduce((sum, name) => sum + (cpu[name] ?? 0), 0)),
    recordsPerPayment: per(after.records - before.records),
    redisCommandsPerPayment: per(after.redis - before.redis),
    recordsConsumedPerPayment: per(after.consumed - before.consumed),
    httpRequestsPerPayment: per(after.http - before.http),
    apiRequestsPerPayment: per(after.api - before.api),
  };
  samplesOf.set(result, step.samples);
  return result;
}

export interface LoadOptions {
  readonly rates: readonly number[];
  /** Seconds of arrivals per step. */
  readonly stepSeconds: number;
  readonly log: (line: string) => void;
}

/**
 * Steps through `rates` until p99 passes 250 ms (or errors appear); `fixed` runs every rate given.
 * With `providerTime`, each payment's latency is judged less its scenario's provider time, which
 * `providerTime` makes from the first step's scenario p50s (a slow provider's own time on a
 * payment's path is not Riel's, and flows differ in how many provider calls they wait for).
 */
export async function stepRates(
  stack: StackSettings,
  target: Target,
  label: string,
  options: LoadOptions & { readonly fixed?: boolean; readonly providerTime?: (first: StepResult) => Readonly<Record<string, number>> },
): Promise<LoadRun> {
  const meter = new CpuMeter(target.pids);
  // Warm-up: connections, schema ids, the JIT (a first step of 40 payments still cost a quarter more per payment than the next).
  await step(stack, target, meter, 20, 200, false, 0);
  const steps: StepResult[] = [];
  let n = 1_000;
  let providerMs: Readonly<Record<string, number>> | undefined;
  const holds = (s: StepResult): boolean => s.p99 <= P99_LIMIT_MS && s.errors === 0 && s.achieved >= 0.95 * s.offered;
  for (const rate of options.rates) {
    const payments = Math.max(20, Math.round(rate * options.stepSeconds));
    let result = await step(stack, target, meter, rate, payments, false, n, providerMs);
    n += payments;
    if (steps.length === 0 && options.providerTime) {
      providerMs = options.providerTime(result);
      result = withProviderTimeOut(result, providerMs);
    }
    steps.push(result);
    options.log(formatStep(label, result));
    if (!options.fixed && !holds(result)) break;
  }
  return { label, steps, sustainable: Math.max(0, ...steps.filter(holds).map((s) => s.offered)), limitMs: P99_LIMIT_MS };
}

/** Closed loop, one payment at a time (Pix, accepted): POST to COMPLETED. */
export async function oneInFlight(stack: StackSettings, target: Target, payments: number): Promise<StepResult> {
  const meter = new CpuMeter(target.pids);
  for (let i = 0; i < 10; i++) await drive(target, i, true);
  const before = await counters(stack, target);
  const samples: Sample[] = [];
  meter.start();
  const start = performance.now();
  for (let i = 0; i < payments; i++) {
    const t0 = performance.now();
    await drive(target, i, true);
    samples.push({ scenario: scenarioName(target, i, true), ms: performance.now() - t0 });
  }
  return resultOf(stack, target, meter, before, { offered: 0, samples, errors: 0, seconds: (performance.now() - start) / 1000 });
}

const SANDBOXES = new Set(["depay-sandbox", "tumipay-sandbox"]);

async function setLatency(target: Target, latencyMs: number): Promise<void> {
  for (const url of target.sandboxUrls) {
    const res = await call("PUT", `${url}/__sandbox/faults`, { latencyMs });
    if (res.status !== 200) throw new Error(`PUT ${url}/__sandbox/faults answered ${res.status}`);
  }
}

/** Every service in a process of its own (`instances` of each Riel service), as deployed. */
export async function clusterTarget(stack: StackSettings, options: { readonly instances: number; readonly latencyMs: number }): Promise<Target> {
  const cluster: Cluster = await startCluster(stackOf(stack), { instances: options.instances, sessionTimeoutMs: 10_000 });
  const target: Target = {
    ingressUrls: cluster.ingressUrls,
    sandboxUrls: [cluster.sandboxUrl, cluster.tumipaySandboxUrl],
    watcher: cluster.watcher,
    pids: { ...Object.fromEntries([...cluster.processes].flatMap(([name, p]) => (p.pid === undefined ? [] : [[name, p.pid]]))), ...stackPids() },
    riel: [...cluster.processes.keys()].filter((name) => !SANDBOXES.has(name)),
    stop: () => cluster.stop(),
  };
  await setLatency(target, options.latencyMs);
  return target;
}

/** `pnpm start`'s shape: every service and both sandboxes in one process (its CPU counts as Riel's). */
export async function embeddedTarget(stack: StackSettings): Promise<Target> {
  const riel = new ServiceProcess("embedded", "services/embedded/src/main.ts", {
    KAFKA_BROKERS: stack.kafkaBrokers.join(","),
    REDIS_URL: stack.redisUrl,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    INGRESS_PORT: "0",
    WEBHOOK_PORT: "0",
    DEPAY_SANDBOX_PORT: "0",
    TUMIPAY_SANDBOX_PORT: "0",
    DEPAY_SANDBOX_CALLBACK_DELAY_MS: "0",
    RIEL_QUIET: "1",
    INGRESS_API_KEY: TEST_API_KEY,
  });
  const line = async (label: string): Promise<string> => (await riel.waitForLine(new RegExp(`${label}\\s+(http://\\S+)`)))[1] as string;
  const ingress = await line("ingress API");
  const sandboxUrls = [await line("Depay sandbox"), await line("TumiPay sandbox")];
  const infra = await connectInfra(
    { kind: "real", config: { KAFKA_BROKERS: [...stack.kafkaBrokers], REDIS_URL: stack.redisUrl, SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl, TOPIC_PARTITIONS: 6, CONSUMER_CONCURRENCY: 16, KAFKA_SESSION_TIMEOUT_MS: 10_000 } },
    "riel-bench-watcher",
    () => {},
  );
  const watcher = await StatusWatcher.start(infra.bus);
  return {
    ingressUrls: [ingress],
    sandboxUrls,
    watcher,
    pids: { embedded: riel.pid ?? 0, ...stackPids() },
    riel: ["embedded"],
    async stop() {
      await watcher.stop();
      await infra.close();
      await riel.kill("SIGTERM");
    },
  };
}

/** The ingress alone on the real Kafka and Redis: each payment is POSTed and done at its 202 (nothing consumes the commands). */
export async function ingressTarget(stack: StackSettings): Promise<Target> {
  // The rate limit per API key is lifted: the run measures what the ingress can take, not the policy.
  const cluster: Cluster = await startCluster(stackOf(stack), { only: ["ingress-api"], sessionTimeoutMs: 10_000, env: { "ingress-api": { INGRESS_RATE_LIMIT: "100000/100000" } } });
  const ingress = cluster.ingressUrls[0] as string;
  return {
    ingressUrls: [ingress],
    sandboxUrls: [],
    drive: async (n) => {
      const scenario = SCENARIOS[n % SCENARIOS.length];
      if (!scenario) throw new Error("no scenario");
      const created = await call("POST", `${ingress}/v1/payments`, scenario.body(), randomUUID());
      if (created.status !== 202) throw new Error(`create answered ${created.status}`);
    },
    pids: { ...Object.fromEntries([...cluster.processes].flatMap(([name, p]) => (p.pid === undefined ? [] : [[name, p.pid]]))), ...stackPids() },
    riel: ["ingress-api"],
    stop: () => cluster.stop(),
  };
}

/**
 * The commands the ingress-alone run accepted are never consumed while it runs; each of tens of
 * thousands would become a provider call when Riel next starts on this stack (and swamped the
 * runs after it). Riel's groups that read the commands topic are moved to its end. Run with none
 * of their members alive (the group must be empty).
 */
export async function skipBacklog(stack: StackSettings, topicNames: readonly string[] = [topics.paymentCommands.name]): Promise<void> {
  const admin = new Kafka({ brokers: [...stack.kafkaBrokers], clientId: "riel-bench-skip", logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    for (const topic of topicNames) {
      // The partitions' ends as offsets: kafkajs's resetOffsets(latest) commits -1, which a group
      // reads as "no offset" and so starts again from the beginning.
      const ends = (await admin.fetchTopicOffsets(topic)).map((o) => ({ partition: o.partition, offset: o.high }));
      for (const { groupId } of groups.filter((g) => g.groupId.startsWith("riel."))) {
        const read = await admin.fetchOffsets({ groupId, topics: [topic] });
        if (read.some((t) => t.partitions.some((p) => Number(p.offset) >= 0))) await admin.setOffsets({ groupId, topic, partitions: ends });
      }
    }
  } finally {
    await admin.disconnect();
  }
}

/** What the floor repeats per payment: the counts of Riel's reference step. */
export interface FloorCounts {
  readonly records: number;
  readonly consumed: number;
  readonly redisCommands: number;
  readonly httpRequests: number;
  readonly apiRequests: number;
}

/** Redis commands per script in the floor: Riel's writes are scripts of a few commands each. */
const FLOOR_SCRIPT_COMMANDS = 5;

/**
 * The floor: one process (scripts/bench/floor-worker.ts) doing per payment the same number of HTTP
 * requests, Kafka records produced and consumed, and Redis commands as Riel did at the reference
 * rate, with the same clients and none of Riel's logic. Its CPU is the "floor" Riel's is compared to.
 */
export async function floorTarget(stack: StackSettings, counts: FloorCounts): Promise<Target> {
  const echo = new Hono().post("/", async (c) => c.json({ echoed: (await c.req.text()).length }));
  const echoServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const server = serve({ fetch: echo.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(server));
  });
  const address = echoServer.address();
  const echoPort = typeof address === "object" && address !== null ? address.port : 0;
  const apiRequests = Math.max(1, Math.round(counts.apiRequests));
  const worker = new ServiceProcess("floor", "scripts/bench/floor-worker.ts", {
    KAFKA_BROKERS: stack.kafkaBrokers.join(","),
    REDIS_URL: stack.redisUrl,
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    FLOOR_RECORDS: String(Math.max(1, Math.round(counts.records))),
    FLOOR_CONSUMED: String(Math.max(1, Math.round(counts.consumed))),
    FLOOR_SCRIPTS: String(Math.round(counts.redisCommands / FLOOR_SCRIPT_COMMANDS)),
    FLOOR_SCRIPT_COMMANDS: String(FLOOR_SCRIPT_COMMANDS),
    FLOOR_CALLS: String(Math.max(0, Math.round(counts.httpRequests) - apiRequests)),
    FLOOR_ECHO_URL: `http://127.0.0.1:${echoPort}/`,
  });
  const url = (await worker.waitForLine(/floor ready (http:\/\/\S+)/))[1] as string;
  return {
    ingressUrls: [url],
    sandboxUrls: [],
    drive: async (n) => {
      const paymentId = `floor-${n}-${randomUUID()}`;
      const res = await call("POST", `${url}/pay`, { paymentId });
      if (res.status !== 202) throw new Error(`floor answered ${res.status}`);
      for (let i = 1; i < apiRequests; i++) await call("GET", `${url}/pay/${paymentId}`);
    },
    pids: { floor: worker.pid ?? 0, ...stackPids() },
    riel: ["floor"],
    async stop() {
      await worker.kill("SIGTERM");
      echoServer.close();
    },
  };
}

const fmt = (n: number): string => (Number.isFinite(n) ? (n >= 100 ? Math.round(n).toString() : n.toFixed(1)) : "-");

export function formatStep(label: string, s: StepResult): string {
  return `${label.padEnd(28)} offered ${fmt(s.offered).padStart(5)}/s  achieved ${fmt(s.achieved).padStart(5)}/s  p50 ${fmt(s.p50).padStart(5)} ms  p99 ${fmt(s.p99).padStart(5)} ms  p99.9 ${fmt(s.p999).padStart(5)} ms  errors ${s.errors}  Riel CPU ${fmt(s.rielCpuMsPerPayment)} ms/payment  records ${fmt(s.recordsPerPayment)}  redis cmds ${fmt(s.redisCommandsPerPayment)}`;
}

export function formatCpu(s: StepResult): string {
  return Object.entries(s.cpuMsPerPayment)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${fmt(ms)}`)
    .join(", ");
}
