import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The address a request came from: its socket's peer, or, when that peer is one of
 * `trustedProxies`, the right-most address in X-Forwarded-For that is not a trusted proxy (what
 * a client cannot forge past the proxies). "unknown" outside a Node server (tests' app.request).
 */
export function sourceAddress(c: Context, trustedProxies: ReadonlySet<string>): string {
  let peer: string | undefined;
  try {
    peer = getConnInfo(c).remote.address;
  } catch {
    peer = undefined;
  }
  if (peer === undefined) return "unknown";
  const bare = peer.replace(/^::ffff:/, "");
  if (!trustedProxies.has(bare)) return bare;
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim().replace(/^::ffff:/, ""))
    .filter(Boolean);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    const address = forwarded[i] as string;
    if (!trustedProxies.has(address)) return address.slice(0, 64);
  }
  return bare;
}
