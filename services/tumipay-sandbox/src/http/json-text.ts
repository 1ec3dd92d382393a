import { stringifyJson, type JsonValue } from "@riel/sandbox-kit";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An answer whose body holds JsonNumbers (amounts), written exactly; c.json would turn them into objects. */
export function jsonText(c: Context, status: ContentfulStatusCode, text: string): Response {
  return c.body(text, status, { "content-type": "application/json; charset=UTF-8" });
}

export function exactJson(c: Context, status: ContentfulStatusCode, value: JsonValue): Response {
  return jsonText(c, status, stringifyJson(value));
}
