import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createDepaySandbox, type DepaySandbox, type DepaySandboxOptions } from "./sandbox.js";

export interface StartDepaySandboxOptions extends DepaySandboxOptions {
  /** 0 picks a free port. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningDepaySandbox {
  /** Base URL without trailing slash, e.g. http://127.0.0.1:43123 */
  readonly url: string;
  readonly sandbox: DepaySandbox;
  close(): Promise<void>;
}

export async function startDepaySandbox(options: StartDepaySandboxOptions): Promise<RunningDepaySandbox> {
  const { port, host = "127.0.0.1", ...sandboxOptions } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new TypeError(`port must be an integer from 0 to 65535, got ${port}`);
  const sandbox = createDepaySandbox(sandboxOptions);

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
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          if ("closeAllConnections" in server) server.closeAllConnections();
        });
        await sandbox.close();
      })();
      return closing;
    },
  };
}
