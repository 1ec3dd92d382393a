import { parseDecimal, toFixed } from "@riel/sandbox-kit";
import type { PaymentMethod } from "../http/payin-request.js";
import type { Transaction } from "../transactions/transaction-store.js";
import { tumipayDate } from "../wire/dates.js";

// The hosted payment page (payment_url), server-rendered. Everything that
// comes from a request is escaped; the page has no script.

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export const METHOD_LABELS: Readonly<Record<PaymentMethod, string>> = {
  BANK_TRANSFER: "Transferencia bancaria",
  QR: "Código QR",
  PAGOEFECTIVO: "PagoEfectivo",
  ALL_METHODS: "Todos los medios de pago",
  CARD: "Tarjeta de crédito o débito",
};

/** S/ with two decimals, from the decimal string (never a float). */
export function formatSoles(amount: string): string {
  const decimal = parseDecimal(amount);
  return decimal === undefined ? `S/ ${amount}` : `S/ ${toFixed(decimal, 2)}`;
}

/** The page's actions, each a form POSTing to `main/<action>?s=<ticket>` (relative, so a public URL with a path prefix works). */
export const PAGE_ACTIONS = [
  { action: "pay", label: "Pagar" },
  { action: "reject", label: "Rechazar" },
  { action: "expire", label: "Dejar expirar" },
] as const;
export type PageAction = (typeof PAGE_ACTIONS)[number]["action"];

const layout = (title: string, body: string): string => `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}dt{font-weight:600}dd{margin:0 0 .5rem}form{display:inline}button{margin:.25rem;padding:.5rem 1rem}</style>
</head>
<body>
${body}
</body>
</html>
`;

export function renderPaymentPage(t: Transaction, options: { qrPngBase64?: string }): string {
  const rows: [string, string][] = [
    ["Referencia del comercio", t.reference],
    ["Monto", formatSoles(t.amount)],
    ["Medio de pago", METHOD_LABELS[t.paymentMethod]],
    ["Estado", t.status],
    ["Vence", `${tumipayDate(t.expiresAt)} (hora de Lima)`],
  ];
  if (t.description !== null) rows.push(["Descripción", t.description]);
  if (t.cip !== null) rows.push(["Código CIP", t.cip]);
  const details = rows.map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd data-field="${escapeHtml(term)}">${escapeHtml(value)}</dd>`).join("\n");
  const qr =
    options.qrPngBase64 === undefined ? "" : `<p><img src="data:image/png;base64,${escapeHtml(options.qrPngBase64)}" alt="Escanea para pagar"></p>\n`;
  const ticketQuery = `?s=${encodeURIComponent(t.ticket)}`;
  const actionable = t.status === "CREATED" || (t.status === "PENDING" && t.plannedOutcome === null);
  const actions = actionable
    ? `<p>${PAGE_ACTIONS.map(({ action, label }) => `<form method="post" action="${escapeHtml(`main/${action}${ticketQuery}`)}"><button type="submit" name="action" value="${action}">${escapeHtml(label)}</button></form>`).join("")}</p>\n`
    : "";
  return layout(
    "TumiPay - Pago",
    `<h1>TumiPay (sandbox)</h1>
<dl>
${details}
</dl>
${qr}${actions}<p><a href="${escapeHtml(t.redirectUrl)}">Volver al comercio</a></p>`,
  );
}

export function renderMessagePage(title: string, message: string): string {
  return layout(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
