import { depayCapabilities, depayWebhooks } from "@riel/provider-depay";
import type { Capabilities, WebhookModule } from "@riel/provider-port";
import { tumipayCapabilities, tumipayWebhooks } from "@riel/provider-tumipay";

/** What Riel knows of a provider without talking to it: what it offers, and how to read its callbacks. */
export interface ProviderModule {
  readonly name: string;
  readonly capabilities: Capabilities;
  readonly webhooks: WebhookModule;
}

/** Every provider Riel speaks to. A new provider is one library under libs/providers/ and one entry here. */
export const PROVIDERS: readonly ProviderModule[] = [
  { name: "depay", capabilities: depayCapabilities, webhooks: depayWebhooks },
  { name: "tumipay", capabilities: tumipayCapabilities, webhooks: tumipayWebhooks },
];

export function providerOf(name: string): ProviderModule | undefined {
  return PROVIDERS.find((p) => p.name === name);
}
