import type { PaymentView } from "@riel/payments";
import { METHODS } from "@riel/payments";
import { PAYMENT_STATUSES } from "@riel/rails";
import type { DeliveryInfo, EndpointInfo } from "@riel/webhooks";
import { qrPng } from "../png.js";

/** Text for HTML, attribute values included. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch] ?? ch);
}


function layout(title: string, body: string, script: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Riel</title>
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<header><a href="/dashboard" class="brand">Riel</a> <nav><a href="/dashboard">Payments</a> <a href="/dashboard/webhooks">Webhooks</a></nav> <span class="live" id="live" data-state="off">live</span></header>
<main>
${body}
</main>
${script ? `<script src="/dashboard/app.js" type="module"></script>` : ""}
</body>
</html>`;
}

const options = (values: readonly string[]): string => ["", ...values].map((v) => `<option value="${escapeHtml(v)}">${v === "" ? "any" : escapeHtml(v)}</option>`).join("");

export function listPage(): string {
  const providers = [...new Set(METHODS.map((m) => m.provider))];
  return layout(
    "Payments",
    `<section class="row">
  <div class="card grow"><h2>Status by method</h2><div id="funnel" class="funnel"></div></div>
  <div class="card grow"><h2>Creation to COMPLETED</h2><div id="latency"></div></div>
</section>
<section class="card">
<h2>Payments</h2>
<form id="filters" class="filters">
  <label>Method <select name="method">${options(METHODS.map((m) => m.method))}</select></label>
  <label>Status <select name="status">${options(PAYMENT_STATUSES)}</select></label>
  <label>Provider <select name="provider">${options(providers)}</select></label>
  <label>From <input name="from" type="datetime-local" step="1"></label>
  <label>To <input name="to" type="datetime-local" step="1"></label>
  <label>External reference <input name="externalReference" maxlength="200"></label>
  <button type="submit">Filter</button>
</form>
<table id="payments"><thead><tr><th>Created</th><th>Payment</th><th>Method</th><th>Provider</th><th>Amount</th><th>Status</th><th>External reference</th></tr></thead><tbody></tbody></table>
<p class="muted" id="more"></p>
</section>
<section class="row">
  <div class="card grow"><h2>Needs attention</h2><table id="attention"><thead><tr><th>Payment</th><th>Method</th><th>Stuck in</th><th>Since</th><th>Checks</th><th>Reason</th></tr></thead><tbody></tbody></table></div>
  <div class="card grow"><h2>Reconciliation queue</h2><p class="muted">Not final, unchanged for a minute or more: their providers are being asked.</p><table id="waiting"><thead><tr><th>Payment</th><th>Method</th><th>Status</th><th>Last change</th></tr></thead><tbody></tbody></table></div>
</section>
<section class="card"><h2>Dead letters</h2><table id="dead-letters"><thead><tr><th>Failed at</th><th>Letter</th><th>Source topic</th><th>Group</th><th>Key</th><th>Reason</th></tr></thead><tbody></tbody></table></section>`,
    true,
  );
}

const money = (m: { amount: string; currency: string } | null): string => (m ? `${escapeHtml(m.amount)} ${escapeHtml(m.currency)}` : "—");
const row = (label: string, value: string): string => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;
const SOURCES: Readonly<Record<string, string>> = { COMMAND: "command", PROVIDER_CALLBACK: "callback", PROVIDER_RESPONSE: "provider response", STATUS_QUERY: "status query" };

/** A payment's page: its timeline, amounts, refunds, the provider's ids and the payer's instructions. `view` is already masked for the reader. */
export function paymentPage(view: PaymentView): string {
  const timeline = view.history
    .map(
      (h, i) =>
        `<li class="step" data-status="${escapeHtml(h.status)}"><span class="dot"></span><div><strong class="status">${escapeHtml(h.status)}</strong> <span class="source">${escapeHtml(SOURCES[h.source] ?? h.source)}</span><br><time datetime="${escapeHtml(h.at)}">${escapeHtml(h.at)}</time>${i > 0 ? ` <span class="muted">+${escapeHtml(String(Date.parse(h.at) - Date.parse(view.history[0]?.at ?? h.at)))} ms</span>` : ""}${h.reason ? `<div class="reason">${escapeHtml(h.reason)}</div>` : ""}</div></li>`,
    )
    .join("");
  const refunds =
    view.refunds.length === 0
      ? `<p class="muted">No refunds.</p>`
      : `<table><thead><tr><th>Refund</th><th>Amount</th><th>Status</th><th>Asked</th><th>Updated</th><th>Reason</th></tr></thead><tbody>${view.refunds
          .map((r) => `<tr><td>${escapeHtml(r.refundId ?? "(the provider's)")}</td><td>${money(r.amount)}</td><td>${escapeHtml(r.status)}</td><td>${escapeHtml(r.requestedAt)}</td><td>${escapeHtml(r.updatedAt)}</td><td>${escapeHtml(r.reason ?? "")}</td></tr>`)
          .join("")}</tbody></table>`;
  const instructions = view.payerInstructions;
  const png = qrPng(instructions?.qrPngBase64);
  const qr = png ? `<img class="qr" alt="QR code to pay" src="data:image/png;base64,${png.toString("base64")}">` : "";
  const payer = instructions
    ? `<section class="card"><h2>Payer's instructions</h2><table>${[
        instructions.paymentUrl ? row("Payment link", `<a href="${escapeHtml(instructions.paymentUrl)}" rel="noreferrer noopener" target="_blank">${escapeHtml(instructions.paymentUrl)}</a>`) : "",
        instructions.ticket ? row("Voucher / ticket", escapeHtml(instructions.ticket)) : "",
        instructions.expiresAt ? row("Expires", escapeHtml(instructions.expiresAt)) : "",
      ].join("")}</table>${qr}</section>`
    : "";
  return layout(
    `Payment ${view.paymentId}`,
    `<section class="card" id="payment" data-payment-id="${escapeHtml(view.paymentId)}">
<h1>Payment <code>${escapeHtml(view.paymentId)}</code> <span class="badge" id="status">${escapeHtml(view.status)}</span></h1>
<p>${escapeHtml(view.nextStep)}</p>
</section>
<section class="row">
<div class="card grow"><h2>Timeline</h2><ol id="timeline" class="timeline">${timeline}</ol>${view.attention ? `<p class="attention">Needs attention: ${escapeHtml(view.attention.reason)} (${escapeHtml(String(view.attention.checks))} checks)</p>` : ""}</div>
<div class="card grow"><h2>Details</h2><table>${[
      row("Method", escapeHtml(view.method)),
      row("Provider", escapeHtml(view.provider)),
      row("Provider's order", view.providerOrderId ? `<code>${escapeHtml(view.providerOrderId)}</code>` : "—"),
      row("External reference", escapeHtml(view.externalReference)),
      row("Amount", money(view.amount)),
      row("Local amount", money(view.localAmount)),
      row("Payer's amount", money(view.userAmount)),
      row("Refunded", money(view.refundedAmount)),
      row("Collector", view.collector ? escapeHtml(Object.values(view.collector).filter((v) => typeof v === "string" && v !== "").join(" · ")) : "—"),
      row("Reason", escapeHtml(view.reason ?? "—")),
      row("Created", escapeHtml(view.createdAt)),
      row("Updated", escapeHtml(view.updatedAt)),
    ].join("")}</table></div>
</section>
<section class="card"><h2>Refunds</h2>${refunds}</section>
${payer}`,
    true,
  );
}

/** Merchants' webhook endpoints, each with its newest deliveries: what went out, what waits, what failed and why. */
export function webhooksPage(endpoints: ReadonlyArray<{ readonly endpoint: EndpointInfo; readonly waiting: number; readonly deliveries: readonly DeliveryInfo[] }>): string {
  const answer = (d: DeliveryInfo): string =>
    d.lastResponse === null ? "—" : `${escapeHtml(d.lastResponse.status === null ? (d.lastResponse.error ?? "no answer") : String(d.lastResponse.status))} <span class="muted">${escapeHtml(String(d.lastResponse.ms))} ms</span>`;
  const cards = endpoints.map(
    ({ endpoint, waiting, deliveries }) => `<section class="card endpoint" data-endpoint-id="${escapeHtml(endpoint.id)}">
<h2><code>${escapeHtml(endpoint.id)}</code> ${escapeHtml(endpoint.url)}</h2>
<p class="muted">${escapeHtml(endpoint.eventTypes.join(", "))}${endpoint.description ? ` · ${escapeHtml(endpoint.description)}` : ""} · since ${escapeHtml(endpoint.createdAt)} · <span class="waiting">${escapeHtml(String(waiting))}</span> payments waiting</p>
<table class="deliveries"><thead><tr><th>Enqueued</th><th>Delivery</th><th>Event</th><th>Payment</th><th>Status</th><th>Attempts</th><th>Last answer</th><th>Next attempt</th></tr></thead><tbody>${deliveries
      .map(
        (d) =>
          `<tr data-delivery-id="${escapeHtml(d.id)}"><td>${escapeHtml(d.enqueuedAt)}</td><td><code>${escapeHtml(d.id)}</code></td><td>${escapeHtml(d.type)}</td><td><a href="/dashboard/payments/${encodeURIComponent(d.paymentId)}"><code>${escapeHtml(d.paymentId.slice(0, 8))}</code></a></td><td class="delivery-${escapeHtml(d.status)}">${escapeHtml(d.status)}</td><td>${escapeHtml(String(d.attempts))}</td><td>${answer(d)}</td><td>${escapeHtml(d.nextAttemptAt ?? "—")}</td></tr>`,
      )
      .join("")}</tbody></table>
</section>`,
  );
  return layout(
    "Webhooks",
    cards.length === 0
      ? `<section class="card"><h1>Webhooks</h1><p class="muted">No webhook endpoints. Register one with POST /v1/webhook-endpoints (scope webhooks:manage).</p></section>`
      : `<section class="card"><h1>Webhooks</h1><p class="muted">Each endpoint's newest deliveries. Send one again with <code>riel webhooks redeliver &lt;delivery&gt;</code> or POST /v1/webhook-deliveries/{id}/redeliver.</p></section>\n${cards.join("\n")}`,
    false,
  );
}

export function loginPage(failed: boolean): string {
  return layout(
    "Sign in",
    `<section class="card narrow"><h1>Riel dashboard</h1>
<form method="post" action="/dashboard/login">
<label>Dashboard token <input name="token" type="password" autocomplete="current-password" required maxlength="500"></label>
<button type="submit">Sign in</button>
${failed ? `<p class="error" role="alert">That token is not the dashboard's.</p>` : ""}
</form></section>`,
    false,
  );
}

export const CSS = `
:root { color-scheme: light; --ink: #1b2430; --muted: #667085; --line: #e4e7ec; --accent: #0b6bcb; --ok: #12805c; --bad: #b42318; --warn: #b54708; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--ink); background: #f6f7f9; }
header { display: flex; gap: 12px; align-items: center; padding: 10px 20px; background: #101828; color: #fff; }
header .brand { color: #fff; font-weight: 700; text-decoration: none; font-size: 16px; }
header nav { display: flex; gap: 12px; flex: 1; } header nav a { color: #d0d5dd; text-decoration: none; }
.delivery-DELIVERED { color: var(--ok); font-weight: 600; } .delivery-FAILED { color: var(--bad); font-weight: 600; } .delivery-PENDING { color: var(--warn); font-weight: 600; }
.live { font-size: 12px; padding: 2px 8px; border-radius: 10px; background: #475467; }
.live[data-state="on"] { background: var(--ok); }
main { padding: 16px 20px; display: grid; gap: 16px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; overflow-x: auto; }
.narrow { max-width: 420px; }
.row { display: flex; gap: 16px; flex-wrap: wrap; }
.grow { flex: 1 1 420px; }
h1 { font-size: 18px; margin: 0 0 6px; } h2 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
.muted { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 10px; }
.filters label { display: grid; gap: 2px; font-size: 12px; color: var(--muted); }
input, select, button { font: inherit; padding: 4px 6px; }
button { background: var(--accent); color: #fff; border: 0; border-radius: 6px; padding: 6px 12px; cursor: pointer; }
.badge { font-size: 13px; padding: 2px 8px; border-radius: 10px; background: #eef4ff; color: var(--accent); }
.status-COMPLETED, .status-REFUNDED, .status-PARTIALLY_REFUNDED { color: var(--ok); font-weight: 600; }
.status-REJECTED, .status-FAILED, .status-CANCELED, .status-EXPIRED { color: var(--bad); font-weight: 600; }
.timeline { list-style: none; margin: 0; padding: 0; }
.step { display: flex; gap: 10px; padding: 6px 0; border-left: 2px solid var(--line); margin-left: 6px; padding-left: 12px; position: relative; }
.step .dot { position: absolute; left: -7px; top: 10px; width: 12px; height: 12px; border-radius: 50%; background: var(--accent); }
.source { font-size: 12px; color: var(--muted); background: #f2f4f7; border-radius: 8px; padding: 1px 6px; }
.reason, .attention, .error { color: var(--bad); }
.qr { width: 200px; height: 200px; image-rendering: pixelated; margin-top: 8px; }
.funnel { display: grid; gap: 10px; }
.bar { display: flex; height: 18px; border-radius: 4px; overflow: hidden; background: #f2f4f7; }
.bar span { display: block; height: 100%; }
.legend { font-size: 12px; color: var(--muted); }
svg text { font-size: 11px; fill: var(--muted); }
`;
