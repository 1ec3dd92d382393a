// Hostile input at the ingress, property-based (fast-check, seeded and bounded): every route, with
// malformed JSON, huge and deeply nested bodies, wrong types, unicode tricks in keys and names,
// and abused headers. Whatever comes, no 5xx, no crash, and nothing published for a refusal.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Bus } from "@riel/bus";
import { createBus, createMemoryTransport, MemoryBroker } from "@riel/bus";
import { parsePaymentRequest, PAYMENT_REQUEST_EXAMPLES } from "@riel/payments";
import type { RielTopics } from "@riel/schemas";
import { catalog, createLocalCodec, topics } from "@riel/schemas";
import { createMemoryStore } from "@riel/store";
import { createIngressApp } from "./app.js";
import { testApiKey } from "./testing.js";

const SEED = 20261122;
const RUNS = 1_500;

const examples = Object.values(PAYMENT_REQUEST_EXAMPLES).flatMap((byName) => Object.values(byName).map((e) => e.value as Record<string, unknown>));

/** Characters that fool eyes and parsers: zero-width, bidi overrides, NUL, lone surrogates, look-alike digits and letters. */
const TRICKS = ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u0000", "\ud800", "\udfff", "٣", "۹", "１", "𝟗", "Ａ", "ı", "ß", "é", "é", "\u00a0", "\u2028", "💸", "%00", "../", "\\", '"', "'", "<script>", "${x}", "{{x}}"];

const trickString = fc.array(fc.oneof(fc.constantFrom(...TRICKS), fc.string({ maxLength: 6 }), fc.string({ unit: "grapheme", maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join(""));

/** A JSON value of any shape, or a tricky string, or a number JSON cannot keep exactly. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  trickString,
  fc.constantFrom(1e308, -0, 0.1, 10.5, 1e-7, 2 ** 53 + 1, "10.505", "1e3", "-1.00", "0.00", "١٠٫٥٠", "10,50", " 10.50", "NaN", "Infinity", null, true, [], {}),
);

/** A valid request with one field, anywhere in it, replaced, removed or added. */
const mutatedRequest: fc.Arbitrary<unknown> = fc
  .tuple(fc.constantFrom(...examples), fc.nat(), anyValue, fc.constantFrom("replace", "remove", "add"))
  .map(([example, pick, value, how]) => {
    const copy = structuredClone(example) as Record<string, unknown>;
    const paths: Array<[Record<string, unknown>, string]> = [];
    const walk = (node: Record<string, unknown>): void => {
      for (const [k, v] of Object.entries(node)) {
        paths.push([node, k]);
        if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>);
      }
    };
    walk(copy);
    const [node, key] = paths[pick % paths.length] ?? [copy, "method"];
    if (how === "remove") delete node[key];
    else if (how === "add") node[`${key}_x`] = value;
    else node[key] = value;
    return copy;
  });

/** What a body may be, as text: JSON of anything, text that is not JSON, nesting past any parser's patience, or too big. */
const bodyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: mutatedRequest.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom(...examples).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: anyValue.map((v) => JSON.stringify(v) ?? "null") },
  { weight: 2, arbitrary: fc.oneof(fc.string(), trickString, fc.constantFrom("", "{", '{"method":', "[1,]", "{'a':1}", '{"a":1}{"b":2}', "\u0000", "true false", "01", '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"x":1}}}')) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200_000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 300_000 }).map((n) => JSON.stringify({ ...examples[0], externalReference: "x".repeat(n) })) },
);

/** Header values a client may send (ones no HTTP stack would carry, like CR/LF, are left out). */
const idempotencyKey = fc.oneof(
  fc.constantFrom("order-1", "order-2", "", " ", "a b", "x".repeat(255), "x".repeat(256), "ключ", "order-1\u200b", "%20", "../../etc"),
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
);
const contentType = fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", "", "application/merge-patch+json");

/** Percent-encodes every byte of the text's UTF-8 (a lone surrogate becomes U+FFFD, as on the wire). */
const encodeBytes = (text: string): string => [...Buffer.from(text, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

/** Ids in paths: a real payment's, made-up ones, unicode, encoded, invalid UTF-8, very long. */
const pathId = (known: () => string | undefined) =>
  fc.oneof(
    fc.constant(null).map(() => known() ?? "none"),
    fc.uuid(),
    fc.string({ minLength: 1, maxLength: 20 }).map(encodeBytes),
    trickString.filter((s) => s.length > 0).map(encodeBytes),
    fc.constantFrom("%2e%2e", "%2F", "%C3%28", "%FF%FE", "%", "%zz", "x".repeat(5_000), "null", "undefined", "__proto__", "constructor"),
  );

interface Case {
  readonly method: string;
  readonly path: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
}

describe("hostile input at the ingress", () => {
  const tallies = new Map<string, number>();
  afterAll(() => {
    const line = [...tallies].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k}: ${n}`).join(", ");
    console.log(`ingress fuzz (seed ${SEED}, ${RUNS} cases): ${line}`);
  });

  it("answers every request below 500, in problem+json when it refuses, and publishes nothing for a refusal", async () => {
    const codec = createLocalCodec({ catalog, topics: Object.values(topics) });
    const inner = createBus<RielTopics>({ transport: createMemoryTransport(new MemoryBroker()), codec });
    await inner.start(Object.values(topics).map((t) => ({ name: t.name, partitions: 1 })));
    let published = 0;
    const bus: Bus<RielTopics> = {
      ...inner,
      async publish(topic, key, record, headers) {
        await inner.publish(topic, key, record, headers);
        published++;
      },
    };
    const store = createMemoryStore();
    const admin = testApiKey();
    const logged: string[] = [];
    const app = createIngressApp({ bus, store, log: (message) => logged.push(message), apiKeys: admin.keysFor(store) });
    let lastPayment: string | undefined;
    const reader = await app.request("/v1/api-keys", {
      method: "POST",
      headers: { authorization: admin.authorization, "content-type": "application/json" },
      body: JSON.stringify({ name: "reader", scopes: ["payments:read"] }),
    });
    const readerAuth = `Bearer ${((await reader.json()) as { token: string }).token}`;

    const authorization = fc.oneof(
      { weight: 6, arbitrary: fc.constant(admin.authorization) },
      { weight: 1, arbitrary: fc.constant(readerAuth) },
      { weight: 1, arbitrary: fc.constantFrom("", "Bearer", "Bearer ", "bearer riel_", `${admin.authorization}x`, admin.authorization.toLowerCase(), `Basic ${admin.authorization}`, `Bearer ${"a".repeat(10_000)}`) },
      { weight: 1, arbitrary: trickString.filter((s) => /^[\x20-\x7e]*$/.test(s)).map((s) => `Bearer ${s}`) },
    );
    const id = pathId(() => lastPayment);
    const route: fc.Arbitrary<{ method: string; path: string; hasBody: boolean }> = fc.oneof(
      fc.constant({ method: "POST", path: "/v1/payments", hasBody: true }),
      id.map((p) => ({ method: "GET", path: `/v1/payments/${p}`, hasBody: false })),
      id.map((p) => ({ method: "POST", path: `/v1/payments/${p}/confirm`, hasBody: true })),
      id.map((p) => ({ method: "POST", path: `/v1/payments/${p}/amount`, hasBody: true })),
      id.map((p) => ({ method: "POST", path: `/v1/payments/${p}/refunds`, hasBody: true })),
      id.map((p) => ({ method: "POST", path: `/v1/payments/${p}/sync`, hasBody: false })),
      id.map((p) => ({ method: "GET", path: `/v1/payments/${p}/qr.png`, hasBody: false })),
      fc.constant({ method: "POST", path: "/v1/api-keys", hasBody: true }),
      fc.constant({ method: "GET", path: "/v1/api-keys", hasBody: false }),
      id.map((p) => ({ method: "DELETE", path: `/v1/api-keys/${p}`, hasBody: false })),
      fc.constantFrom("PUT", "PATCH", "DELETE", "OPTIONS", "HEAD").map((m) => ({ method: m, path: "/v1/payments", hasBody: false })),
    );
    const bodyFor = (path: string): fc.Arbitrary<string> =>
      path.endsWith("/confirm")
        ? fc.oneof(bodyText, fc.record({ decision: fc.oneof(fc.constantFrom("ACCEPT", "REJECT", "accept", "ACCEPT\u200b"), anyValue), walletId: anyValue }, { requiredKeys: [] }).map((v) => JSON.stringify(v)))
        : path.endsWith("/amount") || path.endsWith("/refunds")
          ? fc.oneof(bodyText, fc.record({ amount: fc.record({ amount: anyValue, currency: fc.oneof(fc.constantFrom("PEN", "BRL", "brl", "XXX"), anyValue) }, { requiredKeys: [] }) }, { requiredKeys: [] }).map((v) => JSON.stringify(v)))
          : bodyText;
    const request: fc.Arbitrary<Case> = route.chain((r) =>
      fc
        .record({
          body: r.hasBody ? bodyFor(r.path).map((b): string | undefined => b) : fc.constant(undefined),
          key: fc.option(idempotencyKey, { nil: undefined }),
          type: fc.option(contentType, { nil: undefined }),
          auth: authorization,
          extra: fc.array(fc.tuple(fc.constantFrom("x-forwarded-for", "content-length", "transfer-encoding", "idempotency-key", "x-http-method-override", "traceparent"), fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s))), { maxLength: 2 }),
        })
        .map(({ body, key, type, auth, extra }): Case => {
          const headers: Record<string, string> = { authorization: auth };
          if (key !== undefined) headers["idempotency-key"] = key;
          if (type !== undefined) headers["content-type"] = type;
          for (const [name, value] of extra) if (name !== "content-length" && name !== "transfer-encoding") headers[name] = value;
          return { method: r.method, path: r.path, body, headers };
        }),
    );

    await fc.assert(
      fc.asyncProperty(request, async (c) => {
        const before = published;
        // A header's UTF-8 bytes reach the app as Node's HTTP parser hands them over: one character per byte.
        const wire = Object.fromEntries(Object.entries(c.headers).map(([k, v]) => [k, Buffer.from(v, "utf8").toString("latin1")]));
        const init: RequestInit = { method: c.method, headers: wire };
        if (c.body !== undefined && c.method !== "GET" && c.method !== "HEAD") init.body = c.body;
        const res = await app.request(c.path, init);
        const text = await res.text();
        const route = c.path.replace(/^\/v1\/payments\/[^/]+/, "/v1/payments/{id}").replace(/^\/v1\/api-keys\/[^/]+/, "/v1/api-keys/{id}");
        tallies.set(`${res.status}`, (tallies.get(`${res.status}`) ?? 0) + 1);
        expect(res.status, `${c.method} ${route}: ${text.slice(0, 300)}`).toBeLessThan(500);
        if (res.status >= 400 && c.method !== "HEAD") {
          expect(res.headers.get("content-type"), `${c.method} ${route}`).toBe("application/problem+json");
          expect(JSON.parse(text)).toMatchObject({ status: res.status, title: expect.any(String) });
        }
        if (res.status >= 300) expect(published - before, `${c.method} ${route} answered ${res.status} but published`).toBe(0);
        if (res.status === 202 && c.method === "POST" && c.path === "/v1/payments") {
          // Taken only when the body holds to its method's rules.
          expect(parsePaymentRequest(JSON.parse(c.body ?? "null")).ok).toBe(true);
          const paymentId = (JSON.parse(text) as { paymentId: string }).paymentId;
          lastPayment = paymentId;
          expect(published - before).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // Nothing failed inside: a handler error would have been logged as "request failed" (and answered 503).
    expect(logged.filter((m) => m === "request failed")).toEqual([]);
    expect(tallies.get("202") ?? 0, "some requests must get through, or the fuzz tests only the doors").toBeGreaterThan(0);
  }, 120_000);
});
