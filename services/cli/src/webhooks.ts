import type { ApiSettings } from "./payments.js";
import { apiCall } from "./payments.js";
import { CliError } from "./settings.js";

const SCOPE = "webhooks:manage";
const ID = /^(we|whd)_[0-9a-f]{1,64}$/;

function checked(id: string, what: string): string {
  if (!ID.test(id)) throw new CliError(`${what}: must be an id the API gave (we_… for an endpoint, whd_… for a delivery)`, 2);
  return encodeURIComponent(id);
}

export const listEndpoints = (api: ApiSettings): Promise<unknown> => apiCall(api, "GET", "/v1/webhook-endpoints", SCOPE);

export const listDeliveries = (api: ApiSettings, endpointId: string, limit: number): Promise<unknown> =>
  apiCall(api, "GET", `/v1/webhook-endpoints/${checked(endpointId, "endpoint id")}/deliveries?limit=${limit}`, SCOPE);

/** Sends a delivered or failed delivery again, the same message (same webhook-id), through the ingress API. */
export const redeliver = (api: ApiSettings, deliveryId: string): Promise<unknown> => {
  if (!deliveryId.startsWith("whd_")) throw new CliError("delivery id: must be a delivery's id (whd_…), as the delivery log shows it", 2);
  return apiCall(api, "POST", `/v1/webhook-deliveries/${checked(deliveryId, "delivery id")}/redeliver`, SCOPE);
};
