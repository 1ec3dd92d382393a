/** One broken rule of a request or command, by field: `payer.taxId: must be at most 50 characters`. */
export interface FieldError {
  readonly field: string;
  readonly rule: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errors: readonly FieldError[] };

/** zod issues as field errors. */
export function fieldErrors(issues: ReadonlyArray<{ readonly path: readonly PropertyKey[]; readonly message: string }>, prefix = ""): FieldError[] {
  return issues.map((i) => ({ field: prefix + (i.path.map(String).join(".") || "body"), rule: i.message }));
}
