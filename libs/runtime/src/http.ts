import { serve } from "@hono/node-server";

export interface RunningHttp {
  readonly url: string;
  stop(): Promise<void>;
}

/** Serves `fetch` and resolves once listening; port 0 picks a free port. */
export function listen(fetch: (request: Request, env?: unknown) => Response | Promise<Response>, port: number, host = "127.0.0.1"): Promise<RunningHttp> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: host }, (info) => {
      resolve({
        url: `http://${host}:${info.port}`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
