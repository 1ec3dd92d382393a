// Redis restarts under the ingress API: every answer a client gets must agree with what happened,
// meaning the commands on the bus. A payment is taken exactly when its command is published.
//
// The test runs a redis-server of its own, with the production flags of scripts/stack.sh and
// docker-compose.yml (AOF on, appendfsync always, no RDB). It kills that server with SIGKILL and
// starts a new one on the same port and directory, so what Redis acknowledged survives the restart.
// The stack's shared Redis is never used. The bus is the in-memory one, so no Kafka is needed.
//
// Between the ingress and Redis sits a TCP relay (the "cable", standing in for the network). The
// test uses it to crash Redis at a known point. It recognises one command of one request by its
// arguments, then either loses that command before Redis reads it, or lets Redis run it and loses
// the answer. In the second case Redis is killed once the effect is stored (checked through
// redis-cli), so the claim script really runs twice: the case ioredis creates when it resends an
// unanswered command after reconnecting. During a restart the relay either holds new connections
// until Redis is back (the client rides through the restart, and ioredis resends what was
// outstanding) or refuses them as a stopped Redis would (ioredis gives up after
// maxRetriesPerRequest, and the request fails with MaxRetriesPerRequestError).
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import type { Server, Socket } from "node:net";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bus } from "@riel/bus";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { readPayment, withStatus, writePayment } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import type { Store } from "@riel/store";
import { createMemoryStore, createRedisStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

const apiKey = testApiKey();
type App = ReturnType<typeof createIngressApp>;

const run = promisify(execFile);

/** The ingress's lease, in seconds: the longest a retry may be told to wait. */
const LEASE_S = 5;

// ---------------------------------------------------------------------------------------------
// A redis-server of this test's own, restarted on the same port and directory
// ---------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

class RedisServer {
  #child: ChildProcess | null = null;
  #log = "";

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), await mkdtemp(join(tmpdir(), "riel-redis-restart-")));
    await server.start();
    return server;
  }

  /** Starts redis-server and resolves once it has loaded its AOF and accepts connections. */
  async start(): Promise<void> {
    // The flags of scripts/stack.sh (and docker-compose.yml): an answered write is on disk.
    const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", ""];
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        this.#log = (this.#log + chunk.toString()).slice(-8_000);
        if (this.#log.includes("Ready to accept connections")) {
          done();
          resolve();
        }
      };
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(new Error(`redis-server exited (${code ?? signal}) while starting:\n${this.#log}`));
      };
      const onError = (error: Error): void => {
        done();
        reject(new Error(`redis-server did not start (is it on PATH?): ${error.message}`));
      };
      const done = (): void => {
        child.stdout.off("data", onData);
        child.stderr.off("data", onData);
        child.off("exit", onExit);
        child.off("error", onError);
        // Keep reading its log, so that the pipes never fill up.
        const keep = (more: Buffer): void => {
          this.#log = (this.#log + more.toString()).slice(-8_000);
        };
        child.stdout.on("data", keep);
        child.stderr.on("data", keep);
      };
      this.#log = "";
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", onExit);
      child.once("error", onError);
    });
  }

  /** A crash: SIGKILL, nothing flushed on the way out (appendfsync always flushed every answered write already). */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** A command on a connection of its own, straight to Redis (not through the cable). */
  async cli(...args: string[]): Promise<string> {
    const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(this.port), "--raw", ...args]);
    return stdout.replace(/\n$/, "");
  }

  async evalCalls(): Promise<number> {
    const match = /cmdstat_eval:calls=(\d+)/.exec(await this.cli("INFO", "commandstats"));
    return match ? Number(match[1]) : 0;
  }

  async remove(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// The cable: a TCP relay between the ingress's ioredis and Redis
// ---------------------------------------------------------------------------------------------

/** What a trap loses: the command itself (Redis never sees it) or its answer (Redis runs it). */
type Loss = "request" | "reply";

interface Link {
  readonly client: Socket;
  upstream: Socket | null;
  /** The last bytes from the client, so that a marker split across two chunks is still found. */
  tail: Buffer;
  /** Nothing from the client reaches Redis any more (its command was lost). */
  deaf: boolean;
  /** Nothing from Redis reaches the client any more (its answers are lost). */
  mute: boolean;
}

interface Trap {
  readonly marker: Buffer;
  readonly loss: Loss;
  readonly sprung: () => void;
}

class Cable {
  readonly #links = new Set<Link>();
  #trap: Trap | null = null;
  #held = false;
  #waiting: Array<() => void> = [];
  #muteAll = false;
  #lost = 0;
  #lostWaiters: Array<{ count: number; resolve: () => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly upstreamPort: number,
  ) {}

  static async open(upstreamPort: number): Promise<Cable> {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    const cable = new Cable(server, typeof address === "object" && address ? address.port : 0, upstreamPort);
    server.on("connection", (client: Socket) => cable.accept(client));
    return cable;
  }

  /** Answers lost so far (chunks from Redis that never reached the client). */
  get lost(): number {
    return this.#lost;
  }

  /** Resolves once more than `count` answers have been lost. */
  async lostMoreThan(count: number): Promise<void> {
    if (this.#lost > count) return;
    await new Promise<void>((resolve) => this.#lostWaiters.push({ count, resolve }));
  }

  /**
   * Waits for the next command whose arguments contain `marker`: loses it ("request"), or passes it
   * on and loses every answer on its connection from then on ("reply"). Resolves when it has passed.
   */
  arm(marker: string, loss: Loss): Promise<void> {
    return new Promise((resolve) => {
      this.#trap = { marker: Buffer.from(marker), loss, sprung: resolve };
    });
  }

  /** Every answer from Redis is lost from now on; the commands still reach it. */
  muteAll(): void {
    this.#muteAll = true;
  }

  /**
   * Stops listening, so that connecting is refused as it is to a stopped Redis. (Accepting and then
   * closing would not do: ioredis keeps an unanswered command until a connection is accepted and
   * fails it only when one is refused, so it would wait for Redis for ever.)
   */
  refuse(): void {
    this.server.close();
  }

  /** Listens again, on the same port, after `refuse`. */
  async listen(): Promise<void> {
    this.server.listen(this.port, "127.0.0.1");
    await once(this.server, "listening");
  }

  /** New connections wait (their bytes kept) until `release`, as if Redis were slow to answer. */
  hold(): void {
    this.#held = true;
  }

  /** Lets connections through again, held ones first, and answers with them. */
  release(): void {
    this.#held = false;
    this.#muteAll = false;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const go of waiting) go();
  }

  async close(): Promise<void> {
    for (const link of this.#links) {
      link.upstream?.destroy();
      link.client.destroy();
    }
    this.server.close();
  }

  private accept(client: Socket): void {
    const link: Link = { client, upstream: null, tail: Buffer.alloc(0), deaf: false, mute: false };
    this.#links.add(link);
    const early: Buffer[] = [];
    client.on("data", (chunk: Buffer) => (link.upstream ? this.fromClient(link, chunk) : early.push(chunk)));
    client.on("error", () => {});
    client.on("close", () => {
      link.upstream?.destroy();
      this.#links.delete(link);
    });
    const go = (): void => {
      if (client.destroyed) return;
      const upstream = connect(this.upstreamPort, "127.0.0.1");
      link.upstream = upstream;
      upstream.on("data", (chunk: Buffer) => this.fromRedis(link, chunk));
      upstream.on("error", () => {});
      // Redis went away (or was never there): so does the client's connection, as with a direct one.
      upstream.on("close", () => client.destroy());
      for (const chunk of early.splice(0)) this.fromClient(link, chunk);
    };
    if (this.#held) this.#waiting.push(go);
    else go();
  }

  private fromClient(link: Link, chunk: Buffer): void {
    if (link.deaf) return;
    const trap = this.#trap;
    const seen = Buffer.concat([link.tail, chunk]);
    // A marker that ends in this chunk: one that was sent earlier is not this command's.
    if (trap && seen.includes(trap.marker, Math.max(0, link.tail.length - trap.marker.length + 1))) {
      this.#trap = null;
      if (trap.loss === "request") {
        link.deaf = true;
      } else {
        link.upstream?.write(chunk);
        link.mute = true;
      }
      trap.sprung();
      return;
    }
    link.tail = seen.subarray(Math.max(0, seen.length - 4_096));
    link.upstream?.write(chunk);
  }

  private fromRedis(link: Link, chunk: Buffer): void {
    if (!link.mute && !this.#muteAll) {
      link.client.write(chunk);
      return;
    }
    this.#lost++;
    const due = this.#lostWaiters.filter((w) => this.#lost > w.count);
    this.#lostWaiters = this.#lostWaiters.filter((w) => this.#lost <= w.count);
    for (const w of due) w.resolve();
  }
}

// ---------------------------------------------------------------------------------------------
// The ingress under test, with hooks at each step of a request
// ---------------------------------------------------------------------------------------------

/** Where a request can be stopped: before its claim, its intend, its publish (after intend) or its complete. */
type Step = "claim" | "intend" | "publish" | "complete";
/** Called with the idempotency key of the store (`ingress:<scope>:<api key id>:<key>`) and the step's own argument (owner, intent, answer). */
type Hook = (step: Step, claimKey: string, marker: string) => Promise<void> | void;

const LOCAL_LIMITS = createMemoryStore().limits;

function hookedStore(inner: Store, hook: Hook, options: { renews?: boolean } = {}): Store {
  const idem = inner.idempotency;
  return {
    ...inner,
    // The rate limit's bucket in this process: these tests time Redis's loss against the idempotency
    // steps, and a limiter call queued behind a held restart would stand before the claim it studies.
    limits: LOCAL_LIMITS,
    idempotency: {
      ...idem,
      async claim(key, fingerprint, leaseMs, owner) {
        await hook("claim", key, owner ?? fingerprint);
        return idem.claim(key, fingerprint, leaseMs, owner);
      },
      // A dead process renews nothing.
      renew: options.renews === false ? async () => false : idem.renew,
      async intend(key, fingerprint, owner, intent, ttlMs) {
        await hook("intend", key, intent);
        const kept = await idem.intend(key, fingerprint, owner, intent, ttlMs);
        await hook("publish", key, intent);
        return kept;
      },
      async complete(key, fingerprint, response, ttlMs) {
        await hook("complete", key, response);
        return idem.complete(key, fingerprint, response, ttlMs);
      },
    },
  };
}

/** Handlers of the hooks, by the store key of one request. */
class Hooks {
  readonly #handlers = new Map<string, (step: Step, marker: string) => Promise<void> | void>();
  readonly hook: Hook = (step, claimKey, marker) => this.#handlers.get(claimKey)?.(step, marker);
  on(claimKey: string, handler: (step: Step, marker: string) => Promise<void> | void): void {
    this.#handlers.set(claimKey, handler);
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly retryAfter: string | null;
  readonly replayed: boolean;
  readonly body: Record<string, unknown>;
}

async function answerOf(response: Response): Promise<Answer> {
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    retryAfter: response.headers.get("retry-after"),
    replayed: response.headers.get("idempotent-replayed") === "true",
    body: JSON.parse(await response.text()) as Record<string, unknown>,
  };
}

const isInProgress = (a: Answer): boolean => a.status === 409 && a.body.title === "Request in progress";

/**
 * A client that honours Retry-After: asks again while the key is in progress, and checks that it
 * is never told to wait more than one lease. `first` is an answer already on its way.
 */
async function untilAnswered(send: () => Promise<Response>, first: Promise<Response> = send()): Promise<{ answers: Answer[]; final: Answer }> {
  const answers: Answer[] = [await answerOf(await first)];
  for (;;) {
    const last = answers[answers.length - 1] as Answer;
    if (!isInProgress(last)) return { answers, final: last };
    const wait = Number(last.retryAfter);
    expect(wait, "Retry-After of a request in progress").toBeGreaterThanOrEqual(1);
    expect(wait, "Retry-After of a request in progress").toBeLessThanOrEqual(LEASE_S);
    // One lease at most (plus the rounding up of Retry-After), counted in the server's own words.
    const told = answers.reduce((sum, a) => sum + (isInProgress(a) ? Number(a.retryAfter) : 0), 0);
    expect(told, "seconds a client honouring Retry-After is told to wait in all").toBeLessThanOrEqual(LEASE_S + 1);
    // What a client does with Retry-After: the wait is the server's, not a guess of the test's.
    await delay(wait * 1000);
    answers.push(await answerOf(await send()));
  }
}

const payer = { fullName: "Joao Santos", currency: "BRL", accountNumber: "0009795493", taxId: "39053344705" };
/** A payment request whose externalReference is its Idempotency-Key, so that its command can be found on the bus. */
const paymentBody = (key: string): string =>
  JSON.stringify({ method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.50", currency: "BRL" }, payer, externalReference: key });

interface Published {
  readonly type: string;
  readonly paymentId: string;
  readonly eventId: string;
  readonly externalReference: string | null;
}

describe("the ingress API across Redis restarts", () => {
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const broker = new MemoryBroker();
  const hooks = new Hooks();
  const logs: string[] = [];
  let redis: RedisServer;
  let cable: Cable;
  let store: Store;
  let app: App;
  let bus: Bus<RielTopics>;
  const parked: Array<() => void> = [];
  const prefix = `restart:${randomUUID()}:`;
  /** The Redis key the store keeps an idempotency record under (see libs/store/src/redis). */
  const storeKey = (claimKey: string): string => `${prefix}idem:${claimKey}`;

  beforeAll(async () => {
    redis = await RedisServer.start();
    cable = await Cable.open(redis.port);
    bus = createBus<RielTopics>({ transport: createMemoryTransport(broker), codec });
    await bus.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
    store = createRedisStore({ url: `redis://127.0.0.1:${cable.port}`, prefix });
    app = createIngressApp({ bus, store: hookedStore(store, hooks.hook), log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`), apiKeys: apiKey.keysFor(store) });
  });

  afterAll(async () => {
    for (const release of parked) release();
    await store?.close().catch(() => {});
    await bus?.close();
    await cable?.close();
    await redis?.remove();
  });

  const post = async (key: string, target: App = app): Promise<Response> =>
    target.request("/v1/payments", { method: "POST", body: paymentBody(key), headers: { "content-type": "application/json", "idempotency-key": key, authorization: apiKey.authorization } });

  async function published(): Promise<Published[]> {
    return Promise.all(
      broker
        .partitions(topics.paymentCommands.name)
        .flat()
        .map(async (raw) => {
          const decoded = await codec.decode(raw.topic, raw.value);
          const value = decoded.value as { envelope: { paymentId: string; eventId: string }; externalReference?: string };
          return { type: decoded.type, paymentId: value.envelope.paymentId, eventId: value.envelope.eventId, externalReference: value.externalReference ?? null };
        }),
    );
  }
  const commandsOf = async (key: string): Promise<Published[]> => (await published()).filter((p) => p.externalReference === key);

  /** Waits until the store answers again through ioredis (its reconnection loop may still be backing off). */
  async function storeAnswers(): Promise<void> {
    for (let i = 0; ; i++) {
      try {
        await store.idempotency.ttl("reconnected?");
        return;
      } catch (error) {
        // MaxRetriesPerRequestError while ioredis still backs off from the outage: ask again.
        if (i >= 20) throw error;
      }
    }
  }

  /** The fields of one idempotency record, read straight from Redis. */
  async function record(claimKey: string): Promise<Record<string, string>> {
    const flat = (await redis.cli("HGETALL", storeKey(claimKey))).split("\n").filter((_, i, all) => all.length > 1 || all[0] !== "");
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
    return fields;
  }

  /** Whether the step's command (marked by its own argument) has run in Redis. */
  async function ran(step: Step, claimKey: string, marker: string): Promise<boolean> {
    const r = await record(claimKey);
    switch (step) {
      case "claim":
        return r.o === marker;
      case "intend":
      case "publish":
        return r.i === marker;
      case "complete":
        return r.s === "done";
    }
  }

  /** After a "reply" trap sprang: waits for Redis to have run the command (its answer is lost), checked on Redis itself. */
  async function untilRan(step: Step, claimKey: string, marker: string): Promise<void> {
    let lost = cable.lost;
    while (!(await ran(step, claimKey, marker))) {
      await cable.lostMoreThan(lost);
      lost = cable.lost;
    }
  }

  /** A crash of Redis that the client rides through: connections wait while it restarts, then ioredis resends. */
  async function restartHeld(whileDown?: () => Promise<void>): Promise<void> {
    cable.hold();
    await redis.kill();
    await whileDown?.();
    await redis.start();
    cable.release();
  }

  describe("A: Redis restarts while a command of the request is outstanding; the client rides through", () => {
    const cases: Array<[Exclude<Step, "publish">, Loss]> = [
      ["claim", "reply"],
      ["claim", "request"],
      ["intend", "reply"],
      ["intend", "request"],
      ["complete", "reply"],
      ["complete", "request"],
    ];
    it.each(cases)("%s, %s lost: 202 once, one command, a retry gets the same answer", async (step, loss) => {
      const key = `a-${step}-${loss}-${randomUUID()}`;
      const claimKey = `ingress:payments:${apiKey.id}:${key}`;
      const crashed = deferred<Promise<void>>();
      const retryClaimed = deferred();
      let owner: string | null = null;
      let armed = false;
      let retry: Promise<Response> | undefined;
      hooks.on(claimKey, (s, marker) => {
        if (s === "claim") {
          if (owner === null) owner = marker;
          else retryClaimed.resolve();
        }
        if (s !== step || armed) return;
        armed = true;
        const sprung = cable.arm(marker, loss);
        crashed.resolve(
          sprung.then(async () => {
            if (loss === "reply") await untilRan(step, claimKey, marker);
            else expect(await ran(step, claimKey, marker), `${step} lost before Redis ran it`).toBe(false);
            await restartHeld(async () => {
              // Redis is down: what it acknowledged is on disk and comes back with it.
              // A retry of the same request arrives meanwhile; its claim waits in ioredis's queue.
              retry = post(key);
              await retryClaimed.promise;
            });
            if (loss === "reply") expect(await ran(step, claimKey, marker), `${step} survived the restart`).toBe(true);
          }),
        );
      });
      const first = post(key);
      await (await crashed.promise);
      const answer = await answerOf(await first);
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      expect(answer.body).toMatchObject({ status: "RECEIVED" });
      const paymentId = answer.body.paymentId as string;
      // The retry sent during the restart: in progress (against the first attempt, which was alive) or the replay.
      const again = await untilAnswered(() => post(key), retry);
      expect(again.final).toMatchObject({ status: 202, replayed: true, body: answer.body });
      for (const a of again.answers.slice(0, -1)) expect(isInProgress(a), JSON.stringify(a)).toBe(true);
      // The answer is stored (kept for a day, not a lease), so later retries replay it.
      expect(await store.idempotency.ttl(claimKey)).toBeGreaterThan(LEASE_S * 1000);
      const commands = await commandsOf(key);
      expect(commands.map((c) => [c.type, c.paymentId])).toEqual([["riel.commands.InitiatePayment", paymentId]]);
    });
  });

  describe("B: Redis stays down until ioredis gives up (maxRetriesPerRequest)", () => {
    const cases: Array<[Exclude<Step, "publish" | "complete">, Loss]> = [
      ["claim", "reply"],
      ["claim", "request"],
      ["intend", "reply"],
    ];
    it.each(cases)("%s, %s lost: 503 problem+json with nothing published; the retry waits one lease at most and gets 202, one command in all", async (step, loss) => {
      const key = `b-${step}-${loss}-${randomUUID()}`;
      const claimKey = `ingress:payments:${apiKey.id}:${key}`;
      let armed = false;
      const down = deferred<Promise<void>>();
      hooks.on(claimKey, (s, marker) => {
        if (s !== step || armed) return;
        armed = true;
        down.resolve(
          cable.arm(marker, loss).then(async () => {
            if (loss === "reply") await untilRan(step, claimKey, marker);
            cable.refuse();
            await redis.kill();
          }),
        );
      });
      const first = post(key);
      await (await down.promise);
      // Redis stays down until the ingress has answered: ioredis gives the command up, not the test.
      const failed = await answerOf(await first);
      expect(failed).toMatchObject({ status: 503, contentType: "application/problem+json", body: { title: "Service unavailable" } });
      expect(await commandsOf(key)).toEqual([]);
      await redis.start();
      await cable.listen();
      await storeAnswers();
      // Whatever the dead attempt left is leased for one lease at most (in Redis's clock), not 30 s.
      const lease = await store.idempotency.ttl(claimKey);
      if (lease !== null) expect(lease).toBeLessThanOrEqual(LEASE_S * 1000);
      const retry = await untilAnswered(() => post(key));
      expect(retry.final.status, JSON.stringify(retry.final.body)).toBe(202);
      const commands = await commandsOf(key);
      expect(commands.map((c) => c.paymentId)).toEqual([retry.final.body.paymentId]);
    });
  });

  describe("D: the claim that takes over a dead attempt's plan is answered, lost, and resent after a restart", () => {
    const confirm = async (target: App, paymentId: string, key: string): Promise<Response> =>
      target.request(`/v1/payments/${paymentId}/confirm`, { method: "POST", body: JSON.stringify({ decision: "REJECT" }), headers: { "content-type": "application/json", "idempotency-key": key, authorization: apiKey.authorization } });

    /** What the projector would write: the payment in `status`. */
    async function moveTo(paymentId: string, status: "CREATED" | "REJECTED"): Promise<void> {
      const found = await readPayment(store.projections, paymentId);
      if (!found) throw new Error(`no view of ${paymentId}`);
      const written = await writePayment(store.projections, { ...found.payment, view: withStatus(found.payment.view, status) }, found.version);
      expect(written.kind).toBe("WRITTEN");
    }

    it("finishes the recorded plan (202, the same command) instead of deciding again from a payment that moved on", async () => {
      // A payment the provider has previewed: CREATED, so it takes a REJECT.
      const created = await answerOf(await post(`d-create-${randomUUID()}`));
      expect(created.status).toBe(202);
      const paymentId = created.body.paymentId as string;
      await moveTo(paymentId, "CREATED");

      // The first attempt records its plan and publishes, then its process dies: it renews nothing and never answers.
      const key = `d-${randomUUID()}`;
      const claimKey = `ingress:confirm:${paymentId}:${apiKey.id}:${key}`;
      const dead = deferred();
      parked.push(() => dead.resolve());
      const publishedByDead = deferred();
      const deadBus: Bus<RielTopics> = {
        ...bus,
        async publish(topic, recordKey, record, headers) {
          await bus.publish(topic, recordKey, record, headers);
          publishedByDead.resolve();
          await dead.promise;
        },
      };
      const deadIngress = createIngressApp({ bus: deadBus, store: hookedStore(store, hooks.hook, { renews: false }), log: () => {}, apiKeys: apiKey.keysFor(store) });
      const neverAnswered = confirm(deadIngress, paymentId, key);
      await publishedByDead.promise;
      // The projector applies that REJECT: the payment has moved on, and takes no REJECT any more.
      await moveTo(paymentId, "REJECTED");
      // The dead attempt's lease lapses, in Redis's clock (what is left of it is at most one lease).
      for (let left = await store.idempotency.ttl(claimKey); left !== 0; left = await store.idempotency.ttl(claimKey)) {
        expect(left).not.toBeNull();
        expect(left).toBeLessThanOrEqual(LEASE_S * 1000);
        await delay(left ?? 0);
      }

      // The client retries. Its claim takes the key over (the answer carries the dead attempt's
      // plan), Redis dies before that answer reaches the ingress, and ioredis resends the claim.
      let armed = false;
      const crashed = deferred<Promise<void>>();
      hooks.on(claimKey, (step, marker) => {
        if (step !== "claim" || armed) return;
        armed = true;
        crashed.resolve(
          cable.arm(marker, "reply").then(async () => {
            await untilRan("claim", claimKey, marker);
            await restartHeld();
          }),
        );
      });
      const retry = confirm(app, paymentId, key);
      await (await crashed.promise);
      const answer = await answerOf(await retry);
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      expect(answer.body).toMatchObject({ paymentId, decision: "REJECT" });
      // The dead attempt's command, published again by the retry that finished its plan: the same event.
      const rejects = (await published()).filter((p) => p.paymentId === paymentId && p.type === "riel.commands.ConfirmPayment");
      expect(rejects).toHaveLength(2);
      expect(new Set(rejects.map((p) => p.eventId)).size).toBe(1);
      expect(logs.some((line) => line.startsWith("finished a request whose first attempt died") && line.includes(paymentId))).toBe(true);
      dead.resolve();
      expect((await neverAnswered).status).toBe(202);
    });
  });

  describe("C: several requests in flight, each at another step, when Redis restarts", () => {
    const STEPS: readonly Step[] = ["claim", "intend", "publish", "complete"];

    /**
     * Starts two requests per step, each stopped just before that step; when all are there, lets
     * them go with every answer from Redis lost, and waits until Redis has run the command each sent.
     */
    async function inFlight(tag: string): Promise<{ keys: string[]; answers: Array<Promise<Response>> }> {
      const keys = STEPS.flatMap((step) => [0, 1].map((i) => `c-${tag}-${step}-${i}-${randomUUID()}`));
      const gate = deferred();
      const arrived: Array<Promise<void>> = [];
      keys.forEach((key, n) => {
        const step = STEPS[Math.floor(n / 2)] as Step;
        const here = deferred();
        arrived.push(here.promise);
        hooks.on(`ingress:payments:${apiKey.id}:${key}`, async (s) => {
          if (s !== step) return;
          here.resolve();
          await gate.promise;
        });
      });
      parked.push(() => gate.resolve());
      const answers = keys.map((key) => post(key));
      await Promise.all(arrived);
      const before = await redis.evalCalls();
      cable.muteAll();
      gate.resolve();
      // Each request sends one script next (claim, intend, the first view after its publish, complete): all ran, no answer came back.
      let lost = cable.lost;
      while ((await redis.evalCalls()) < before + keys.length) {
        await cable.lostMoreThan(lost);
        lost = cable.lost;
      }
      return { keys, answers };
    }

    it("rides through a restart: every request 202 with exactly one command, none told 409", async () => {
      const { keys, answers } = await inFlight("held");
      await restartHeld();
      const got = await Promise.all(answers.map(async (a) => answerOf(await a)));
      const all = await published();
      for (const [i, key] of keys.entries()) {
        const answer = got[i] as Answer;
        expect(answer.status, `${key}: ${JSON.stringify(answer.body)}`).toBe(202);
        expect(all.filter((p) => p.externalReference === key).map((p) => p.paymentId), key).toEqual([answer.body.paymentId]);
      }
    });

    it("survives an outage: each 202 has exactly one command, each 503 none, and its retry completes it once", async () => {
      const { keys, answers } = await inFlight("down");
      cable.refuse();
      await redis.kill();
      cable.release();
      const got = await Promise.all(answers.map(async (a) => answerOf(await a)));
      // Every request has answered with Redis still down: nothing more can be published now.
      const atAnswer = await published();
      await redis.start();
      await cable.listen();
      await storeAnswers();
      for (const [i, key] of keys.entries()) {
        const answer = got[i] as Answer;
        const commands = atAnswer.filter((p) => p.externalReference === key);
        if (answer.status === 202) {
          expect(commands.map((p) => p.paymentId), key).toEqual([answer.body.paymentId]);
          continue;
        }
        expect(answer, key).toMatchObject({ status: 503, contentType: "application/problem+json" });
        expect(commands, `${key} answered 503 but its command was published`).toEqual([]);
      }
      // The 503s retried with the same key, all at once, as clients would: each completes once.
      const failed = keys.filter((_, i) => (got[i] as Answer).status !== 202);
      const retried = await Promise.all(failed.map((key) => untilAnswered(() => post(key))));
      const all = await published();
      for (const [i, key] of failed.entries()) {
        const retry = retried[i] as Awaited<ReturnType<typeof untilAnswered>>;
        expect(retry.final.status, `${key}: ${JSON.stringify(retry.final.body)}`).toBe(202);
        expect(all.filter((p) => p.externalReference === key).map((p) => p.paymentId), key).toEqual([retry.final.body.paymentId]);
      }
      // Every request asked once more, as a client that lost its answer would: the same 202, and never
      // another command. Where the answer could not be stored (Redis was gone after the publish), the
      // retry finishes the recorded plan: the same command again, with the same event id.
      const replays = await Promise.all(keys.map((key) => untilAnswered(() => post(key))));
      const after = await published();
      for (const [i, key] of keys.entries()) {
        const first = (got[i] as Answer).status === 202 ? (got[i] as Answer) : (retried[failed.indexOf(key)] as Awaited<ReturnType<typeof untilAnswered>>).final;
        expect((replays[i] as Awaited<ReturnType<typeof untilAnswered>>).final, key).toMatchObject({ status: 202, body: first.body });
        const commands = after.filter((p) => p.externalReference === key);
        expect(new Set(commands.map((p) => p.eventId)).size, key).toBe(1);
      }
    });
  });
});
