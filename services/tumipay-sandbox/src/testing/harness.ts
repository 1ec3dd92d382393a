import { startCallbackReceiver, type CallbackReceiver } from "@riel/sandbox-kit";
import { createTumipaySandbox, type TumipaySandbox, type TumipaySandboxOptions } from "../sandbox.js";
import { TUMIPAY_TEST_DATA } from "../test-data.js";

export const TOKEN_TOP = "sandbox-token-top";
export const BASIC = Buffer.from("merchant:s3cret").toString("base64");
export const AUTH = { "token-top": TOKEN_TOP, authorization: `Basic ${BASIC}` } as const;

export interface Harness {
  readonly sandbox: TumipaySandbox;
  readonly receiver: CallbackReceiver;
  /** POST /api/v1/payin with the credentials; the body as JSON (or as the given text). */
  payin(body: unknown, headers?: Record<string, string>): Promise<Response>;
  payinRaw(text: string, headers?: Record<string, string>): Promise<Response>;
  lookup(ticket: string, headers?: Record<string, string>): Promise<Response>;
  /** Any request to the app, without credentials (hosted page, admin). */
  request(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<TumipaySandboxOptions> = {}): Promise<Harness> {
  const receiver = await startCallbackReceiver();
  const sandbox = createTumipaySandbox({
    tokenTop: TOKEN_TOP,
    basic: BASIC,
    callbackDelayMs: 0,
    callbackRetry: { baseDelayMs: 0, maxDelayMs: 0 },
    ...options,
  });
  const payinRaw = async (text: string, headers: Record<string, string> = {}): Promise<Response> =>
    sandbox.app.request("/api/v1/payin", { method: "POST", body: text, headers: { ...AUTH, "content-type": "application/json", ...headers } });
  return {
    sandbox,
    receiver,
    payinRaw,
    payin: (body, headers) => payinRaw(JSON.stringify(body), headers),
    lookup: async (ticket, headers = {}) => sandbox.app.request(`/api/v1/transaction/${encodeURIComponent(ticket)}`, { headers: { ...AUTH, ...headers } }),
    request: async (path, init) => sandbox.app.request(path, init),
    async close() {
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** The document's request example, with the IPN pointed at the receiver. */
export function payinBody(receiverUrl: string, overrides: Record<string, unknown> = {}, customer: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    reference: "13cNPNGbX7meiMppXzVz7g781ysektqq5X",
    amount: 150,
    currency: "PEN",
    country: "PE",
    payment_method: "ALL_METHODS",
    description: "Test PayIn",
    customer_data: { ...TUMIPAY_TEST_DATA.customer, ...customer },
    expiration_time: 720,
    ipn_url: `${receiverUrl}/webhook`,
    redirect_url: "https://your-domain.com/payment/success",
    ...overrides,
  };
}

export interface CreatedAnswer {
  readonly code: string;
  readonly status: string;
  readonly message: string;
  readonly data: {
    readonly ticket: string;
    readonly date: string;
    readonly payment_url: string;
    readonly qr_code_base_64?: string;
    readonly transaction: Record<string, unknown>;
  };
}

export async function readCreated(response: Response): Promise<CreatedAnswer> {
  const text = await response.text();
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${text}`);
  const answer = JSON.parse(text) as CreatedAnswer;
  if (answer.code !== "01") throw new Error(`create answered an error: ${text}`);
  return answer;
}

/** Creates a transaction; returns its ticket. */
export async function createTransaction(h: Harness, overrides: Record<string, unknown> = {}, customer: Record<string, unknown> = {}): Promise<string> {
  const answer = await readCreated(await h.payin(payinBody(h.receiver.url, overrides, customer)));
  return answer.data.ticket;
}

export function ipnBodies(h: Harness): Record<string, unknown>[] {
  return h.receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
}
