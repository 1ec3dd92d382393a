import { startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { createDepaySandbox, type DepaySandbox, type DepaySandboxOptions } from "../sandbox.js";

export const TOKEN = "sandbox-test-token";
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

export interface Harness {
  readonly sandbox: DepaySandbox;
  readonly receiver: CallbackReceiver;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  put(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Like post, with the body sent as the given text (for exact-number and malformed-JSON cases). */
  postRaw(path: string, text: string, headers?: Record<string, string>): Promise<Response>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<DepaySandboxOptions> = {}): Promise<Harness> {
  const receiver = await startCallbackReceiver();
  const sandbox = createDepaySandbox({
    token: TOKEN,
    callbackDelayMs: 0,
    callbackRetry: { baseDelayMs: 0, maxDelayMs: 0 },
    ...options,
  });
  const postRaw = async (path: string, text: string, headers: Record<string, string> = {}): Promise<Response> =>
    sandbox.app.request(path, { method: "POST", body: text, headers: { ...AUTH, "content-type": "application/json", ...headers } });
  return {
    sandbox,
    receiver,
    postRaw,
    post: (path, body, headers) => postRaw(path, JSON.stringify(body), headers),
    put: async (path, body, headers = {}) =>
      sandbox.app.request(path, { method: "PUT", body: JSON.stringify(body), headers: { ...AUTH, "content-type": "application/json", ...headers } }),
    get: async (path, headers = {}) => sandbox.app.request(path, { headers: { ...AUTH, ...headers } }),
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

export function previewBody(receiverUrl: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dict_key: "8f27d7dc-aa2a-42a8-9f4c-7998dfef5202",
    external_reference: "5201M17",
    notification_url: `${receiverUrl}/previews`,
    amount: 10,
    user: { full_name: "Joao Santos", currency: "BRL", account_number: "0009795493", tax_id: "39053344705" },
    ...overrides,
  };
}

export function parseJsonBody(text: string): Record<string, unknown> {
  return JSON.parse(text) as Record<string, unknown>;
}

/** Runs a preview and returns the order id announced by its callback. */
export async function createOrder(h: Harness, overrides: Record<string, unknown> = {}): Promise<string> {
  const before = h.receiver.received.length;
  const response = await h.post("/v2/payments/previews/dictkey", previewBody(h.receiver.url, overrides));
  if (response.status !== 200) throw new Error(`preview failed: ${response.status} ${await response.text()}`);
  const all = await h.receiver.waitFor(before + 1);
  const callback = all[before];
  if (callback === undefined) throw new Error("no preview callback");
  const order = parseJsonBody(callback.body).order as { id: string };
  return order.id;
}

/** Posts a DICT-style preview (Pix, Bre-B, Peru) and returns the order id and the preview callback's body. */
export async function previewOrder(h: Harness, path: string, body: Record<string, unknown>): Promise<{ orderId: string; callback: Record<string, unknown> }> {
  const before = h.receiver.received.length;
  const response = await h.post(path, body);
  if (response.status !== 200) throw new Error(`preview failed: ${response.status} ${await response.text()}`);
  const all = await h.receiver.waitFor(before + 1);
  const received = all[before];
  if (received === undefined) throw new Error("no preview callback");
  const callback = parseJsonBody(received.body);
  return { orderId: (callback.order as { id: string }).id, callback };
}

export const PERU_PREVIEW = "/v2/payments/previews/dictkey/peru";

export function peruPreviewBody(receiverUrl: string, dictKey: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    dict_key: dictKey,
    amount: 50,
    external_reference: "pe-ref-1",
    notification_url: `${receiverUrl}/previews`,
    user: { full_name: "Rosa Quispe", currency: "PEN", account_number: "1920001234", tax_id: "45678912", tax_id_type: "DNI" },
    ...overrides,
  };
}

/** Pays an order (accepted) with the notification_url `${receiver}/payments` and waits until every step and callback is done. */
export async function payAndSettle(h: Harness, orderId: string, extra: Record<string, unknown> = {}): Promise<Response> {
  const response = await h.post("/v2/payments", { order_id: orderId, status: "accepted", notification_url: `${h.receiver.url}/payments`, ...extra });
  await h.sandbox.idle();
  return response;
}

export function qrPreviewBody(receiverUrl: string, qr: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    qr,
    external_reference: "e8a7a740-6f47-11ec-90d6-0242ac120003",
    notification_url: `${receiverUrl}/previews`,
    user: { full_name: "Juan Pedro", currency: "ARS", account_number: "234200234", tax_id: "20125548964" },
    ...overrides,
  };
}

/** Runs a QR preview; returns the order id and the body of the callback that announced it. */
export async function createQrOrder(
  h: Harness,
  qr: string,
  overrides: Record<string, unknown> = {},
): Promise<{ orderId: string; callback: Record<string, unknown> }> {
  const before = h.receiver.received.length;
  const response = await h.post("/v2/payments/previews", qrPreviewBody(h.receiver.url, qr, overrides));
  if (response.status !== 200) throw new Error(`QR preview failed: ${response.status} ${await response.text()}`);
  const all = await h.receiver.waitFor(before + 1);
  const received = all[before];
  if (received === undefined) throw new Error("no QR preview callback");
  const callback = parseJsonBody(received.body);
  const nested = callback.order as { id: string } | undefined;
  const orderId = nested?.id ?? (callback.order_id as string | undefined);
  if (orderId === undefined) throw new Error(`QR preview callback names no order: ${received.body}`);
  return { orderId, callback };
}

/** The example printed in depay-qr-code.txt: its framing and its CRC are both broken (see libs/rails/README.md), so the provider would refuse it. */
export const DEPAY_DOC_QR_EXAMPLE =
  "00020101021102080000000041370012com.98113069226478599020143160012B000004538315015001130707101020512600220000532607300067079179520454115802AR5916Test Homo COELSA6015CABA - Ciudad A6107M5515AP53023262100706S0279981050001I63042A58";
