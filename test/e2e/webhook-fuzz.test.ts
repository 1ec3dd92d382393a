// Hostile input at the webhook receiver, property-based (fast-check, seeded and bounded): forged
// and mangled tokens, garbage, huge, deep and unicode-trick bodies behind a valid token, wrong
// content types, every provider route and odd paths, the providers' documented callbacks
// replayed, bodies over the limit with and without a length, and bytes no HTTP client would send.
// Whatever comes: no 5xx, no crash, nothing published unless the URL's token verifies and the
// provider's module reads the body into reports, and a 2xx only with the provider's acknowledgement.
//
// The receiver runs as every deployment runs it (its SERVICES entry: the real provider modules
// from the registry), on a real socket, over the in-memory bus. It lives here rather than beside
// the receiver because the receiver's own files may not know a provider (test/architecture.test.ts),
// and the providers' documented callbacks below are provider knowledge.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryBroker } from "@riel/bus";
import type { SharedSettings } from "@riel/embedded";
import { SERVICES } from "@riel/embedded";
import { callbackUrl } from "@riel/provider-port";
import type { Infra } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import type { ProviderReported } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";

const SEED = 14_2026;
const SECRET = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f";
const LIMIT = 64 * 1024;
/** Cases per kind: bounded, so the whole file runs in seconds. */
const RUNS = { forged: 300, body: 600, contentType: 150, routes: 600, replay: 100, oversized: 40 } as const;

/**
 * The providers' callbacks as their documents give them (shared/provider-docs), with our payment id
 * as the reference. `valid: false` marks the two examples that are not JSON as printed (gap 6): the
 * sandbox sends valid JSON, and a body that is not JSON is refused.
 */
interface Documented {
  readonly name: string;
  readonly valid: boolean;
  body(ref: string): string;
}
const q = (ref: string): string => JSON.stringify(ref);
const depayStatus = (status: string, paymentDate: string, merchant: string, error: string) => (ref: string) =>
  `{"order_id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce","external_reference":${q(ref)},"external_reference_id":${q(ref)},"status":"${status}","date":"2025-05-30T11:14:25.115Z","payment_date":${paymentDate},"merchant_identification_number":"${merchant}","merchant_name":"MERCHANT01","error_code":${error}}`;
const depayRefund = (status: string, amount: string) => (ref: string) =>
  `{"order_id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce","external_reference":${q(ref)},"status":"${status}","date":"2025-05-26T15:30:56.842Z","payment_date":"2025-05-26T15:30:56.842Z","merchant_identification_number":"321664897","merchant_name":"Depay","error_code":null,"amount":${amount},"currency":"BRL"}`;
const DOCUMENTED: Readonly<Record<string, readonly Documented[]>> = {
  depay: [
    {
      name: "Pix preview (depay-brazil-pix-dict-key.txt)",
      valid: true,
      body: (ref) =>
        `{\n    "payment_type":"DICT_KEY",\n    "external_reference":${q(ref)},\n    "collector":\n    {\n        "name":"DEPAY MARKET",\n        "identification_number":"20314691769",\n        "branch_office":""\n    },\n    "order":\n    {\n        "id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce",\n        "status":"CREATED",\n        "local_total_amount":22,\n        "local_currency":"BRL",\n        "user_total_amount":366,\n        "user_currency":"ARS"\n    },\n    "version":"2.0"\n}`,
    },
    { name: "status PROCESSING", valid: true, body: depayStatus("PROCESSING", "null", "11111111111", "null") },
    { name: "status CANCELED", valid: true, body: depayStatus("CANCELED", "null", "111111111", '"Order expired"') },
    { name: "status REJECTED", valid: true, body: depayStatus("REJECTED", "null", "20322678275", '"VENCIDO | 0200 - AVISO ENVIADO"') },
    { name: "status FAILED", valid: true, body: depayStatus("FAILED", "null", "111111111111", '"ACCOUNT_BLOCKED The specified account is blocked."') },
    { name: "status COMPLETED", valid: true, body: depayStatus("COMPLETED", '"2025-05-30T11:14:25.115Z"', "20322678275", "null") },
    { name: "refund REFUNDED", valid: true, body: depayRefund("REFUNDED", "0.2") },
    { name: "refund PARTIALLY_REFUNDED", valid: true, body: depayRefund("PARTIALLY_REFUNDED", "0.1") },
    {
      name: "QR closed-amount preview (depay-qr-code.txt)",
      valid: true,
      body: (ref) =>
        `{\n    "payment_type":"QR_CODE",\n    "external_reference": ${q(ref)},    \n    "collector": {\n        "name": "DEPAY MARKET",\n        "identification_number": "20314691769",\n        "branch_office": ""\n    },\n    "order": { \n        "id": "cd17fff7-ed31-47b7-948f-9fdec0cda9ce",\n        "status":"CREATED",\n        "local_total_amount": 22,\n        "local_currency": "BRL",\n        "user_total_amount": 3669,\n        "user_currency": "ARS"\n    },\n    "qr_type":"closed_amount",\n    "version":"2.0"\n}`,
    },
    {
      name: "QR open-amount preview, as printed (trailing comma)",
      valid: false,
      body: (ref) =>
        `{\n    "order_id": "cd17fff7-ed31-47b7-948f-9fdec0cda9ce",\n    "order_status": "WAITING_AMOUNT",\n    "local_currency": "ARS",\n    "status": "OK",\n    "external_reference": ${q(ref)},\n    "collector": {\n        "name": "DEPAY MARKET",\n        "identification_number": "20314691769",\n        "branch_office": ""\n    },\n}`,
    },
    {
      name: "QR open-amount preview, the comma left out",
      valid: true,
      body: (ref) =>
        `{"order_id":"cd17fff7-ed31-47b7-948f-9fdec0cda9ce","order_status":"WAITING_AMOUNT","local_currency":"ARS","status":"OK","external_reference":${q(ref)},"collector":{"name":"DEPAY MARKET","identification_number":"20314691769","branch_office":""}}`,
    },
    {
      name: "QR send-amount preview, as printed (a comma missing)",
      valid: false,
      body: (ref) =>
        `{\n    "payment_type":"QR_CODE",\n    "external_reference": ${q(ref)},\n    "order": {\n        "id": "cd17fff7-ed31-47b7-948f-9fdec0cda9ce",\n        "status":"CREATED",\n        "local_total_amount": 22,\n        "local_currency": "BRL",\n        "user_total_amount": 3669,\n        "user_currency": "ARS"\n    }\n    "qr_type":"open_amount",\n    "version":"2.0"\n}`,
    },
  ],
  tumipay: [
    {
      name: "IPN with the supplement's example values (tumipay-webhooks-and-lookup.md)",
      valid: true,
      body: (ref) =>
        `{"top_status":"APPROVED","top_ticket":"8BNsCFva1NKPqy2","top_reference":${q(ref)},"top_amount":20000,"top_currency":"COP","top_payment_method":"RECAUDO","top_bank_name":"BANCOLOMBIA","top_response_message":"Transacción exitosa","top_user":{"legal_doc_type":"CC","legal_doc":"1020304050","phone_code":"57","phone_number":"3001234567","email":"johndoe@email.com","full_name":"John Doe"},"top_user_email":"johndoe@email.com","top_user_phone":"3001234567","top_extra_params1":""}`,
    },
    ...["CREATED", "PENDING", "REJECTED", "DECLINED", "EXPIRED"].map(
      (status): Documented => ({
        name: `Peru card IPN ${status}`,
        valid: true,
        body: (ref) =>
          `{"top_status":"${status}","top_ticket":"3f7a9b2c-1d4e-5f6a-7b8c-9d0e1f2a3b4c","top_reference":${q(ref)},"top_amount":1.50,"top_currency":"PEN","top_payment_method":"CARD","top_bank_name":"INTERBANK","top_response_message":"Transacción rechazada por la entidad financiera","top_user":{"legal_doc_type":"DNI","legal_doc":12345678,"phone_code":"51","phone_number":987654321,"email":"johndoe@email.com","full_name":"John Doe"},"top_card":{"bank":"INTERBANK","bin":"411111","country":"PE","lastFourDigits":"1111","type":"credit","brand":"VISA"},"top_user_email":"johndoe@email.com","top_user_phone":"987654321","top_extra_params1":""}`,
      }),
    ),
  ],
};

/** Characters that fool eyes and parsers: zero-width, bidi overrides, NUL, lone surrogates, look-alikes, path tricks. */
const TRICKS = ["\u200b", "\u202e", "\ufeff", "\u0000", "\ud800", "\udfff", "１", "𝟗", "Ａ", "ı", "é", "é", "\u2028", "💸", "%00", "../", "\\", '"', "<script>", "${x}", "\r\n"];
const trickString = fc.array(fc.oneof(fc.constantFrom(...TRICKS), fc.string({ maxLength: 6 }), fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 10 }).map((parts) => parts.join(""));
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  trickString,
  fc.constantFrom(1e308, -0, 0.1, 1e-7, 2 ** 53 + 1, "0.2", "1e3", "-1.00", "NaN", null, true, [], {}, "COMPLETED", "APPROVED", "completed"),
);

/** Percent-encodes every byte of the text's UTF-8. */
const encodeBytes = (text: string): string => [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

interface Answer {
  readonly status: number;
  readonly contentType: string | null;
  readonly text: string;
}

interface Outgoing {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent with a Content-Length. */
  readonly body?: string | Buffer;
  /** Sent chunked, without a Content-Length. */
  readonly chunks?: readonly Buffer[];
}

/** One request on its own connection, path and bytes exactly as given. A connection the server drops before answering is "reset". */
function send(base: URL, out: Outgoing): Promise<Answer | "reset"> {
  return new Promise((resolve) => {
    let answered = false;
    // A body always goes with its length or chunked: Node sends a GET's body unframed otherwise.
    const length = out.body === undefined ? {} : { "content-length": String(Buffer.byteLength(out.body)) };
    const req = request({ host: base.hostname, port: base.port, method: out.method, path: out.path, headers: { ...length, ...out.headers }, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (chunk: Buffer) => parts.push(chunk));
      const done = (): void => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? null, text: Buffer.concat(parts).toString("utf8") });
      res.on("end", done);
      res.on("error", done);
    });
    // After an answer, a write into a closed connection (a 413 before the whole body) is no news.
    req.on("error", () => {
      if (!answered) resolve("reset");
    });
    if (out.chunks) {
      for (const chunk of out.chunks) req.write(chunk);
      req.end();
    } else {
      req.end(out.body);
    }
  });
}

/** Raw bytes on a socket, for what no HTTP client sends (lying lengths, broken chunking); the status of every answer that came back. */
function sendRaw(base: URL, bytes: Buffer, halfClose: boolean): Promise<number[]> {
  return new Promise((resolve) => {
    const socket = connect({ host: base.hostname, port: Number(base.port), allowHalfOpen: true });
    const parts: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => parts.push(chunk));
    const done = (): void => resolve([...Buffer.concat(parts).toString("latin1").matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1])));
    socket.on("close", done);
    socket.on("error", () => socket.destroy());
    socket.on("end", () => socket.end());
    socket.write(bytes, () => {
      if (halfClose) socket.end();
    });
  });
}

interface Receiver {
  readonly base: URL;
  /** Each provider's name and the acknowledgement it gets, as the receiver's OpenAPI document says. */
  readonly acknowledgements: ReadonlyMap<string, unknown>;
  readonly logged: readonly string[];
  /** When reconciliation is to ask `provider` about the payment, or null. */
  dueAt(provider: string, paymentId: string): Promise<number | null>;
  count(): number;
  /** Provider events published from the `from`th on, decoded. */
  published(from: number): Promise<Array<{ key: string; value: ProviderReported }>>;
  stop(): Promise<void>;
}

/** The receiver as deployments start it (its SERVICES entry), on a free port, over the in-memory bus. */
async function startReceiver(): Promise<Receiver> {
  const broker = new MemoryBroker();
  const logged: string[] = [];
  const store = createMemoryStore();
  const infra: Infra = await connectInfra({ kind: "embedded", broker, store, partitions: 1 }, `webhook-fuzz-${randomUUID()}`, () => {});
  const def = SERVICES.find((s) => s.name === "webhook-receiver");
  if (!def) throw new Error("no webhook-receiver in SERVICES");
  const shared: SharedSettings = { sandboxToken: "unused", webhookSecret: SECRET, apiKey: "unused", sandboxCallbackDelayMs: 0, urls: {} };
  const started = await def.start(infra, shared, { port: 0, log: (message) => logged.push(message) });
  const base = new URL(started.url ?? "");
  const doc = JSON.parse(await (await fetch(new URL("/openapi.json", base))).text()) as {
    paths: Record<string, { post?: { responses: Record<string, { content?: Record<string, { example?: unknown }> }> } }>;
  };
  const acknowledgements = new Map<string, unknown>();
  for (const [path, item] of Object.entries(doc.paths)) {
    const name = /^\/webhooks\/([^/]+)\/\{paymentId\}\/\{token\}$/.exec(path)?.[1];
    if (name) acknowledgements.set(name, item.post?.responses["200"]?.content?.["application/json"]?.example);
  }
  const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
  const records = () => broker.partitions(topics.providerEvents.name).flat();
  return {
    base,
    acknowledgements,
    logged,
    dueAt: (provider, paymentId) => store.due.dueAt(provider, paymentId),
    count: () => records().length,
    published: (from) =>
      Promise.all(
        records()
          .slice(from)
          .map(async (r) => ({ key: r.key, value: (await codec.decode(r.topic, r.value)).value as ProviderReported })),
      ),
    async stop() {
      await started.stop();
      await infra.close();
    },
  };
}

/** The path of a payment's callback URL as Riel hands it to the provider. */
const validPath = (provider: string, paymentId: string): string => new URL(callbackUrl("http://riel.invalid", provider, paymentId, SECRET)).pathname;
const segments = (path: string): string[] =>
  path
    .replace(/\?.*$/s, "")
    .split("/")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
const sameRoute = (a: string, b: string): boolean => JSON.stringify(segments(a)) === JSON.stringify(segments(b));

describe("hostile input at the webhook receiver", () => {
  let receiver: Receiver;
  let providers: string[];
  const tallies = new Map<string, Map<string, number>>();
  const tally = (kind: string, outcome: string): void => {
    const byOutcome = tallies.get(kind) ?? new Map<string, number>();
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    tallies.set(kind, byOutcome);
  };
  const started = Date.now();

  beforeAll(async () => {
    receiver = await startReceiver();
    providers = [...receiver.acknowledgements.keys()];
  });
  afterAll(async () => {
    await receiver?.stop();
    const lines = [...tallies].map(([kind, byOutcome]) => {
      const total = [...byOutcome.values()].reduce((a, b) => a + b, 0);
      const parts = [...byOutcome].sort(([a], [b]) => (a < b ? -1 : 1)).map(([o, n]) => `${o}×${n}`);
      return `  ${kind}: ${total} requests (${parts.join(", ")})`;
    });
    console.log(`webhook receiver fuzz (seed ${SEED}, ${Date.now() - started} ms, ${receiver?.count() ?? 0} provider events published):\n${lines.join("\n")}`);
  });

  /**
   * Sends one request and checks what holds for every request: an answer below 500, no handler
   * failure logged, problem+json on a refusal with nothing published, and a 2xx only for a
   * provider's callback URL, answered with that provider's acknowledgement, having published
   * that provider's reports about that payment and nothing else. Returns the answer and what it published.
   */
  async function exchange(kind: string, out: Outgoing): Promise<{ answer: Answer | "reset"; published: Array<{ key: string; value: ProviderReported }> }> {
    const before = receiver.count();
    const failures = receiver.logged.filter((m) => m === "callback not taken").length;
    const answer = await send(receiver.base, out);
    const published = await receiver.published(before);
    const label = `${kind}: ${out.method} ${out.path.slice(0, 200)}`;
    tally(kind, answer === "reset" ? "reset" : String(answer.status));
    expect(receiver.logged.filter((m) => m === "callback not taken").length, `${label} failed inside the receiver`).toBe(failures);
    if (answer === "reset") {
      expect(published, `${label} was dropped but published`).toEqual([]);
      return { answer, published };
    }
    expect(answer.status, `${label} answered ${answer.status}: ${answer.text.slice(0, 300)}`).toBeLessThan(500);
    if (answer.status >= 300) {
      expect(published, `${label} answered ${answer.status} but published`).toEqual([]);
      if (out.method !== "HEAD" && answer.status !== 431) {
        expect(answer.contentType, label).toBe("application/problem+json");
        expect(JSON.parse(answer.text)).toMatchObject({ status: answer.status, title: expect.any(String) });
      }
      return { answer, published };
    }
    // Taken: only at a callback URL Riel made, with the provider's acknowledgement, and what it published is about that payment.
    const [, , provider = "", paymentId = ""] = segments(out.path);
    expect(out.method, label).toBe("POST");
    expect(sameRoute(out.path, validPath(provider, paymentId)), `${label} was taken without its payment's token`).toBe(true);
    expect(answer.status, label).toBe(200);
    expect(JSON.parse(answer.text), label).toEqual(receiver.acknowledgements.get(provider));
    expect(published.length, `${label} was acknowledged but published nothing`).toBeGreaterThan(0);
    for (const r of published) {
      expect(r.key).toBe(paymentId);
      expect(r.value).toMatchObject({ provider, source: "PROVIDER_CALLBACK", envelope: { paymentId } });
    }
    return { answer, published };
  }

  const provider = (): fc.Arbitrary<string> => fc.constantFrom(...providers);
  const paymentId = fc.oneof({ weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,100}$/) });
  const documented = (name: string, onlyValid = true): fc.Arbitrary<Documented> => {
    const list = (DOCUMENTED[name] ?? []).filter((d) => d.valid || !onlyValid);
    return fc.constantFrom(...list);
  };
  const json = { "content-type": "application/json" };

  it("knows the documented callbacks of every provider the receiver serves", () => {
    expect(providers.length).toBeGreaterThan(1);
    for (const name of providers) expect(DOCUMENTED[name]?.filter((d) => d.valid).length ?? 0, `documented callbacks of ${name}`).toBeGreaterThan(0);
  });

  it("refuses a forged, mangled or borrowed token with 401 or 404, whatever the body, and publishes nothing", async () => {
    const forged = fc
      .record({ provider: provider(), paymentId, other: paymentId, how: fc.nat(7), junk: fc.oneof(fc.base64String({ maxLength: 100 }), trickString, fc.string({ maxLength: 200 })), at: fc.nat(), flip: fc.nat(63) })
      .filter((c) => c.other !== c.paymentId)
      .chain((c) => documented(c.provider).map((doc) => ({ ...c, doc })));
    await fc.assert(
      fc.asyncProperty(forged, async (c) => {
        const good = validPath(c.provider, c.paymentId);
        const [prefix, token] = [good.slice(0, good.lastIndexOf("/") + 1), good.slice(good.lastIndexOf("/") + 1)];
        const otherProvider = providers.find((p) => p !== c.provider) ?? "nobody";
        const flipAt = c.at % Math.max(token.length, 1);
        const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        const flipped = token.slice(0, flipAt) + alphabet.replace(token[flipAt] ?? "", "")[c.flip % 63] + token.slice(flipAt + 1);
        const path = [
          prefix + encodeBytes(c.junk), // made up
          prefix + token.slice(0, flipAt), // cut short
          prefix + token + "A", // one too long
          prefix + flipped, // one character changed
          prefix + validPath(c.provider, c.other).split("/").pop(), // another payment's
          validPath(otherProvider, c.paymentId).replace(`/${otherProvider}/`, `/${c.provider}/`), // another provider's
          prefix + new URL(callbackUrl("http://x", c.provider, c.paymentId, `${SECRET}x`)).pathname.split("/").pop(), // another secret's
          prefix + token.toLowerCase(), // case folded
        ][c.how] as string;
        // Unless mangling left the token as it was (a token with no letters to fold), it must not be taken.
        if (sameRoute(path, good)) return;
        const { answer } = await exchange("forged token", { method: "POST", path, headers: json, body: c.doc.body(c.paymentId) });
        expect(answer !== "reset" && [401, 404].includes(answer.status), `${path}: ${answer === "reset" ? "reset" : answer.status}`).toBe(true);
        // Not trusted, but perhaps true: the payment is due for a check with its provider, which never takes the body's word.
        if (answer !== "reset" && answer.status === 401) expect(await receiver.dueAt(c.provider, c.paymentId), path).not.toBeNull();
      }),
      { numRuns: RUNS.forged, seed: SEED, endOnFailure: true },
    );
  }, 60_000);

  it("answers a valid token with garbage, huge, deep or unicode-trick bodies below 500, and publishes only what a provider's module read", async () => {
    /** A documented callback with one field, anywhere in it, replaced, removed or added. */
    const mutated = (name: string, id: string): fc.Arbitrary<string> =>
      fc.tuple(documented(name), fc.nat(), anyValue, fc.constantFrom("replace", "remove", "add")).map(([doc, pick, value, how]) => {
        const copy = JSON.parse(doc.body(id)) as Record<string, unknown>;
        const paths: Array<[Record<string, unknown>, string]> = [];
        const walk = (node: Record<string, unknown>): void => {
          for (const [k, v] of Object.entries(node)) {
            paths.push([node, k]);
            if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>);
          }
        };
        walk(copy);
        const [node, key] = paths[pick % paths.length] ?? [copy, "status"];
        if (how === "remove") delete node[key];
        else if (how === "add") node[`${key}_x`] = value;
        else node[key] = value;
        return JSON.stringify(copy);
      });
    const body = (name: string, id: string): fc.Arbitrary<string> =>
      fc.oneof(
        { weight: 5, arbitrary: mutated(name, id) },
        { weight: 1, arbitrary: documented(name).map((d) => d.body(id)) },
        { weight: 1, arbitrary: fc.tuple(documented(name), paymentId).map(([d, other]) => d.body(other)) },
        { weight: 2, arbitrary: anyValue.map((v) => JSON.stringify(v) ?? "null") },
        { weight: 2, arbitrary: fc.oneof(fc.string(), fc.string({ unit: "binary" }), trickString) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            "",
            "{",
            "[1,]",
            "{'a':1}",
            '{"a":1}{"b":2}',
            "\u0000",
            "null",
            "1e999999",
            `${"9".repeat(70)}.5`,
            `{"status":-}`,
            '{"__proto__":{"status":"COMPLETED"}}',
            '{"constructor":{"prototype":{"status":"COMPLETED"}}}',
            `\ufeff${JSON.stringify({ a: 1 })}`,
          ),
        },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: LIMIT / 2 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: LIMIT / 8 }).map((n) => `${'{"order":'.repeat(n)}{}${"}".repeat(n)}`) },
        { weight: 1, arbitrary: fc.tuple(documented(name), fc.integer({ min: 1, max: LIMIT - 1_000 })).map(([d, n]) => d.body(id).replace(/^\{/, `{"pad":"${"x".repeat(n)}",`)) },
      );
    const hostile = fc.tuple(provider(), paymentId).chain(([p, id]) => body(p, id).map((text) => ({ provider: p, paymentId: id, text })));
    await fc.assert(
      fc.asyncProperty(hostile, async (c) => {
        const { answer, published } = await exchange("hostile body", { method: "POST", path: validPath(c.provider, c.paymentId), headers: json, body: c.text });
        if (answer !== "reset" && answer.status === 400) expect((JSON.parse(answer.text) as { errors?: unknown[] }).errors?.length ?? 0).toBeGreaterThan(0);
        if (answer !== "reset" && answer.status === 200) expect(published.length).toBeGreaterThan(0);
      }),
      { numRuns: RUNS.body, seed: SEED + 1, endOnFailure: true },
    );
    expect(tallies.get("hostile body")?.get("200") ?? 0, "some bodies must get through, or the fuzz tests only the door").toBeGreaterThan(0);
  }, 60_000);

  it("decides by the body, not the content type: a documented callback is taken under any, a form or UTF-16 body is refused", async () => {
    const contentType = fc.oneof(
      fc.constantFrom(undefined, "application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml", "", "*/*", "application/json, text/html"),
      fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    const cases = fc.record({ provider: provider(), paymentId, type: contentType, encoding: fc.constantFrom("as documented", "form", "utf-16le") }).chain((c) => documented(c.provider).map((doc) => ({ ...c, doc })));
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const text = c.doc.body(c.paymentId);
        const body =
          c.encoding === "form"
            ? new URLSearchParams(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([k, v]): [string, string] => [k, typeof v === "string" ? v : JSON.stringify(v)])).toString()
            : c.encoding === "utf-16le"
              ? Buffer.from(`\ufeff${text}`, "utf16le")
              : text;
        const headers: Record<string, string> = c.type === undefined ? {} : { "content-type": c.type };
        const { answer } = await exchange("content type", { method: "POST", path: validPath(c.provider, c.paymentId), headers, body });
        expect(answer === "reset" ? "reset" : answer.status, `${c.encoding} as ${String(c.type)}`).toBe(c.encoding === "as documented" ? 200 : 400);
      }),
      { numRuns: RUNS.contentType, seed: SEED + 2, endOnFailure: true },
    );
  }, 60_000);

  it("takes a callback only at a provider's callback URL: other methods, unknown providers, odd, encoded and very long segments are refused below 500", async () => {
    const oddName = fc.oneof(
      fc.constantFrom("", ".", "..", "%2e%2e", "%2E", "nobody", "DEPAY", "Depay", "depay%00", "depay%2F..", "tumipay%20", "__proto__", "constructor", "openapi.json", "%", "%zz", "%C3%28", "%FF"),
      fc.string({ minLength: 1, maxLength: 30 }).map(encodeBytes),
      trickString.filter((s) => s.length > 0).map(encodeBytes),
    );
    const oddId = fc.oneof(
      fc.constantFrom("..", "%2e%2e", "%2F", "a%2Fb", "%00", "%", "%zz", "%C3%28", "%FF%FE", "null", "__proto__"),
      fc.integer({ min: 101, max: 20_000 }).map((n) => "x".repeat(n)),
      trickString.filter((s) => s.length > 0).map(encodeBytes),
    );
    type Route = { readonly method: string; readonly path: string; readonly provider: string; readonly paymentId: string; readonly expect: "taken" | "refused" | "either" };
    const known = fc.record({ provider: provider(), paymentId });
    const route: fc.Arbitrary<Route> = fc.oneof(
      // Riel's own URL, sent as given or encoded differently: taken.
      fc.tuple(known, fc.constantFrom("as given", "query", "every byte of the id encoded", "lower-case escapes")).map(([k, how]): Route => {
        const path = validPath(k.provider, k.paymentId);
        const parts = path.split("/");
        const variant =
          how === "query"
            ? `${path}?traceparent=00-${"ab".repeat(16)}-${"cd".repeat(8)}-01&x=%ZZ`
            : how === "every byte of the id encoded"
              ? [...parts.slice(0, 3), encodeBytes(k.paymentId), parts[4]].join("/")
              : path.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
        return { method: "POST", path: variant, ...k, expect: "taken" };
      }),
      // Riel's own URL with another method, a trailing or doubled slash, or a segment more: refused.
      fc.tuple(known, fc.constantFrom("GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "trailing slash", "double slash", "extra segment", "no token", "upper-case prefix")).map(([k, how]): Route => {
        const path = validPath(k.provider, k.paymentId);
        const method = /^[A-Z]+$/.test(how) ? how : "POST";
        const variant =
          how === "trailing slash"
            ? `${path}/`
            : how === "double slash"
              ? path.replace("/webhooks/", "/webhooks//")
              : how === "extra segment"
                ? `${path}/x`
                : how === "no token"
                  ? path.slice(0, path.lastIndexOf("/"))
                  : how === "upper-case prefix"
                    ? path.replace("/webhooks/", "/WEBHOOKS/")
                    : path;
        return { method, path: variant, ...k, expect: "refused" };
      }),
      // A provider Riel does not know, with a token made for it all the same: refused.
      fc.tuple(oddName, paymentId)
        .filter(([name]) => !providers.includes(segments(`/${name}`)[1] ?? ""))
        .map(([name, id]): Route => ({ method: "POST", path: `/webhooks/${name}/${encodeURIComponent(id)}/${validPath("depay", id).split("/").pop()}`, provider: "depay", paymentId: id, expect: "refused" })),
      // Odd and very long ids of a provider Riel knows, with their own token: whatever the provider's rules say, never 5xx.
      fc.tuple(provider(), oddId).map(([p, id]): Route => {
        const decoded = segments(`/${id}`)[1] ?? id;
        const token = validPath(p, decoded).split("/").pop() ?? "";
        return { method: "POST", path: `/webhooks/${p}/${id}/${token}`, provider: p, paymentId: decoded, expect: "either" };
      }),
    );
    const cases = route.chain((r) => documented(providers.includes(r.provider) ? r.provider : "depay").map((doc) => ({ ...r, doc })));
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const { answer } = await exchange("routes", { method: c.method, path: c.path, headers: json, body: c.doc.body(c.paymentId) });
        const status = answer === "reset" ? 0 : answer.status;
        if (c.expect === "taken") expect(status, `${c.method} ${c.path}`).toBe(200);
        if (c.expect === "refused") expect(status >= 400 && status < 500, `${c.method} ${c.path} answered ${status}`).toBe(true);
      }),
      { numRuns: RUNS.routes, seed: SEED + 3, endOnFailure: true },
    );
  }, 60_000);

  it("takes each documented callback, and the same callback again, or reformatted, publishes the same event ids: a repeat is harmless downstream", async () => {
    const cases = fc.tuple(provider(), paymentId).chain(([p, id]) => documented(p, false).map((doc) => ({ provider: p, paymentId: id, doc })));
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const path = validPath(c.provider, c.paymentId);
        const text = c.doc.body(c.paymentId);
        seen.add(`${c.provider}: ${c.doc.name}`);
        const first = await exchange("replay", { method: "POST", path, headers: json, body: text });
        if (!c.doc.valid) {
          // Not JSON as printed: refused, so the provider is told; the sandbox sends it valid.
          expect(first.answer === "reset" ? 0 : first.answer.status, c.doc.name).toBe(400);
          expect(JSON.parse((first.answer as Answer).text)).toMatchObject({ errors: [{ field: "body", rule: "must be JSON" }] });
          return;
        }
        const again = await exchange("replay", { method: "POST", path, headers: json, body: text });
        const keys = Object.keys(JSON.parse(text) as object).reverse();
        const reformatted = JSON.stringify(JSON.parse(text), keys.length > 0 ? [...keys, ...allKeys(JSON.parse(text))] : undefined, 2);
        const third = await exchange("replay", { method: "POST", path, headers: json, body: reformatted });
        for (const sent of [first, again, third]) expect(sent.answer === "reset" ? 0 : sent.answer.status, c.doc.name).toBe(200);
        const ids = (s: typeof first): string[] => s.published.map((r) => r.value.envelope.eventId);
        expect(ids(again), c.doc.name).toEqual(ids(first));
        expect(ids(third), `${c.doc.name}, reformatted`).toEqual(ids(first));
        expect(again.published.map((r) => r.value.status)).toEqual(first.published.map((r) => r.value.status));
      }),
      { numRuns: RUNS.replay, seed: SEED + 4, endOnFailure: true },
    );
    // Every documented callback was replayed at least once.
    expect(seen.size).toBe(providers.reduce((n, p) => n + (DOCUMENTED[p]?.length ?? 0), 0));
  }, 60_000);

  it("refuses a body over 64 KiB with 413, with or without a length, and takes one of exactly 64 KiB", async () => {
    const cases = fc.record({ provider: provider(), paymentId, over: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 1024 * 1024 })), mode: fc.constantFrom("length", "chunked", "one chunk") });
    await fc.assert(
      fc.asyncProperty(
        cases.chain((c) => documented(c.provider).map((doc) => ({ ...c, doc }))),
        async (c) => {
          const text = c.doc.body(c.paymentId);
          // A documented callback padded with a field the provider's module ignores: only its size is wrong.
          const padded = (size: number): Buffer => {
            const head = Buffer.from('{"pad":"', "utf8");
            const rest = Buffer.from(`",${text.slice(1)}`, "utf8");
            return Buffer.concat([head, Buffer.alloc(size - head.length - rest.length, "x"), rest]);
          };
          const chunksOf = (bytes: Buffer): Buffer[] => (c.mode === "one chunk" ? [bytes] : Array.from({ length: Math.ceil(bytes.length / 8192) }, (_, i) => bytes.subarray(i * 8192, (i + 1) * 8192)));
          const path = validPath(c.provider, c.paymentId);
          for (const [size, status] of [
            [LIMIT + c.over, 413],
            [LIMIT, 200],
          ] as const) {
            const bytes = padded(size);
            const out: Outgoing = c.mode === "length" ? { method: "POST", path, headers: json, body: bytes } : { method: "POST", path, headers: json, chunks: chunksOf(bytes) };
            const { answer } = await exchange("oversized", out);
            expect(answer === "reset" ? "reset" : answer.status, `${size} bytes, ${c.mode}`).toBe(status);
          }
        },
      ),
      { numRuns: RUNS.oversized, seed: SEED + 5, endOnFailure: true },
    );
  }, 60_000);

  it("answers bytes no HTTP client sends (lying lengths, broken chunking, an upload cut short) below 500, and publishes nothing", async () => {
    const id = randomUUID();
    const path = validPath("depay", id);
    const body = (DOCUMENTED.depay?.[5] as Documented).body(id);
    const head = (headers: string): string => `POST ${path} HTTP/1.1\r\nHost: riel\r\nConnection: close\r\nContent-Type: application/json\r\n${headers}\r\n`;
    const big = "x".repeat(LIMIT + 1);
    const cases: Array<[string, string, boolean]> = [
      ["a length shorter than the body", `${head("Content-Length: 10\r\n")}${body}`, false],
      ["a length under the limit, over 64 KiB sent", `${head("Content-Length: 100\r\n")}${big}`, false],
      ["a length longer than the body, then the end", `${head("Content-Length: 5000\r\n")}${body}`, true],
      ["both a length and chunked", `${head("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n")}4\r\n{}{}\r\n0\r\n\r\n`, false],
      ["a chunk size past any integer", `${head("Transfer-Encoding: chunked\r\n")}FFFFFFFFFFFFFFFFFFFF\r\nxx\r\n0\r\n\r\n`, false],
      ["a huge chunk announced, a little sent, then the end", `${head("Transfer-Encoding: chunked\r\n")}FFFFFFF\r\n${body}`, true],
      ["a chunked upload cut short", `${head("Transfer-Encoding: chunked\r\n")}10\r\n{"order_id":"o-1`, true],
      ["a negative length", `${head("Content-Length: -1\r\n")}{}`, false],
      ["two lengths that disagree", `${head("Content-Length: 2\r\nContent-Length: 3\r\n")}{}x`, false],
      ["a header over 16 KiB", `${head(`X-Junk: ${"y".repeat(20_000)}\r\nContent-Length: 2\r\n`)}{}`, false],
      ["a request line that is not HTTP", `\u0000\u0001\u0002 / HTTP/9.9\r\n\r\n`, false],
    ];
    for (const [name, text, halfClose] of cases) {
      const before = receiver.count();
      const failures = receiver.logged.filter((m) => m === "callback not taken").length;
      const statuses = await sendRaw(receiver.base, Buffer.from(text, "utf8"), halfClose);
      for (const s of statuses) tally("raw bytes", String(s));
      if (statuses.length === 0) tally("raw bytes", "closed");
      expect(statuses.every((s) => s < 500), `${name}: ${statuses.join(", ")}`).toBe(true);
      expect(receiver.count() - before, `${name} published`).toBe(0);
      expect(receiver.logged.filter((m) => m === "callback not taken").length, `${name} failed inside the receiver`).toBe(failures);
    }
  }, 60_000);
});

/** Every key of a JSON value, nested ones included: JSON.stringify's allow-list must name them all. */
function allKeys(value: unknown): string[] {
  if (value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap(allKeys);
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => [k, ...allKeys(v)]);
}
