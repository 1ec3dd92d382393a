// The operators' dashboard in a real browser (Debian's chromium through playwright-core), on the
// real Kafka, Redis and schema registry: a payment completed through the API appears in the list
// without a reload (Server-Sent Events from the public events topic), and its page shows its
// timeline in order with the source of each status. Screenshots are kept as CI artifacts under
// test-artifacts/dashboard/.
import { existsSync, mkdirSync } from "node:fs";
import { setTimeout as delay } from "node:timers/promises";
import { chromium } from "playwright-core";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireStack } from "../setup/stack.js";
import { http, pixPayment } from "./harness.js";
import type { OnStack } from "./on-stack.js";
import { startOnStack } from "./on-stack.js";

const stack = requireStack();
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = new URL("../../test-artifacts/dashboard/", import.meta.url);
const DASHBOARD_TOKEN = "dashboard-test-token-0123456789";

describe("the dashboard", () => {
  let on: OnStack;
  let riel: OnStack["riel"];
  let watcher: OnStack["watcher"];
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    // Once ready: every service, the dashboard's feed included, is in its consumer groups.
    on = await startOnStack(stack, "dashboard-test", { dashboard: { kind: "token", token: DASHBOARD_TOKEN } });
    ({ riel, watcher } = on);
    browser = await chromium.launch({ executablePath: CHROMIUM });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await on?.stop();
  });

  it("asks for its token, then shows a payment completed through the API live, and its timeline in order", async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 1000 } });
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));

    // Without the token: the sign-in form, and the data routes refuse.
    expect((await page.goto(`${riel.ingressUrl}/dashboard`))?.status()).toBe(401);
    expect((await http("GET", `${riel.ingressUrl}/dashboard/api/payments`)).status).toBe(401);
    await page.fill("input[name=token]", "not-the-token-at-all");
    await page.click("button[type=submit]");
    await page.getByRole("alert").waitFor();
    await page.fill("input[name=token]", DASHBOARD_TOKEN);
    await page.click("button[type=submit]");
    await page.waitForSelector("body[data-loaded=true]");
    await page.waitForSelector("#live[data-state=on]");

    // A payment through the API while the page is open: it appears, and reaches COMPLETED, with no reload.
    const reference = `dash-${Date.now()}`;
    const created = await http("POST", `${riel.ingressUrl}/v1/payments`, pixPayment({ externalReference: reference }), { "idempotency-key": reference });
    expect(created.status).toBe(202);
    const paymentId = (created.body as { paymentId: string }).paymentId;
    await watcher.waitFor(paymentId, "CREATED");
    const accepted = await http("POST", `${riel.ingressUrl}/v1/payments/${paymentId}/confirm`, { decision: "ACCEPT" }, { "idempotency-key": `${reference}-accept` });
    expect(accepted.status).toBe(202);
    await watcher.waitFor(paymentId, "COMPLETED");
    const row = page.locator(`#payments tr[data-payment-id="${paymentId}"]`);
    await row.locator("td.status-COMPLETED").waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain(reference);
    expect(await page.locator("#funnel").innerText()).toContain("PIX_KEY");
    await page.screenshot({ path: new URL("payments.png", ARTIFACTS).pathname });

    // The filter finds it by its external reference, and only it.
    await page.fill("input[name=externalReference]", reference);
    await page.click("#filters button[type=submit]");
    const listed = (): Promise<Array<string | null>> => page.locator("#payments tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-payment-id")));
    while ((await listed()).join() !== paymentId) await delay(100);

    // Its page: every status in the order it happened, each with its source, and the payee's tax id masked.
    await row.locator("a").click();
    await page.waitForSelector("#timeline");
    const steps = await page.locator("#timeline .step").evaluateAll((items) => items.map((li) => ({ status: li.querySelector(".status")?.textContent, source: li.querySelector(".source")?.textContent })));
    const history = watcher.events.filter((e) => e.envelope.paymentId === paymentId).map((e) => e.status);
    expect(steps.map((s) => s.status)).toEqual([...new Set(history)]);
    expect(steps.map((s) => s.status)).toEqual(["RECEIVED", "CREATED", "PROCESSING", "COMPLETED"]);
    expect(steps[0]?.source).toBe("command");
    const words: Record<string, string> = { COMMAND: "command", PROVIDER_CALLBACK: "callback", PROVIDER_RESPONSE: "provider response", STATUS_QUERY: "status query" };
    const view = (await http("GET", `${riel.ingressUrl}/v1/payments/${paymentId}`)).body as { history: Array<{ status: string; source: string }> };
    expect(steps).toEqual(view.history.map((h) => ({ status: h.status, source: words[h.source] })));
    const text = await page.locator("main").innerText();
    expect(text).toContain("10.50 BRL");
    expect(text).not.toContain("39053344705");
    await page.screenshot({ path: new URL("payment.png", ARTIFACTS).pathname, fullPage: true });
    expect(failures, "script errors on the page").toEqual([]);
  });
});
