import { randomBytes } from "node:crypto";
import { startDepayConnector } from "@riel/depay-connector";
import { startDepaySandbox } from "@riel/depay-sandbox";
import { startIngress } from "@riel/ingress-api";
import type { InfraSettings, Log } from "@riel/runtime";
import { connectInfra } from "@riel/runtime";
import { startStatusProjector } from "@riel/status-projector";
import { startWebhookReceiver } from "@riel/webhook-receiver";

export interface EmbeddedOptions {
  readonly infra: InfraSettings;
  readonly ingressPort: number;
  readonly webhookPort: number;
  readonly sandboxPort: number;
  readonly callbackDelayMs?: number;
  readonly log: Log;
}

export interface RunningRiel {
  readonly ingressUrl: string;
  readonly webhookUrl: string;
  readonly sandboxUrl: string;
  stop(): Promise<void>;
}

/** All five services and the Depay sandbox in one process, each with its own bus and store connection. */
export async function startEmbedded(options: EmbeddedOptions): Promise<RunningRiel> {
  const { log } = options;
  const sandboxToken = randomBytes(16).toString("hex");
  const webhookSecret = randomBytes(32).toString("hex");
  const sandbox = await startDepaySandbox({ port: options.sandboxPort, token: sandboxToken, callbackDelayMs: options.callbackDelayMs ?? 0 });

  const connect = (name: string) => connectInfra(options.infra, `riel-${name}`, (line) => log(line, { service: name }));
  const [ingressInfra, webhookInfra, connectorInfra, projectorInfra] = await Promise.all([
    connect("ingress-api"),
    connect("webhook-receiver"),
    connect("depay-connector"),
    connect("status-projector"),
  ]);
  const webhook = await startWebhookReceiver(webhookInfra, { port: options.webhookPort, secret: () => webhookSecret, log });
  const projector = await startStatusProjector(projectorInfra, { log });
  const connector = await startDepayConnector(connectorInfra, {
    depayBaseUrl: sandbox.url,
    depayToken: () => sandboxToken,
    webhookBaseUrl: webhook.url,
    webhookSecret: () => webhookSecret,
    log,
  });
  const ingress = await startIngress(ingressInfra, { port: options.ingressPort, log });
  return {
    ingressUrl: ingress.url,
    webhookUrl: webhook.url,
    sandboxUrl: sandbox.url,
    async stop() {
      await ingress.stop();
      await webhook.stop();
      await connector.stop();
      await projector.stop();
      await sandbox.close();
      for (const infra of [ingressInfra, webhookInfra, connectorInfra, projectorInfra]) await infra.close();
    },
  };
}
