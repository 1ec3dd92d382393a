import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ApiKeyStore } from "@riel/store";

/**
 * What an API key may do. `payments:confirm` also sends an open QR code's amount; `payments:read`
 * also asks the provider where a payment is (`sync`); `payments:read:personal` shows the tax ids,
 * account numbers and phone numbers a view otherwise masks; `webhooks:manage` registers merchants'
 * webhook endpoints, reads their delivery logs and redelivers; `admin` manages API keys, nothing else.
 */
export const SCOPES = ["payments:create", "payments:confirm", "payments:refund", "payments:read", "payments:read:personal", "webhooks:manage", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** `riel_<id>_<secret>`: the id finds the record, the secret (32 random bytes) proves the holder. */
const TOKEN = /^riel_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
export const API_KEY_NAME = /^[\x20-\x7e]{1,100}$/;

/** A key as stored: the secret's SHA-256 only (a 256-bit random secret needs no slow hash), never the secret. */
export const apiKeyRecordSchema = z.object({
  id: z.string().regex(/^[a-z0-9]{12}$/),
  name: z.string().regex(API_KEY_NAME),
  secretHash: z.string().regex(/^[0-9a-f]{64}$/),
  scopes: z.array(z.enum(SCOPES)),
  /** The payment methods it may use; null: all. */
  methods: z.array(z.string()).nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type ApiKeyRecord = z.infer<typeof apiKeyRecordSchema>;

/** A key as shown: everything but the secret's hash; `configured` for the key of INGRESS_API_KEY. */
export type ApiKeyInfo = Omit<ApiKeyRecord, "secretHash"> & { readonly configured: boolean };

/** The caller of a request, once its key checked out. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly scopes: ReadonlySet<Scope>;
  /** null: every method. */
  readonly methods: ReadonlySet<string> | null;
}

export interface ApiKeySpec {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly methods?: readonly string[] | null;
}

const sha256 = (text: string): Buffer => createHash("sha256").update(text).digest();
/** Compared against when the id is unknown, so that an unknown id costs what a wrong secret costs. */
const NOBODY = sha256("riel: no such key");

export function parseApiKeyToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}

/** A new key: its token (to hand out once) and its record (to store). */
export function mintApiKey(spec: ApiKeySpec, now: Date): { token: string; record: ApiKeyRecord } {
  const id = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { token: `riel_${id}_${secret}`, record: recordOf(id, secret, spec, now) };
}

/** The record of a key whose token is given (the configured key); throws when it is not a Riel token. */
export function apiKeyRecordOf(token: string, spec: ApiKeySpec, now: Date): ApiKeyRecord {
  const parsed = parseApiKeyToken(token);
  if (!parsed) throw new Error("an API key must look like riel_<12 lowercase letters or digits>_<43 base64url characters>");
  return recordOf(parsed.id, parsed.secret, spec, now);
}

function recordOf(id: string, secret: string, spec: ApiKeySpec, now: Date): ApiKeyRecord {
  return {
    id,
    name: spec.name,
    secretHash: sha256(secret).toString("hex"),
    scopes: [...new Set(spec.scopes)],
    methods: spec.methods ? [...new Set(spec.methods)] : null,
    createdAt: now.toISOString(),
    revokedAt: null,
  };
}

export type Authentication = { readonly ok: true; readonly key: ApiKey } | { readonly ok: false; readonly detail: string; readonly tokenGiven: boolean };

export interface ApiKeysOptions {
  /** Keys from configuration (INGRESS_API_KEY): checked in memory, never stored; removed by removing them there. */
  readonly configured?: readonly ApiKeyRecord[];
  /**
   * How long an instance trusts what it read of a key (found or not). A key made or revoked
   * through another ingress instance counts here within this time; default 5 s.
   */
  readonly cacheMs?: number;
  readonly now?: () => number;
}

const CACHE_LIMIT = 10_000;

/**
 * Checks `Authorization: Bearer` tokens against the stored keys, and manages them. Records are
 * read through a short cache so that a request costs no Redis round trip for its key.
 */
export class ApiKeys {
  readonly #store: ApiKeyStore;
  readonly #configured: ReadonlyMap<string, ApiKeyRecord>;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { record: ApiKeyRecord | null; until: number }>();

  constructor(store: ApiKeyStore, options: ApiKeysOptions = {}) {
    this.#store = store;
    this.#configured = new Map((options.configured ?? []).map((r) => [r.id, r]));
    this.#cacheMs = options.cacheMs ?? 5_000;
    this.#now = options.now ?? Date.now;
  }

  async authenticate(authorization: string | undefined): Promise<Authentication> {
    if (authorization === undefined || authorization.trim() === "") {
      return { ok: false, tokenGiven: false, detail: "send an API key: Authorization: Bearer riel_..." };
    }
    const match = /^Bearer[ ]+(\S{1,200})[ ]*$/i.exec(authorization);
    const parsed = match ? parseApiKeyToken(match[1] as string) : null;
    if (!parsed) return { ok: false, tokenGiven: true, detail: "the Authorization header must be: Bearer riel_<id>_<secret>" };
    const record = await this.#record(parsed.id);
    const given = sha256(parsed.secret);
    const expected = record ? Buffer.from(record.secretHash, "hex") : NOBODY;
    const matches = timingSafeEqual(given, expected) && record !== null;
    if (!matches || record === null) return { ok: false, tokenGiven: true, detail: "this API key is not known" };
    if (record.revokedAt !== null) return { ok: false, tokenGiven: true, detail: "this API key was revoked" };
    return { ok: true, key: { id: record.id, name: record.name, scopes: new Set(record.scopes), methods: record.methods ? new Set(record.methods) : null } };
  }

  async create(spec: ApiKeySpec, now: Date): Promise<{ token: string; info: ApiKeyInfo }> {
    const { token, record } = mintApiKey(spec, now);
    await this.#store.put(record.id, JSON.stringify(record));
    this.#remember(record.id, record);
    return { token, info: this.#info(record) };
  }

  async list(): Promise<ApiKeyInfo[]> {
    const stored = (await this.#store.list()).map((r) => this.#parse(r.record)).filter((r): r is ApiKeyRecord => r !== null);
    return [...this.#configured.values(), ...stored].map((r) => this.#info(r)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  /** Revokes a stored key: NOT_FOUND, CONFIGURED (remove it from configuration instead), or the key as revoked (the same when revoked before). */
  async revoke(id: string, now: Date): Promise<{ kind: "REVOKED"; info: ApiKeyInfo } | { kind: "NOT_FOUND" | "CONFIGURED" }> {
    if (this.#configured.has(id)) return { kind: "CONFIGURED" };
    const raw = await this.#store.get(id);
    const record = raw === null ? null : this.#parse(raw);
    if (record === null) return { kind: "NOT_FOUND" };
    const revoked: ApiKeyRecord = record.revokedAt === null ? { ...record, revokedAt: now.toISOString() } : record;
    if (revoked !== record) await this.#store.put(id, JSON.stringify(revoked));
    this.#remember(id, revoked);
    return { kind: "REVOKED", info: this.#info(revoked) };
  }

  async #record(id: string): Promise<ApiKeyRecord | null> {
    const configured = this.#configured.get(id);
    if (configured) return configured;
    const cached = this.#cache.get(id);
    if (cached && cached.until > this.#now()) return cached.record;
    const raw = await this.#store.get(id);
    const record = raw === null ? null : this.#parse(raw);
    this.#remember(id, record);
    return record;
  }

  #remember(id: string, record: ApiKeyRecord | null): void {
    // Ids are the caller's to choose: a flood of made-up ones must not grow the cache without end.
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(id, { record, until: this.#now() + this.#cacheMs });
  }

  /** A stored record that does not parse counts as no key (it lets nobody in). */
  #parse(raw: string): ApiKeyRecord | null {
    try {
      const parsed = apiKeyRecordSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  #info(record: ApiKeyRecord): ApiKeyInfo {
    const { secretHash: _hash, ...info } = record;
    return { ...info, configured: this.#configured.has(record.id) };
  }
}
