/**
 * The dashboard's script, served as /dashboard/app.js: plain browser JavaScript, no build step.
 * It renders with textContent and createElement only, so nothing from a payment is read as HTML.
 */
export const CLIENT_JS = String.raw`
const $ = (selector) => document.querySelector(selector);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child ?? "")));
  return node;
};
const link = (paymentId) => el("a", { href: "/dashboard/payments/" + encodeURIComponent(paymentId) }, paymentId.slice(0, 8) + "…");
const money = (m) => (m ? m.amount + " " + m.currency : "—");
const COLORS = { RECEIVED: "#98a2b3", CREATED: "#53b1fd", WAITING_AMOUNT: "#84caff", PROCESS_LATER: "#b2ddff", PROCESSING: "#2e90fa", COMPLETED: "#12b76a", PARTIALLY_REFUNDED: "#6ce9a6", REFUNDED: "#039855", REJECTED: "#f04438", FAILED: "#d92d20", CANCELED: "#fda29b", EXPIRED: "#f79009" };
const fill = (tbody, rows) => { tbody.replaceChildren(...rows); };
const getJson = async (url) => { const r = await fetch(url, { credentials: "same-origin" }); if (!r.ok) throw new Error(url + ": " + r.status); return r.json(); };

async function loadPayments() {
  const form = new FormData($("#filters"));
  const query = new URLSearchParams();
  for (const [k, v] of form) {
    if (v === "") continue;
    query.set(k, k === "from" || k === "to" ? new Date(v).toISOString() : v);
  }
  query.set("limit", "50");
  const page = await getJson("/dashboard/api/payments?" + query);
  fill($("#payments tbody"), page.payments.map((p) => el("tr", { "data-payment-id": p.paymentId },
    el("td", {}, p.createdAt), el("td", {}, link(p.paymentId)), el("td", {}, p.method), el("td", {}, p.provider),
    el("td", {}, money(p.amount)), el("td", { class: "status-" + p.status }, p.status), el("td", {}, p.externalReference))));
  $("#more").textContent = page.next ? "Newest 50 shown: narrow the filters to find older ones." : page.payments.length + " payment(s).";
}

function funnel(data) {
  const box = $("#funnel");
  const methods = Object.keys(data.funnel).sort();
  if (methods.length === 0) { box.replaceChildren(el("p", { class: "muted" }, "No payments yet.")); return; }
  box.replaceChildren(...methods.map((method) => {
    const counts = data.funnel[method];
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const bar = el("div", { class: "bar", role: "img", "aria-label": method });
    const legend = el("div", { class: "legend" });
    for (const [status, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
      const span = el("span", { title: status + ": " + n });
      span.style.width = (100 * n / total) + "%";
      span.style.background = COLORS[status] || "#667085";
      bar.append(span);
      legend.append(status + " " + n + "  ");
    }
    return el("div", {}, el("strong", {}, method + " (" + total + ")"), bar, legend);
  }));
}

function latency(data) {
  const { buckets, count, p50Ms, p90Ms } = data.latency;
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  const w = 44, h = 120, max = Math.max(1, ...buckets.map((b) => b.count));
  svg.setAttribute("viewBox", "0 0 " + (buckets.length * w) + " " + (h + 30));
  svg.setAttribute("width", "100%");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", "latency histogram");
  buckets.forEach((b, i) => {
    const bh = Math.round(h * b.count / max);
    const rect = document.createElementNS(ns, "rect");
    rect.setAttribute("x", String(i * w + 4)); rect.setAttribute("y", String(h - bh));
    rect.setAttribute("width", String(w - 8)); rect.setAttribute("height", String(bh)); rect.setAttribute("fill", "#2e90fa");
    const title = document.createElementNS(ns, "title"); title.textContent = b.count + " payment(s)"; rect.append(title);
    const label = document.createElementNS(ns, "text");
    label.setAttribute("x", String(i * w + w / 2)); label.setAttribute("y", String(h + 14)); label.setAttribute("text-anchor", "middle");
    label.textContent = b.le === null ? "more" : b.le >= 1000 ? "≤" + (b.le / 1000) + "s" : "≤" + b.le + "ms";
    svg.append(rect, label);
  });
  $("#latency").replaceChildren(svg, el("p", { class: "muted" }, count + " completed; p50 " + (p50Ms ?? "—") + " ms, p90 " + (p90Ms ?? "—") + " ms (of the newest " + data.scanned + " payments)"));
}

async function loadOverview() {
  const data = await getJson("/dashboard/api/overview");
  funnel(data);
  latency(data);
  fill($("#attention tbody"), data.attention.map((a) => el("tr", {}, el("td", {}, link(a.paymentId)), el("td", {}, a.method), el("td", {}, a.status), el("td", {}, a.since), el("td", {}, a.checks), el("td", {}, a.reason))));
  fill($("#waiting tbody"), data.waiting.map((p) => el("tr", {}, el("td", {}, link(p.paymentId)), el("td", {}, p.method), el("td", {}, p.status), el("td", {}, p.updatedAt))));
}

const letterRow = (d) => el("tr", {}, el("td", {}, d.failedAt), el("td", {}, el("code", {}, d.id)), el("td", {}, d.sourceTopic), el("td", {}, d.group), el("td", {}, d.key), el("td", {}, d.reason));
async function loadDeadLetters() {
  const data = await getJson("/dashboard/api/dead-letters");
  fill($("#dead-letters tbody"), data.deadLetters.map(letterRow));
}

/** Runs work at most once per wait, however much news comes: the overview reads a thousand payments. */
const throttled = (work, wait) => {
  let pending = null;
  return () => { if (pending) return; pending = setTimeout(() => { pending = null; work().catch(console.error); }, wait); };
};

function live(onPayment, onLetter) {
  const source = new EventSource("/dashboard/events");
  source.addEventListener("open", () => { $("#live").dataset.state = "on"; });
  source.addEventListener("error", () => { $("#live").dataset.state = "off"; });
  source.addEventListener("payment", (e) => onPayment(JSON.parse(e.data)));
  source.addEventListener("dead-letter", (e) => onLetter(JSON.parse(e.data)));
}

const paymentSection = $("#payment");
if (paymentSection) {
  const id = paymentSection.dataset.paymentId;
  const reload = throttled(async () => location.reload(), 300);
  live((news) => { if (news.paymentId === id) reload(); }, () => {});
} else {
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); loadPayments().catch(console.error); });
  const all = async () => { await Promise.all([loadPayments(), loadOverview(), loadDeadLetters()]); document.body.dataset.loaded = "true"; };
  all().catch(console.error);
  const list = throttled(loadPayments, 300);
  const overview = throttled(loadOverview, 5000);
  live(() => { list(); overview(); }, (letter) => $("#dead-letters tbody").prepend(letterRow(letter)));
}
`;
