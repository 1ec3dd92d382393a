import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

// A real HTTP listener on 127.0.0.1, port 0, that records the callbacks it
// gets. Tests await waitFor(n) instead of sleeping.

export interface ReceivedCallback {
  /** The request target exactly as it arrived (path and query). */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The answer the receiver gave. */
  readonly answeredWith: number;
}

export interface CallbackReceiver {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  readonly received: readonly ReceivedCallback[];
  /** Resolves once `count` callbacks have arrived, with all received so far. */
  waitFor(count: number): Promise<ReceivedCallback[]>;
  /** Status codes for the next requests, one each, in order; 200 once they are used up. */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startCallbackReceiver(): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  const answers: number[] = [];
  const waiters: { count: number; resolve: (all: ReceivedCallback[]) => void }[] = [];

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answeredWith = answers.shift() ?? 200;
      received.push({
        target: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answeredWith,
      });
      response.writeHead(answeredWith, { "content-type": "text/plain" }).end("ok");
      for (const waiter of [...waiters]) {
        if (received.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve([...received]);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(count) {
      if (received.length >= count) return Promise.resolve([...received]);
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    respondWith(...statuses) {
      answers.push(...statuses);
    },
    close() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
