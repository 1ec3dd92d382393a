import { describe, expect, it } from "vitest";
import { createMemoryStore } from "@riel/store";
import { ApiKeys, apiKeyRecordOf, mintApiKey, parseApiKeyToken } from "./api-keys.js";

describe("API keys", () => {
  it("reads only its own token shape", () => {
    const { token } = mintApiKey({ name: "a", scopes: ["payments:read"] }, new Date());
    expect(parseApiKeyToken(token)).toEqual({ id: token.slice(5, 17), secret: token.slice(18) });
    for (const bad of ["", "riel_", `${token}x`, token.slice(0, -1), token.replace("riel_", "RIEL_"), ` ${token}`, token.toUpperCase()]) expect(parseApiKeyToken(bad), bad).toBeNull();
    expect(() => apiKeyRecordOf("riel_short_x", { name: "a", scopes: [] }, new Date())).toThrow(/riel_<12/);
  });

  it("lets in a key made by another instance, and refuses it there within the cache time of its revocation", async () => {
    const store = createMemoryStore();
    let now = 0;
    const one = new ApiKeys(store.apiKeys, { cacheMs: 5_000, now: () => now });
    const two = new ApiKeys(store.apiKeys, { cacheMs: 5_000, now: () => now });
    const { token, info } = await one.create({ name: "shop", scopes: ["payments:create"], methods: ["PIX_KEY"] }, new Date());
    const auth = `Bearer ${token}`;
    const seen = await two.authenticate(auth);
    expect(seen.ok && { scopes: [...seen.key.scopes], methods: seen.key.methods && [...seen.key.methods] }).toEqual({ scopes: ["payments:create"], methods: ["PIX_KEY"] });

    await one.revoke(info.id, new Date());
    expect(await one.authenticate(auth)).toMatchObject({ ok: false, detail: "this API key was revoked" });
    // The other instance trusts what it read for the cache time, then reads again.
    expect((await two.authenticate(auth)).ok).toBe(true);
    now += 5_001;
    expect(await two.authenticate(auth)).toMatchObject({ ok: false, detail: "this API key was revoked" });
  });

  it("refuses a right id with a wrong secret, any scheme but Bearer, and a record that does not parse", async () => {
    const store = createMemoryStore();
    const keys = new ApiKeys(store.apiKeys);
    const { token, info } = await keys.create({ name: "shop", scopes: ["payments:read"] }, new Date());
    const wrongSecret = `${token.slice(0, 18)}${token.at(18) === "A" ? "B" : "A"}${token.slice(19)}`;
    expect(await keys.authenticate(`Bearer ${wrongSecret}`)).toMatchObject({ ok: false, detail: "this API key is not known", tokenGiven: true });
    expect(await keys.authenticate(`Token ${token}`)).toMatchObject({ ok: false, tokenGiven: true });
    expect(await keys.authenticate(undefined)).toMatchObject({ ok: false, tokenGiven: false });
    expect((await keys.authenticate(`bearer  ${token}`)).ok).toBe(true);

    await store.apiKeys.put(info.id, '{"id":"broken"}');
    const fresh = new ApiKeys(store.apiKeys);
    expect((await fresh.authenticate(`Bearer ${token}`)).ok).toBe(false);
    expect((await fresh.list()).map((k) => k.id)).not.toContain(info.id);
  });

  it("keeps the configured key in memory only, where revoking cannot reach it", async () => {
    const store = createMemoryStore();
    const { token } = mintApiKey({ name: "x", scopes: [] }, new Date());
    const record = apiKeyRecordOf(token, { name: "INGRESS_API_KEY", scopes: ["admin"] }, new Date());
    const keys = new ApiKeys(store.apiKeys, { configured: [record] });
    expect((await keys.authenticate(`Bearer ${token}`)).ok).toBe(true);
    expect(await store.apiKeys.list()).toEqual([]);
    expect(await keys.revoke(record.id, new Date())).toEqual({ kind: "CONFIGURED" });
    expect((await keys.list()).map((k) => ({ id: k.id, configured: k.configured }))).toEqual([{ id: record.id, configured: true }]);
  });
});
