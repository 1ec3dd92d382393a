import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createTumipaySandbox, type TumipaySandbox, type TumipaySandboxOptions } from "./sandbox.js";

export interface StartTumipaySandboxOptions extends TumipaySandboxOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningTumipaySandbox {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly sandbox: TumipaySandbox;
  close(): Promise<void>;
}

export async function startTumipaySandbox(options: StartTumipaySandboxOptions): Promise<RunningTumipaySandbox> {
  const { port, host = "127.0.0.1", ...sandboxOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`port must be an integer from 0 to 65535, got ${port}`);
  const sandbox = createTumipaySandbox(sandboxOptions);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const listening: ServerType = serve({ fetch: sandbox.app.fetch, port, hostname: host }, () => resolve(listening));
    listening.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    sandbox,
    close() {
      closing ??= (async () => {
        // Held answers end first, so the server has no request left to wait for.
        const sandboxClosed = sandbox.close();
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
        await sandboxClosed;
      })();
      return closing;
    },
  };
}
