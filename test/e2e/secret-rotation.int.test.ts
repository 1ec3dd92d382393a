// Rotating the webhook secret the way an operator does: restart the receiver and the connectors
// with a new current secret (and a key id) and the old one as previous, then, once the payments
// that were given the old URLs have ended, restart without it.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callbackUrl } from "@riel/provider-port";
import { requireStack } from "../setup/stack.js";
import { confirm, createdPayment } from "./api.js";
import type { Cluster } from "./cluster.js";
import { startCluster } from "./cluster.js";

const stack = requireStack();

/** A callback's answer: 400 means the URL's token was taken and the body read (an empty body is no callback); 401 means the token was refused. */
async function postEmpty(url: string): Promise<number> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  await res.text();
  return res.status;
}

describe("webhook secret rotation", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(stack);
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  /** Stops a service as a deployment does (SIGTERM) and starts it with `env`, the receiver on its own port. */
  const restart = async (name: string, env: Record<string, string>): Promise<void> => {
    await cluster.processes.get(name)?.kill("SIGTERM");
    const port: Record<string, string> = name === "webhook-receiver" ? { WEBHOOK_PORT: new URL(cluster.webhookUrl).port } : {};
    await cluster.start(name, { ...env, ...port });
  };

  it("keeps an in-flight payment's callbacks valid across a rotation, signs new payments with the new key, and refuses the old one once dropped", async () => {
    const old = cluster.webhookSecret;
    const inFlight = await createdPayment(cluster);
    const oldUrl = callbackUrl(cluster.webhookUrl, "depay", inFlight.paymentId, old);
    expect(await postEmpty(oldUrl)).toBe(400);

    const current = randomBytes(32).toString("hex");
    const rotated = { WEBHOOK_SECRET: current, WEBHOOK_SECRET_ID: "k2", WEBHOOK_PREVIOUS_SECRETS: old };
    await restart("webhook-receiver", rotated);
    await restart("depay-connector", rotated);
    await restart("tumipay-connector", rotated);

    // The payment previewed under the old secret pays, its provider's callbacks still taken.
    const accepted = await confirm(cluster, inFlight.paymentId, "ACCEPT");
    expect(accepted.status).toBe(202);
    const completed = await cluster.watcher.waitFor(inFlight.paymentId, "COMPLETED");
    expect(completed.status).toBe("COMPLETED");
    expect(await postEmpty(oldUrl)).toBe(400);

    // A new payment's preview callback came through a URL under the new key (the connector signs with k2 only).
    const fresh = await createdPayment(cluster);
    expect(await postEmpty(callbackUrl(cluster.webhookUrl, "depay", fresh.paymentId, { id: "k2", secret: current }))).toBe(400);
    expect(await postEmpty(callbackUrl(cluster.webhookUrl, "depay", fresh.paymentId, { id: "k3", secret: current }))).toBe(401);

    // Every payment given the old URLs has ended: the old secret goes, and its URLs with it.
    await restart("webhook-receiver", { WEBHOOK_SECRET: current, WEBHOOK_SECRET_ID: "k2" });
    expect(await postEmpty(oldUrl)).toBe(401);
    expect(await postEmpty(callbackUrl(cluster.webhookUrl, "depay", fresh.paymentId, { id: "k2", secret: current }))).toBe(400);
  });
});
