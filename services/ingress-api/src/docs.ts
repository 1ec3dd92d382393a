import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Env, Hono } from "hono";
import { Scalar } from "@scalar/hono-api-reference";
import { problem } from "@riel/runtime";

const BUNDLE_URL = "/docs/scalar.js";

/**
 * Scalar's standalone bundle as its package ships it (`dist/browser/standalone.js` of
 * @scalar/api-reference), or null when the package is not installed. Its `exports` do not list
 * the file, so it is found from the package's entry point.
 */
function bundlePath(): string | null {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve("@scalar/api-reference");
  } catch {
    return null;
  }
  let dir = dirname(entry);
  while (!existsSync(join(dir, "package.json")) && dirname(dir) !== dir) dir = dirname(dir);
  const path = join(dir, "dist", "browser", "standalone.js");
  return existsSync(path) ? path : null;
}

/**
 * `GET /docs`: the interactive API reference (Scalar) of the document at `documentUrl`. Its script
 * is served from the installed package at /docs/scalar.js rather than Scalar's CDN, so the page
 * works where no CDN is reachable and always matches the installed version.
 */
export function mountDocs<E extends Env>(app: Hono<E>, options: { readonly documentUrl: string; readonly title: string }): void {
  let bundle: Promise<Uint8Array<ArrayBuffer> | null> | undefined;
  const readBundle = async (): Promise<Uint8Array<ArrayBuffer> | null> => {
    const path = bundlePath();
    return path === null ? null : new Uint8Array(await readFile(path));
  };
  app.get(
    "/docs",
    // Nothing that needs Scalar's services: no hosted fonts, telemetry, AI agent, MCP or developer toolbar.
    Scalar({
      url: options.documentUrl,
      cdn: BUNDLE_URL,
      pageTitle: options.title,
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
      showDeveloperTools: "never",
    }),
  );
  app.get(BUNDLE_URL, async (c) => {
    // Read once; a failed read is not kept, so the next request tries again.
    bundle ??= readBundle().catch((error: unknown) => {
      bundle = undefined;
      throw error;
    });
    const script = await bundle;
    if (script === null) return problem(c, { status: 503, title: "API reference unavailable", detail: "the package @scalar/api-reference, which holds the reference's script, is not installed" });
    return c.body(script, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" });
  });
}
