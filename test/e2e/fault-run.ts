// The fault run: every service in its own process on the real stack, payments of every method
// driven the way an upstream client drives them (retrying with the same Idempotency-Key until it
// gets an answer), providers that fail, time out and drop, repeat and reorder callbacks, and a
// chaos loop that kills services (and, when the stack is ours, restarts Kafka and Redis). At the
// end every payment's status in Riel is compared with the provider's truth (the sandboxes'
// /__sandbox/truth). Shared by the CI-sized test (faults.int.test.ts) and `pnpm bench faults`.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { BREB_TEST_KEYS, PERU_TEST_KEYS, QR_TEST_CODES } from "@riel/depay-sandbox";
import { TUMIPAY_TEST_DATA } from "@riel/tumipay-sandbox";
import { topics } from "@riel/schemas";
import type { StackSettings } from "../setup/stack-context.js";
import type { Cluster } from "./cluster.js";
import { startCluster } from "./cluster.js";
import { payer, TEST_API_KEY } from "./harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const run = promisify(execFile);

/** The sandboxes' fault profile (PUT /__sandbox/faults). */
export interface FaultProfile {
  readonly error5xx: number;
  readonly timeout: number;
  readonly duplicateCallback: number;
  readonly reorderCallback: number;
  readonly delayCallback: number;
  readonly maxDelayMs: number;
  readonly dropCallback: number;
  readonly seed: number;
  /** How long a timed-out answer is held before the connection is cut. */
  readonly timeoutHoldMs?: number;
}

/** The issue's profile: 10% 5xx, 5% timeouts, 10% duplicate and 10% reordered callbacks, 5% never sent. */
export const ISSUE_PROFILE: Omit<FaultProfile, "seed"> = {
  error5xx: 0.1,
  timeout: 0.05,
  duplicateCallback: 0.1,
  reorderCallback: 0.1,
  delayCallback: 0.1,
  maxDelayMs: 2_000,
  dropCallback: 0.05,
  timeoutHoldMs: 3_000,
};

export interface FaultRunOptions {
  readonly stack: StackSettings;
  readonly payments: number;
  /** Payments driven at once (closed loop). */
  readonly inFlight: number;
  readonly faults: FaultProfile;
  /** Services of SERVICES killed by the chaos loop (SIGKILL, then started again at once). */
  readonly kill: readonly string[];
  /** Kill one service every this many ms, round robin over `kill` (a shuffled order). 0: none. */
  readonly killEveryMs: number;
  /** At most this many kills in all (CI: one per service). */
  readonly maxKills?: number;
  /** Restart these stack parts once each, spread over the run (only when the stack is scripts/stack.sh's). */
  readonly restartInfra: readonly ("kafka" | "redis")[];
  /** How long to wait at the end for every payment to settle. */
  readonly quiesceMs: number;
  readonly log: (line: string) => void;
  /** Reconciliation's pace: the lifecycle's delays times this. */
  readonly reconcileScale?: number;
}

export interface MethodRow {
  accepted: number;
  finalCorrect: number;
  wrong: number;
  stuck: number;
  doubleEffects: number;
  lost: number;
}

export interface FaultRunReport {
  readonly rows: Map<string, MethodRow>;
  readonly deadLetters: Record<string, number>;
  readonly quiescenceMs: number;
  /** From a request's first attempt to its definitive answer, worst case. */
  readonly worstClientWaitMs: number;
  /** Time a request spent answered 409 "in progress", worst case. */
  readonly worstInProgressMs: number;
  /** Answers that disagree with what happened (e.g. a confirm refused for a payment that was paid). */
  readonly wrongAnswers: readonly string[];
  /** Why each payment not counted correct is not. */
  readonly problems: readonly string[];
  readonly kills: readonly { readonly service: string; readonly readyAfterMs: number }[];
  readonly infraRestarts: readonly { readonly part: string; readonly ms: number }[];
  readonly faultsInjected: Record<string, unknown>;
  readonly drivenMs: number;
  /** Payments that got a second preview because the first one's callback never came. */
  readonly repreviews: number;
}

interface Scenario {
  readonly name: string;
  readonly method: string;
  readonly provider: "depay" | "tumipay";
  readonly body: () => Record<string, unknown>;
  /** What upstream does once the payment stands at a decision point. */
  readonly decide: "ACCEPT" | "REJECT" | "AMOUNT_THEN_ACCEPT" | "NOTHING";
}

const ref = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;
const perPayer = (currency: string, taxIdType: string | null = null, taxId = "39053344705") => ({ fullName: "Ana Quispe", currency, accountNumber: "0009795493", taxId, taxIdType });
const payin = (channel: string, email: string) => ({
  method: "PERU_PAYIN",
  channel,
  amount: { amount: "150.00", currency: "PEN" },
  customer: { documentType: "DNI", documentNumber: "12345678", phoneCode: "51", phoneNumber: "987654321", email, fullName: "Rosa Huaman" },
  description: "Pedido 1024",
  redirectUrl: "https://shop.example.com/paid",
  externalReference: ref("pi"),
});

/** The mix: every method, mostly paid, some refused by the payer or the provider. */
export const SCENARIOS: readonly Scenario[] = [
  { name: "Pix key, accepted", method: "PIX_KEY", provider: "depay", decide: "ACCEPT", body: () => ({ method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "10.50", currency: "BRL" }, payer: payer(), externalReference: ref("px") }) },
  { name: "Pix key, rejected by the payer", method: "PIX_KEY", provider: "depay", decide: "REJECT", body: () => ({ method: "PIX_KEY", payeeKey: "390.533.447-05", amount: { amount: "7.00", currency: "BRL" }, payer: payer(), externalReference: ref("px") }) },
  { name: "EMV QR, closed amount", method: "EMV_QR", provider: "depay", decide: "ACCEPT", body: () => ({ method: "EMV_QR", qr: QR_TEST_CODES.closed, payer: payer(), externalReference: ref("qr") }) },
  { name: "EMV QR, open amount", method: "EMV_QR", provider: "depay", decide: "AMOUNT_THEN_ACCEPT", body: () => ({ method: "EMV_QR", qr: QR_TEST_CODES.open, payer: payer(), externalReference: ref("qr") }) },
  { name: "Peru CCI", method: "PERU_KEY", provider: "depay", decide: "ACCEPT", body: () => ({ method: "PERU_KEY", payeeKey: PERU_TEST_KEYS.cci, amount: { amount: "25.00", currency: "PEN" }, payer: perPayer("PEN", "DNI", "12345678"), externalReference: ref("pe") }) },
  { name: "Peru phone, a wallet chosen", method: "PERU_KEY", provider: "depay", decide: "ACCEPT", body: () => ({ method: "PERU_KEY", payeeKey: PERU_TEST_KEYS.phone, amount: { amount: "25.00", currency: "PEN" }, payer: perPayer("PEN", "DNI", "12345678"), externalReference: ref("pe") }) },
  { name: "Bre-B key", method: "BREB_KEY", provider: "depay", decide: "ACCEPT", body: () => ({ method: "BREB_KEY", payeeKey: BREB_TEST_KEYS.name, amount: { amount: "50000.00", currency: "COP" }, payer: perPayer("COP"), externalReference: ref("co") }) },
  { name: "Pay-in, bank transfer, paid", method: "PERU_PAYIN", provider: "tumipay", decide: "NOTHING", body: () => payin("BANK_TRANSFER", TUMIPAY_TEST_DATA.emails.paid) },
  { name: "Pay-in, QR, paid", method: "PERU_PAYIN", provider: "tumipay", decide: "NOTHING", body: () => payin("QR", TUMIPAY_TEST_DATA.emails.paid) },
  { name: "Pay-in, PagoEfectivo, rejected", method: "PERU_PAYIN", provider: "tumipay", decide: "NOTHING", body: () => payin("PAGOEFECTIVO", TUMIPAY_TEST_DATA.emails.rejected) },
];

/** Riel's status for the provider's final word; null while the provider has none. */
const DEPAY_TRUTH: Record<string, string> = { COMPLETED: "COMPLETED", CANCELED: "CANCELED", REJECTED: "REJECTED", FAILED: "FAILED", REFUNDED: "REFUNDED", PARTIALLY_REFUNDED: "PARTIALLY_REFUNDED" };
const TUMIPAY_TRUTH: Record<string, string> = { APPROVED: "COMPLETED", REJECTED: "REJECTED", DECLINED: "DECLINED", EXPIRED: "EXPIRED" };
const ENDED = new Set(["COMPLETED", "CANCELED", "REJECTED", "FAILED", "REFUNDED", "PARTIALLY_REFUNDED", "DECLINED", "EXPIRED"]);
const DECISION_POINTS = new Set(["CREATED", "WAITING_AMOUNT"]);

interface Truth {
  readonly status: string;
  readonly final: boolean;
  readonly orders: number;
  readonly payEffects: number;
}

interface Tracked {
  readonly scenario: Scenario;
  paymentId: string | null;
  createAnswer: number | null;
  confirmAnswer: number | null;
  confirmProblem: string | null;
  done: boolean;
}

const agent = new Agent({ connections: 64, keepAliveTimeout: 4_000 });

async function call(method: "GET" | "POST" | "PUT", url: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Record<string, unknown> }> {
  const res = await request(url, {
    method,
    dispatcher: agent,
    headers: { "content-type": "application/json", ...(new URL(url).pathname.startsWith("/v1/") ? { authorization: `Bearer ${TEST_API_KEY}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await res.body.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFaultRun(options: FaultRunOptions): Promise<FaultRunReport> {
  const { log } = options;
  const cluster: Cluster = await startCluster(options.stack, {
    reconcile: { scale: options.reconcileScale ?? 0.05, pollMs: 200 },
    env: {
      // Abandoned previews end (CANCELED) within the run instead of after 5 minutes.
      "depay-sandbox": { DEPAY_SANDBOX_PREVIEW_TTL_MS: "60000" },
    },
  });
  const faultsBody = { ...options.faults };
  for (const url of [cluster.sandboxUrl, cluster.tumipaySandboxUrl]) {
    const res = await call("PUT", `${url}/__sandbox/faults`, faultsBody);
    if (res.status !== 200) throw new Error(`PUT ${url}/__sandbox/faults answered ${res.status}: ${JSON.stringify(res.body)}`);
  }
  let worstClientWaitMs = 0;
  let worstInProgressMs = 0;
  const wrongAnswers: string[] = [];

  /** What a careful upstream client does: the same key until a definitive answer (not 5xx, not 409 in progress, not refused connection). */
  async function definitive(method: "POST", path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const key = randomUUID();
    const started = performance.now();
    let inProgress = 0;
    for (let attempt = 0; ; attempt++) {
      const before = performance.now();
      try {
        const res = await call(method, `${cluster.ingressUrl}${path}`, body, { "idempotency-key": key });
        const busy = res.status === 409 && res.body.title === "Request in progress";
        if (res.status < 500 && !busy) {
          worstClientWaitMs = Math.max(worstClientWaitMs, performance.now() - started);
          worstInProgressMs = Math.max(worstInProgressMs, inProgress);
          return res;
        }
        const retryAfter = Number(res.headers["retry-after"] ?? 0);
        const wait = busy ? Math.min(1_000, Math.max(100, retryAfter * 1000)) : 200;
        await pause(wait);
        if (busy) inProgress += performance.now() - before;
      } catch {
        await pause(200); // the ingress is down (killed): try again, as a client would
      }
      if (performance.now() - started > 180_000) throw new Error(`${method} ${path} got no definitive answer in 180 s`);
    }
  }

  async function view(paymentId: string): Promise<Record<string, unknown> | null> {
    for (;;) {
      try {
        const res = await call("GET", `${cluster.ingressUrl}/v1/payments/${paymentId}`);
        if (res.status === 404) return null;
        if (res.status === 200) return res.body;
      } catch {
        // the ingress is restarting
      }
      await pause(200);
    }
  }

  /** Waits until the payment stands at one of `statuses` or has ended; null after `boundMs`. */
  async function reach(paymentId: string, statuses: ReadonlySet<string>, boundMs: number): Promise<Record<string, unknown> | null> {
    const until = performance.now() + boundMs;
    let lastLook = performance.now();
    const there = (status: unknown): boolean => typeof status === "string" && (statuses.has(status) || ENDED.has(status));
    for (;;) {
      // A condition polled on the public events already seen, and on the view every 2 s in case the watcher lags.
      const seen = cluster.watcher.statusesOf(paymentId).at(-1);
      if (there(seen) || performance.now() - lastLook > 2_000) {
        lastLook = performance.now();
        const v = await view(paymentId);
        if (v && there(v.status)) return v;
      }
      if (performance.now() > until) return null;
      await pause(100);
    }
  }

  async function drive(t: Tracked): Promise<void> {
    const created = await definitive("POST", "/v1/payments", t.scenario.body());
    t.createAnswer = created.status;
    if (created.status !== 202) return;
    const paymentId = created.body.paymentId as string;
    t.paymentId = paymentId;
    if (t.scenario.decide === "NOTHING") return;
    let v = await reach(paymentId, DECISION_POINTS, 90_000);
    if (!v || ENDED.has(v.status as string)) return;
    if (t.scenario.decide === "AMOUNT_THEN_ACCEPT" && v.status === "WAITING_AMOUNT") {
      const set = await definitive("POST", `/v1/payments/${paymentId}/amount`, { amount: { amount: "12.30", currency: "PEN" } });
      if (set.status !== 202) return;
      v = await reach(paymentId, new Set(["CREATED"]), 90_000);
      if (!v || ENDED.has(v.status as string)) return;
    }
    const decision = t.scenario.decide === "REJECT" ? "REJECT" : "ACCEPT";
    const wallets = v.wallets as Array<{ id: string }> | null;
    const body = { decision, ...(decision === "ACCEPT" && wallets && wallets.length > 0 ? { walletId: wallets[0]?.id } : {}) };
    const answer = await definitive("POST", `/v1/payments/${paymentId}/confirm`, body);
    t.confirmAnswer = answer.status;
    if (answer.status !== 202) t.confirmProblem = `${answer.status} ${String(answer.body.title)}: ${String(answer.body.detail)}`;
  }

  // --- the chaos loop ---
  const kills: Array<{ service: string; readyAfterMs: number }> = [];
  const infraRestarts: Array<{ part: string; ms: number }> = [];
  let driving = true;
  const ourStack = existsSync(`${ROOT}/.stack/run/kafka.pid`) && existsSync(`${ROOT}/.stack/run/redis.pid`);
  const chaos = (async () => {
    if (options.killEveryMs <= 0 && options.restartInfra.length === 0) return;
    // The kill order turns with the seed, so a run is repeatable.
    const shift = options.faults.seed % Math.max(1, options.kill.length);
    const order = [...options.kill.slice(shift), ...options.kill.slice(0, shift)];
    let n = 0;
    const infra = ourStack ? [...options.restartInfra] : [];
    if (!ourStack && options.restartInfra.length > 0) log("the stack is not scripts/stack.sh's: Kafka and Redis are not restarted");
    // With maxKills the plan is carried out in full (the CI run may drive its payments faster than it); else the chaos stops with the drivers.
    const planLeft = (): boolean => infra.length > 0 || (options.maxKills !== undefined && options.killEveryMs > 0 && kills.length < options.maxKills);
    while (driving || planLeft()) {
      await pause(options.killEveryMs > 0 ? options.killEveryMs : 5_000);
      if (!driving && !planLeft()) break;
      // Every third step restarts a stack part while there are any left to restart.
      if (infra.length > 0 && (options.killEveryMs <= 0 || n % 3 === 2)) {
        const part = infra.shift() as string;
        const t0 = performance.now();
        log(`chaos: restarting ${part} (SIGKILL)`);
        try {
          await run("bash", ["scripts/stack.sh", "restart", part, "--kill"], { cwd: ROOT });
        } catch (error) {
          // The part did not come back in time: bring it up again, as an operator would, and say so.
          log(`chaos: ${part} did not restart (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); starting it again`);
          await run("bash", ["scripts/stack.sh", "up"], { cwd: ROOT });
        }
        infraRestarts.push({ part, ms: Math.round(performance.now() - t0) });
      } else if (options.killEveryMs > 0 && order.length > 0 && (options.maxKills === undefined || kills.length < options.maxKills)) {
        const service = order[kills.length % order.length] as string;
        const t0 = performance.now();
        await cluster.crashAndRestart(service);
        kills.push({ service, readyAfterMs: Math.round(performance.now() - t0) });
        log(`chaos: killed and restarted ${service} (${kills.length}), ready after ${kills.at(-1)?.readyAfterMs} ms`);
      }
      n++;
    }
  })();

  // --- the drivers ---
  const tracked: Tracked[] = Array.from({ length: options.payments }, (_, i) => ({ scenario: SCENARIOS[i % SCENARIOS.length] as Scenario, paymentId: null, createAnswer: null, confirmAnswer: null, confirmProblem: null, done: false }));
  const t0 = performance.now();
  let next = 0;
  let finished = 0;
  await Promise.all(
    Array.from({ length: options.inFlight }, async () => {
      while (next < tracked.length) {
        const t = tracked[next++] as Tracked;
        await drive(t);
        if (++finished % 500 === 0) log(`driven ${finished}/${tracked.length}`);
      }
    }),
  );
  const drivenMs = performance.now() - t0;
  driving = false;
  await chaos;
  log(`all ${tracked.length} payments driven in ${Math.round(drivenMs / 1000)} s; waiting for quiescence`);

  // --- quiescence: every payment in Riel where its provider says it is ---
  const truthOf = async (url: string): Promise<Record<string, Truth>> => (await call("GET", `${url}/__sandbox/truth`)).body.payments as Record<string, Truth>;
  const expected = (t: Tracked, depay: Record<string, Truth>, tumipay: Record<string, Truth>): { truth: Truth | undefined; riel: string | null } => {
    const truth = t.paymentId === null ? undefined : (t.scenario.provider === "depay" ? depay : tumipay)[t.paymentId];
    if (!truth) return { truth, riel: null };
    return { truth, riel: (t.scenario.provider === "depay" ? DEPAY_TRUTH : TUMIPAY_TRUTH)[truth.status] ?? null };
  };
  const q0 = performance.now();
  const statuses = new Map<string, string | null>();
  let depay: Record<string, Truth> = {};
  let tumipay: Record<string, Truth> = {};
  for (;;) {
    depay = await truthOf(cluster.sandboxUrl);
    tumipay = await truthOf(cluster.tumipaySandboxUrl);
    const open = tracked.filter((t) => t.paymentId !== null && !t.done);
    for (let i = 0; i < open.length; i += 32) {
      await Promise.all(
        open.slice(i, i + 32).map(async (t) => {
          const v = await view(t.paymentId as string);
          const status = (v?.status as string | undefined) ?? null;
          statuses.set(t.paymentId as string, status);
          const { riel } = expected(t, depay, tumipay);
          // Settled: ended in Riel where the provider ended it, or refused before the provider had an order.
          t.done = status !== null && ENDED.has(status) && (riel === status || (riel === null && expected(t, depay, tumipay).truth === undefined));
        }),
      );
    }
    if (tracked.every((t) => t.paymentId === null || t.done) || performance.now() - q0 > options.quiesceMs) break;
    await pause(1_000);
  }
  const quiescenceMs = performance.now() - q0;

  // --- the table ---
  const rows = new Map<string, MethodRow>();
  const problems: string[] = [];
  let repreviews = 0;
  for (const t of tracked) {
    const row = rows.get(t.scenario.method) ?? { accepted: 0, finalCorrect: 0, wrong: 0, stuck: 0, doubleEffects: 0, lost: 0 };
    rows.set(t.scenario.method, row);
    if (t.createAnswer !== 202 || t.paymentId === null) {
      problems.push(`${t.scenario.name}: create answered ${t.createAnswer}`);
      continue;
    }
    row.accepted++;
    const status = statuses.get(t.paymentId) ?? null;
    const { truth, riel } = expected(t, depay, tumipay);
    // Money moved twice (a pay, or a pay-in transaction, took effect twice). A second order is a new preview (REPREVIEW), which moves no money.
    if (truth && truth.payEffects > 1) {
      row.doubleEffects++;
      problems.push(`${t.paymentId} (${t.scenario.name}): ${truth.payEffects} pay effects at the provider (${truth.orders} orders)`);
    }
    if (truth && truth.orders > 1) repreviews++;
    if (status === null) {
      row.lost++;
      problems.push(`${t.paymentId} (${t.scenario.name}): accepted (202) but Riel has no such payment`);
    } else if (t.done) row.finalCorrect++;
    else if (ENDED.has(status) && riel !== null && riel !== status) {
      row.wrong++;
      problems.push(`${t.paymentId} (${t.scenario.name}): Riel says ${status}, the provider ${truth?.status}`);
    } else {
      row.stuck++;
      problems.push(`${t.paymentId} (${t.scenario.name}): stuck in ${status}; the provider says ${truth?.status ?? "nothing (no order)"}`);
    }
    if (t.confirmAnswer !== null && t.confirmAnswer !== 202 && truth && truth.payEffects > 0 && t.scenario.decide !== "REJECT") {
      wrongAnswers.push(`${t.paymentId}: confirm answered ${t.confirmProblem} but the provider paid it`);
    }
  }
  const deadLetters: Record<string, number> = {};
  for (const topic of Object.values(topics)) deadLetters[topic.name] = await cluster.topicCount(`${topic.name}.dlq`).catch(() => 0);
  const faultsInjected: Record<string, unknown> = {
    depay: (await call("GET", `${cluster.sandboxUrl}/__sandbox/faults`)).body.injected,
    tumipay: (await call("GET", `${cluster.tumipaySandboxUrl}/__sandbox/faults`)).body.injected,
  };
  await cluster.stop();
  return { rows, deadLetters, quiescenceMs, worstClientWaitMs, worstInProgressMs, wrongAnswers, problems, kills, infraRestarts, faultsInjected, drivenMs, repreviews };
}

/** The report as the table the issue asks for. */
export function printFaultReport(report: FaultRunReport, print: (line: string) => void): void {
  print(`${"method".padEnd(12)} ${"accepted".padStart(9)} ${"final+ok".padStart(9)} ${"wrong".padStart(6)} ${"stuck".padStart(6)} ${"double".padStart(7)} ${"lost".padStart(5)}`);
  const total: MethodRow = { accepted: 0, finalCorrect: 0, wrong: 0, stuck: 0, doubleEffects: 0, lost: 0 };
  for (const [method, r] of [...report.rows.entries()].sort()) {
    print(`${method.padEnd(12)} ${String(r.accepted).padStart(9)} ${String(r.finalCorrect).padStart(9)} ${String(r.wrong).padStart(6)} ${String(r.stuck).padStart(6)} ${String(r.doubleEffects).padStart(7)} ${String(r.lost).padStart(5)}`);
    for (const k of Object.keys(total) as Array<keyof MethodRow>) total[k] += r[k];
  }
  print(`${"all".padEnd(12)} ${String(total.accepted).padStart(9)} ${String(total.finalCorrect).padStart(9)} ${String(total.wrong).padStart(6)} ${String(total.stuck).padStart(6)} ${String(total.doubleEffects).padStart(7)} ${String(total.lost).padStart(5)}`);
  print(`dead letters: ${JSON.stringify(report.deadLetters)}; payments re-previewed after a lost preview callback: ${report.repreviews}`);
  print(`wrong client answers: ${report.wrongAnswers.length}; worst client wait ${Math.round(report.worstClientWaitMs)} ms (of it answered "in progress": ${Math.round(report.worstInProgressMs)} ms)`);
  print(`driven in ${Math.round(report.drivenMs / 1000)} s; quiescence after ${Math.round(report.quiescenceMs / 1000)} s`);
  print(`kills: ${report.kills.length} (${report.kills.map((k) => `${k.service} ready in ${k.readyAfterMs} ms`).join(", ")})`);
  print(`stack restarts: ${report.infraRestarts.map((r) => `${r.part} ${r.ms} ms`).join(", ") || "none"}`);
  print(`faults injected: ${JSON.stringify(report.faultsInjected)}`);
  for (const p of report.problems.slice(0, 30)) print(`  ${p}`);
  if (report.problems.length > 30) print(`  ... and ${report.problems.length - 30} more`);
}
