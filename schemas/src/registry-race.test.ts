// The registry codec's start() against a stand-in registry that answers the way Apicurio 2.4's
// ccompat API answers services that start together: a peer's write between our read and our
// write (409 "... already exists"), H2 lock timeouts (500), and no registry at all.
import type { AddressInfo } from "node:net";
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { parseDocuments } from "./catalog.js";
import { createRegistryCodec, SchemaRegistrationError } from "./codec.js";

const catalog = parseDocuments([
  { file: "thing.avsc", schema: { type: "record", name: "Thing", namespace: "t", fields: [{ name: "a", type: "string" }] } },
]);
const topics = [{ name: "t.things.v1", records: ["t.Thing"], doc: "" }];
const SUBJECT = "t.things.v1-t.Thing";
const fast = { attempts: 4, initialDelayMs: 1, maxDelayMs: 2 };

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

/** Answers a request before the registry's own state does; `peer` acts as another process would. */
type Interpose = (request: { method: string; path: string; seen: number }, peer: FakeState) => Reply | undefined;

class FakeState {
  readonly configs = new Map<string, string>();
  readonly versions = new Map<string, string[]>();
  readonly contentIds = new Map<string, number>();

  register(subject: string, schema: string): number {
    const id = this.contentIds.get(schema) ?? this.contentIds.size + 41;
    this.contentIds.set(schema, id);
    const list = this.versions.get(subject) ?? [];
    if (!list.includes(schema)) list.push(schema);
    this.versions.set(subject, list);
    return id;
  }
}

const notFound = (subject: string): Reply => ({ status: 404, body: { message: `No artifact with ID '${subject}' in group 'null' was found.`, error_code: 40401 } });

function answer(state: FakeState, method: string, path: string, body: { schema?: string; compatibility?: string }): Reply {
  const config = /^\/config\/([^/]+)$/.exec(path);
  const lookup = /^\/subjects\/([^/]+)$/.exec(path);
  const register = /^\/subjects\/([^/]+)\/versions$/.exec(path);
  if (config) {
    const subject = decodeURIComponent(config[1] as string);
    if (method === "PUT") {
      state.configs.set(subject, body.compatibility ?? "");
      return { status: 200, body: { compatibility: body.compatibility } };
    }
    const level = state.configs.get(subject) ?? (state.versions.has(subject) ? "NONE" : undefined);
    return level ? { status: 200, body: { compatibilityLevel: level } } : notFound(subject);
  }
  if (lookup && method === "POST") {
    const subject = decodeURIComponent(lookup[1] as string);
    const version = state.versions.get(subject)?.indexOf(body.schema ?? "") ?? -1;
    if (version < 0) return notFound(subject);
    return { status: 200, body: { id: state.contentIds.get(body.schema ?? ""), subject, version: version + 1, schema: body.schema } };
  }
  if (register && method === "POST") return { status: 200, body: { id: state.register(decodeURIComponent(register[1] as string), body.schema ?? "") } };
  return { status: 404, body: { message: `no route ${method} ${path}`, error_code: 404 } };
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of servers.splice(0)) await close();
});

async function fakeRegistry(interpose: Interpose = () => undefined): Promise<{ url: string; state: FakeState; requests: string[] }> {
  const state = new FakeState();
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const method = req.method ?? "GET";
      const path = (req.url ?? "/").replace(/^\/apis\/ccompat\/v7/, "");
      const key = `${method} ${path.split(encodeURIComponent(SUBJECT)).join("{subject}")}`;
      requests.push(key);
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString()) as { schema?: string; compatibility?: string }) : {};
      const seen = requests.filter((r) => r === key).length;
      const reply = interpose({ method, path, seen }, state) ?? answer(state, method, path, body);
      res.writeHead(reply.status, { "content-type": "application/vnd.schemaregistry.v1+json" }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/apis/ccompat/v7`, state, requests };
}

async function idInRecords(url: string, retry = fast): Promise<number> {
  const codec = createRegistryCodec({ url, catalog, topics, retry });
  await codec.start();
  return (await codec.encode("t.things.v1", "t.Thing", { a: "x" })).readInt32BE(1);
}

describe("registry codec start() with peers starting at the same moment", () => {
  it("registers a new subject under BACKWARD", async () => {
    const registry = await fakeRegistry();
    expect(await idInRecords(registry.url)).toBe(41);
    expect(registry.state.configs.get(SUBJECT)).toBe("BACKWARD");
  });

  it("writes nothing when the registry already holds the subject, as for a restarted service", async () => {
    const registry = await fakeRegistry();
    const id = await idInRecords(registry.url);
    registry.requests.length = 0;
    expect(await idInRecords(registry.url)).toBe(id);
    expect(registry.requests).toEqual(["GET /config/{subject}", "POST /subjects/{subject}"]);
  });

  it("writes only under the shared lock, and takes no lock when there is nothing to write", async () => {
    const registry = await fakeRegistry();
    const locked: string[] = [];
    const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
      locked.push("enter");
      const before = registry.requests.length;
      const result = await work();
      locked.push(...registry.requests.slice(before));
      return result;
    };
    const fresh = createRegistryCodec({ url: registry.url, catalog, topics, retry: fast, exclusive });
    await fresh.start();
    // Every write happened inside the lock.
    expect(locked[0]).toBe("enter");
    expect(locked).toContain("PUT /config/{subject}");
    expect(locked).toContain("POST /subjects/{subject}/versions");
    locked.length = 0;
    await createRegistryCodec({ url: registry.url, catalog, topics, retry: fast, exclusive }).start();
    expect(locked).toEqual([]);
  });

  it("takes a peer's compatibility rule, created between its read and its write, for its own", async () => {
    const registry = await fakeRegistry(({ method, path, seen }, peer) => {
      if (method !== "PUT" || !path.startsWith("/config/") || seen > 1) return undefined;
      peer.configs.set(SUBJECT, "BACKWARD");
      return { status: 409, body: { message: "A rule named 'COMPATIBILITY' already exists.", error_code: 0 } };
    });
    expect(await idInRecords(registry.url)).toBe(41);
  });

  it("uses the id of a peer that registered the same schema between its lookup and its register", async () => {
    const registry = await fakeRegistry(({ method, path, seen }, peer) => {
      if (method !== "POST" || !path.endsWith("/versions") || seen > 1) return undefined;
      // Another schema first, so the peer's id differs from the one this process would have got.
      peer.register("t.other-value", "{}");
      peer.register(SUBJECT, JSON.stringify(catalog.get("t.Thing")?.schema({ exportAttrs: true })));
      return { status: 409, body: { message: `An artifact with ID '${SUBJECT}' in group 'null' already exists.`, error_code: 409 } };
    });
    expect(await idInRecords(registry.url)).toBe(42);
    expect(registry.requests.filter((r) => r === "POST /subjects/{subject}/versions")).toHaveLength(1);
  });

  it("rides out H2 lock timeouts", async () => {
    const registry = await fakeRegistry(({ method, path, seen }) =>
      method === "POST" && path.endsWith("/versions") && seen <= 2
        ? { status: 500, body: { message: "org.h2.jdbc.JdbcSQLTimeoutException: Timeout trying to lock table {0}", error_code: 500 } }
        : undefined,
    );
    expect(await idInRecords(registry.url)).toBe(41);
  });

  it("fails at once, naming the subject, when the registry refuses the schema as incompatible", async () => {
    const registry = await fakeRegistry(({ method, path }) =>
      method === "POST" && path.endsWith("/versions") ? { status: 409, body: { message: `Incompatible artifact: ${SUBJECT} [AVRO]`, error_code: 0 } } : undefined,
    );
    const failure = idInRecords(registry.url);
    await expect(failure).rejects.toBeInstanceOf(SchemaRegistrationError);
    await expect(failure).rejects.toThrow(`subject ${SUBJECT}: refused the schema: HTTP 409 Incompatible artifact`);
    expect(registry.requests.filter((r) => r === "POST /subjects/{subject}/versions")).toHaveLength(1);
  });

  it("gives up after its attempts, naming the subject, when the registry stays busy", async () => {
    const registry = await fakeRegistry(() => ({ status: 503, body: { message: "starting", error_code: 50301 } }));
    await expect(idInRecords(registry.url)).rejects.toThrow(`subject ${SUBJECT}: gave up after 4 attempts`);
    expect(registry.requests).toHaveLength(4);
  });

  it("gives up after its attempts, naming the subject, when nothing listens", async () => {
    const registry = await fakeRegistry();
    const url = registry.url;
    for (const close of servers.splice(0)) await close();
    await expect(idInRecords(url)).rejects.toThrow(new RegExp(`subject ${SUBJECT.replace(/\./g, "\\.")}: gave up after 4 attempts .*ECONNREFUSED`));
  });
});
