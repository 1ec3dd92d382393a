import type { Context } from "hono";

/** One broken rule of a request, by field. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
}

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

/** zod issues as field errors: `payer.taxId: must be at most 50 characters`. */
export function fieldErrors(issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>, prefix = ""): FieldError[] {
  return issues.map((i) => ({ field: prefix + (i.path.map(String).join(".") || "body"), rule: i.message }));
}
