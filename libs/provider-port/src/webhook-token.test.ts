import { describe, expect, it } from "vitest";
import { callbackToken, callbackUrl, verifyCallbackToken } from "./webhook-token.js";

const OLD = "old-secret-0123456789";
const NEW = { id: "k2", secret: "new-secret-0123456789" };

describe("callback URL tokens", () => {
  it("carries the key id of a keyed secret, and none for a bare one (URLs made before rotation)", () => {
    expect(callbackToken("depay", "p-1", OLD)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(callbackToken("depay", "p-1", NEW)).toMatch(/^k2\.[A-Za-z0-9_-]{43}$/);
    expect(callbackUrl("https://riel.example.com/", "depay", "p-1", NEW)).toBe(`https://riel.example.com/webhooks/depay/p-1/${callbackToken("depay", "p-1", NEW)}`);
  });

  it("takes a token made with any key it is given, by the key its id names, for that provider and payment only", () => {
    const keys = [NEW, { id: null, secret: OLD }];
    expect(verifyCallbackToken("depay", "p-1", callbackToken("depay", "p-1", NEW), keys)).toBe(true);
    expect(verifyCallbackToken("depay", "p-1", callbackToken("depay", "p-1", OLD), keys)).toBe(true);
    expect(verifyCallbackToken("depay", "p-2", callbackToken("depay", "p-1", NEW), keys)).toBe(false);
    expect(verifyCallbackToken("tumipay", "p-1", callbackToken("depay", "p-1", NEW), keys)).toBe(false);
    // The old secret's mac under the new key's id, or an id nobody has: refused.
    expect(verifyCallbackToken("depay", "p-1", `k2.${callbackToken("depay", "p-1", OLD)}`, keys)).toBe(false);
    expect(verifyCallbackToken("depay", "p-1", callbackToken("depay", "p-1", { id: "k9", secret: NEW.secret }), keys)).toBe(false);
    // Once the old secret is dropped, its URLs are refused.
    expect(verifyCallbackToken("depay", "p-1", callbackToken("depay", "p-1", OLD), [NEW])).toBe(false);
    expect(verifyCallbackToken("depay", "p-1", callbackToken("depay", "p-1", OLD), OLD)).toBe(true);
  });
});
