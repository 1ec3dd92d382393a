import http from "node:http";
import https from "node:https";

export interface PostResult {
  readonly statusCode: number;
}

export type PostJson = (
  url: string,
  body: string,
  headers: Readonly<Record<string, string>>,
  options: { readonly timeoutMs: number; readonly signal: AbortSignal },
) => Promise<PostResult>;

/**
 * POSTs `body` to `url` with the request target taken verbatim from the URL
 * text. fetch() would run the URL through WHATWG parsing, which rewrites some
 * paths (dot segments, some characters); the client chose its URL, possibly
 * with a secret segment or query, and must receive it unchanged.
 */
export const postJson: PostJson = (url, body, headers, { timeoutMs, signal }) => {
  const parsed = new URL(url);
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (authority === null || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
    return Promise.reject(new Error("callback URL must be http(s)"));
  }
  let target = url.slice(authority[0].length);
  const hash = target.indexOf("#");
  if (hash >= 0) target = target.slice(0, hash);
  if (!target.startsWith("/")) target = `/${target}`;

  const transport = parsed.protocol === "https:" ? https : http;
  const payload = Buffer.from(body, "utf8");
  const auth = parsed.username === "" ? undefined : `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;

  return new Promise<PostResult>((resolve, reject) => {
    const request = transport.request(
      {
        method: "POST",
        protocol: parsed.protocol,
        hostname: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
        port: parsed.port === "" ? undefined : Number(parsed.port),
        path: target,
        auth,
        signal,
        timeout: timeoutMs,
        headers: {
          ...headers,
          host: parsed.host,
          "content-type": "application/json",
          "content-length": String(payload.length),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ statusCode: response.statusCode ?? 0 }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(payload);
  });
};
