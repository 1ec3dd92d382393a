import { createDepaySandbox, type DepaySandbox, type DepaySandboxOptions } from "../sandbox.js";
import { startCallbackReceiver, type CallbackReceiver } from "./callback-receiver.js";

export const TOKEN = "sandbox-test-token";
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

export interface Harness {
  readonly sandbox: DepaySandbox;
  readonly receiver: CallbackReceiver;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
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
