import { CliError } from "./settings.js";

export interface ApiSettings {
  readonly url: string;
  readonly apiKey: string | undefined;
}

/** A call to the ingress API with the API key (which needs `scope`); the JSON answer, or an error naming the status and the problem's detail. */
export async function apiCall(api: ApiSettings, method: "GET" | "POST", path: string, scope = "payments:read"): Promise<unknown> {
  if (!api.apiKey) throw new CliError(`an API key is needed: set RIEL_API_KEY or pass --api-key (a key with ${scope})`, 2);
  const target = `${api.url.replace(/\/+$/, "")}${path}`;
  let res: Response;
  try {
    res = await fetch(target, { method, headers: { authorization: `Bearer ${api.apiKey}`, accept: "application/json" } });
  } catch (error) {
    throw new CliError(`${target}: no answer (${error instanceof Error ? error.message : String(error)}); is the ingress running there? (--url or RIEL_URL)`);
  }
  const text = await res.text();
  if (!res.ok) {
    let detail = text.slice(0, 500);
    try {
      const problem = JSON.parse(text) as { title?: string; detail?: string };
      detail = [problem.title, problem.detail].filter(Boolean).join(": ");
    } catch {
      // not JSON: keep the text
    }
    throw new CliError(`${res.status} from ${path}: ${detail}`);
  }
  return JSON.parse(text) as unknown;
}

export const apiGet = (api: ApiSettings, path: string): Promise<unknown> => apiCall(api, "GET", path);

export const getPayment = (api: ApiSettings, id: string): Promise<unknown> => {
  if (!/^[\x21-\x7e]{1,200}$/.test(id) || id.includes("/")) throw new CliError("payment id: must be the id the API gave (printable, no slash)", 2);
  return apiGet(api, `/v1/payments/${encodeURIComponent(id)}`);
};

export async function findPayments(api: ApiSettings, externalReference: string, limit: number): Promise<unknown[]> {
  const out: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page = (await apiGet(api, `/v1/payments?externalReference=${encodeURIComponent(externalReference)}&limit=${Math.min(200, limit)}${cursor ? `&cursor=${cursor}` : ""}`)) as { payments: unknown[]; next: string | null };
    out.push(...page.payments);
    cursor = page.next;
  } while (cursor !== null && out.length < limit);
  return out.slice(0, limit);
}
