import type { ClaimResult, Store, Versioned, WriteResult } from "../types.js";
import { createMemoryRecords } from "./records.js";
import { createMemoryLimits } from "./token-bucket.js";
import { createMemoryWebhooks } from "./webhooks.js";

interface Claim {
  readonly fingerprint: string;
  readonly response: string | undefined;
  /** When the whole record lapses: the lease, or the answer's TTL, or the intent's TTL. */
  readonly expiresAt: number;
  readonly owner: string;
  /** Until when the owner holds a pending claim. */
  readonly leaseUntil: number;
  readonly intent: string | null;
}

/** The store in this process, for the embedded mode and unit tests; `now` can be moved by tests. */
export function createMemoryStore(now: () => number = Date.now): Store {
  const claims = new Map<string, Claim>();
  const projections = new Map<string, Versioned>();
  /** Listed projection ids by index ("" for all, ":<tag>" per tag), each with its time. */
  const listings = new Map<string, Map<string, number>>();
  const queues = new Map<string, Map<string, number>>();
  const checks = new Map<string, { phase: string; count: number }>();
  const queue = (name: string): Map<string, number> => {
    let q = queues.get(name);
    if (!q) queues.set(name, (q = new Map()));
    return q;
  };
  const live = (key: string): Claim | undefined => {
    const claim = claims.get(key);
    if (claim && claim.expiresAt <= now()) {
      claims.delete(key);
      return undefined;
    }
    return claim;
  };
  return {
    apiKeys: createMemoryRecords(),
    limits: createMemoryLimits(now),
    idempotency: {
      async claim(key, fingerprint, leaseMs, owner = fingerprint): Promise<ClaimResult> {
        const claim = live(key);
        const t = now();
        if (!claim) {
          claims.set(key, { fingerprint, response: undefined, expiresAt: t + leaseMs, owner, leaseUntil: t + leaseMs, intent: null });
          return { kind: "CLAIMED" };
        }
        if (claim.fingerprint !== fingerprint) return { kind: "MISMATCH" };
        if (claim.response !== undefined) return { kind: "REPLAY", response: claim.response };
        const renewed = (next: string): Claim => ({ ...claim, owner: next, leaseUntil: t + leaseMs, expiresAt: claim.intent === null ? t + leaseMs : claim.expiresAt });
        if (claim.owner === owner) {
          claims.set(key, renewed(owner));
          return { kind: "CLAIMED" };
        }
        if (claim.leaseUntil <= t) {
          claims.set(key, renewed(owner));
          return { kind: "TAKEN_OVER", intent: claim.intent };
        }
        return { kind: "IN_PROGRESS", retryAfterMs: claim.leaseUntil - t };
      },
      async renew(key, fingerprint, owner, leaseMs) {
        const claim = live(key);
        if (!claim || claim.fingerprint !== fingerprint || claim.response !== undefined || claim.owner !== owner) return false;
        const t = now();
        claims.set(key, { ...claim, leaseUntil: t + leaseMs, expiresAt: claim.intent === null ? t + leaseMs : claim.expiresAt });
        return true;
      },
      async intend(key, fingerprint, owner, intent, ttlMs) {
        const claim = live(key);
        if (!claim || claim.fingerprint !== fingerprint || claim.response !== undefined || claim.owner !== owner) return false;
        claims.set(key, { ...claim, intent, expiresAt: now() + ttlMs });
        return true;
      },
      async complete(key, fingerprint, response, ttlMs) {
        const claim = live(key);
        if (claim?.fingerprint === fingerprint) claims.set(key, { ...claim, response, intent: null, expiresAt: now() + ttlMs });
      },
      async release(key, fingerprint, owner) {
        const claim = live(key);
        if (owner !== undefined && claim?.owner !== owner) return;
        if (claim?.fingerprint === fingerprint && claim.response === undefined) claims.delete(key);
      },
      async ttl(key) {
        const claim = live(key);
        if (!claim) return null;
        return claim.response === undefined ? Math.max(0, claim.leaseUntil - now()) : claim.expiresAt - now();
      },
    },
    projections: {
      async read(id) {
        return projections.get(id) ?? null;
      },
      async write(id, value, expectedVersion, index): Promise<WriteResult> {
        const current = projections.get(id)?.version ?? 0;
        if (current !== expectedVersion) return { kind: "CONFLICT", current };
        projections.set(id, { version: current + 1, value });
        if (index) {
          for (const tag of ["", ...index.tags.map((t) => `:${t}`)]) {
            const listed = listings.get(tag) ?? new Map<string, number>();
            if (!listed.has(id)) listed.set(id, index.at);
            listings.set(tag, listed);
          }
        }
        return { kind: "WRITTEN", version: current + 1 };
      },
      async list(query) {
        const listed = listings.get(query.tag === undefined ? "" : `:${query.tag}`) ?? new Map<string, number>();
        return [...listed]
          .map(([id, at]) => ({ id, at }))
          .filter(({ id, at }) => (query.from === undefined || at >= query.from) && (query.to === undefined || at <= query.to) && !(query.after !== undefined && at === query.to && id >= query.after))
          .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
          .slice(0, query.limit);
      },
    },
    due: {
      async schedule(name, id, dueAtMs) {
        queue(name).set(id, dueAtMs);
      },
      async cancel(name, id) {
        queue(name).delete(id);
        checks.delete(`${name}\n${id}`);
      },
      async countCheck(name, id, phase) {
        const key = `${name}\n${id}`;
        const last = checks.get(key);
        const count = last !== undefined && last.phase === phase ? last.count + 1 : 1;
        checks.set(key, { phase, count });
        return count;
      },
      async takeDue(name, nowMs, limit, leaseMs) {
        const q = queue(name);
        const due = [...q.entries()].filter(([, at]) => at <= nowMs).sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).slice(0, limit).map(([id]) => id);
        for (const id of due) q.set(id, nowMs + leaseMs);
        return due;
      },
      async dueAt(name, id) {
        return queue(name).get(id) ?? null;
      },
    },
    webhooks: createMemoryWebhooks(),
    async close() {},
  };
}
