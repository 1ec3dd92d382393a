import type { Context } from "hono";
import type { FieldError } from "@riel/payments";

/** RFC 9457 problem details, with the broken rules listed by field. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
}

export function problem(c: Context, p: Omit<Problem, "type"> & { readonly type?: string }): Response {
  const body: Problem = { type: p.type ?? "about:blank", ...p };
  return c.body(JSON.stringify(body), p.status as 400, { "content-type": "application/problem+json" });
}
