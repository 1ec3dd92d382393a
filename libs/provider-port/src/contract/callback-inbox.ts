import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ProviderReport, WebhookModule } from "../port.js";

interface Received {
  readonly paymentId: string;
  readonly body: string;
  readonly reports: readonly ProviderReport[];
}

/**
 * A stand-in for the webhook receiver: collects the provider's callbacks, reads them with the
 * provider's own webhook module, and lets a test await a report by payment and status.
 */
export class CallbackInbox {
  readonly received: Received[] = [];
  #waiters: Array<{ paymentId: string; statuses: readonly string[]; resolve: (r: ProviderReport) => void }> = [];
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const paymentId = decodeURIComponent((req.url ?? "").split("/").at(-1) ?? "");
      const body = Buffer.concat(chunks).toString("utf8");
      const parsed = this.webhooks.parse(body, paymentId);
      res.statusCode = parsed.kind === "OK" ? this.webhooks.acknowledgement.status : 400;
      res.end(JSON.stringify(parsed.kind === "OK" ? this.webhooks.acknowledgement.body : parsed.errors));
      if (parsed.kind === "OK") this.#add({ paymentId, body, reports: parsed.reports });
    });
  });

  constructor(private readonly webhooks: WebhookModule) {}

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, "127.0.0.1", resolve));
  }

  urlFor(paymentId: string): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/cb/${encodeURIComponent(paymentId)}`;
  }

  #add(received: Received): void {
    this.received.push(received);
    for (const report of received.reports) {
      this.#waiters = this.#waiters.filter((w) => {
        const hit = w.paymentId === received.paymentId && w.statuses.includes(report.status);
        if (hit) w.resolve(report);
        return !hit;
      });
    }
  }

  /** The first report of this payment in one of these statuses, received before or later. */
  waitFor(paymentId: string, ...statuses: readonly string[]): Promise<ProviderReport> {
    for (const r of this.received) {
      const hit = r.paymentId === paymentId ? r.reports.find((report) => statuses.includes(report.status)) : undefined;
      if (hit) return Promise.resolve(hit);
    }
    return new Promise((resolve) => this.#waiters.push({ paymentId, statuses, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
