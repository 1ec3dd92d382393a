import { z } from "@hono/zod-openapi";
import type { FieldError, StoredPayment } from "@riel/payments";
import { fieldErrors, METHODS, paymentTags, readPayment } from "@riel/payments";
import { PAYMENT_STATUSES } from "@riel/rails";
import type { ProjectionStore } from "@riel/store";

/** Where a page ends: the time and projection id of the last payment looked at. Opaque to callers. */
export interface ListCursor {
  readonly at: number;
  readonly id: string;
}

const PROVIDERS = [...new Set(METHODS.map((m) => m.provider))];
/** How many listed payments one request reads at most, whatever the filters: a page may come back short, with `next`. */
export const SCAN_LIMIT = 1_000;
export const MAX_PAGE = 200;

export const encodeCursor = (cursor: ListCursor): string => Buffer.from(`${cursor.at}|${cursor.id}`).toString("base64url");

function decodeCursor(text: string): ListCursor | null {
  const [at, id, ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  if (rest.length > 0 || at === undefined || id === undefined || !/^\d{1,16}$/.test(at) || !/^payment:[\x21-\x7e]{1,200}$/.test(id)) return null;
  return { at: Number(at), id };
}

const instant = (field: string) =>
  z
    .string()
    .refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), `must be an ISO 8601 date-time, e.g. 2026-11-22T14:00:00Z`)
    .transform((s) => Date.parse(s))
    .openapi({ description: `Payments created ${field} this instant (inclusive)`, example: "2026-11-22T14:00:00Z" });

/** The query of `GET /v1/payments`: every filter optional, combined with AND. */
export const paymentListQuerySchema = z
  .object({
    externalReference: z.string().min(1).max(200).optional().openapi({ description: "Only payments with this external reference", example: "order-7781" }),
    method: z.enum(METHODS.map((m) => m.method) as [string, ...string[]]).optional().openapi({ description: "Only payments of this method" }),
    provider: z.enum(PROVIDERS as [string, ...string[]]).optional().openapi({ description: "Only payments served by this provider" }),
    status: z
      .string()
      .optional()
      .transform((s, ctx) => {
        if (s === undefined) return undefined;
        const wanted = s.split(",");
        const unknown = wanted.filter((w) => !(PAYMENT_STATUSES as readonly string[]).includes(w));
        if (unknown.length > 0) ctx.addIssue({ code: "custom", message: `must be statuses separated by commas, from ${PAYMENT_STATUSES.join(", ")}; ${unknown.join(", ")} is not one` });
        return new Set(wanted);
      })
      .openapi({ description: "Only payments in one of these statuses, separated by commas", example: "COMPLETED,REFUNDED" }),
    from: instant("at or after").optional(),
    to: instant("at or before").optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, "must be a whole number from 1 to 200")
      .transform(Number)
      .refine((n) => n >= 1 && n <= MAX_PAGE, "must be a whole number from 1 to 200")
      .optional()
      .openapi({ description: "Payments per page (default 50, at most 200)", example: "50" }),
    cursor: z
      .string()
      .max(400)
      .transform((s, ctx) => {
        const cursor = decodeCursor(s);
        if (!cursor) ctx.addIssue({ code: "custom", message: "must be a `next` value from an earlier page, unchanged" });
        return cursor ?? undefined;
      })
      .optional()
      .openapi({ description: "The `next` of the page before, to read on" }),
  })
  .strict();

/** A refused query's errors, each naming its parameter (`query limit`), or `query` for one it does not know. */
export const queryErrors = (issues: Parameters<typeof fieldErrors>[0]): FieldError[] =>
  fieldErrors(issues).map((e) => ({ ...e, field: e.field === "body" ? "query" : `query ${e.field}` }));

/** The payments of listed projection ids, in the same order; null where one is gone. */
export const readListed = (projections: ProjectionStore, listed: ReadonlyArray<{ readonly id: string }>): Promise<Array<StoredPayment | null>> =>
  Promise.all(listed.map(async ({ id }) => (await readPayment(projections, id.slice("payment:".length)))?.payment ?? null));

export type PaymentListQuery = z.output<typeof paymentListQuerySchema>;

export interface PaymentPage {
  readonly payments: readonly StoredPayment[];
  /** Where to read on, or null when nothing older matches. */
  readonly next: string | null;
}

/**
 * A page of payments, newest first. The index of the most selective filter given (external
 * reference, else method, else provider, else all) is walked by time; the other filters are checked
 * on each payment read. `methods`: the methods the caller may see (null: all).
 */
export async function listPayments(projections: ProjectionStore, query: PaymentListQuery, methods: ReadonlySet<string> | null): Promise<PaymentPage> {
  const limit = query.limit ?? 50;
  const tag =
    query.externalReference !== undefined
      ? paymentTags.externalReference(query.externalReference)
      : query.method !== undefined
        ? paymentTags.method(query.method)
        : query.provider !== undefined
          ? paymentTags.provider(query.provider)
          : undefined;
  const matches = (p: StoredPayment): boolean =>
    (methods === null || methods.has(p.view.method)) &&
    (query.externalReference === undefined || p.view.externalReference === query.externalReference) &&
    (query.method === undefined || p.view.method === query.method) &&
    (query.provider === undefined || p.view.provider === query.provider) &&
    (query.status === undefined || query.status.has(p.view.status));

  const found: StoredPayment[] = [];
  let cursor: ListCursor | undefined = query.cursor;
  let scanned = 0;
  for (;;) {
    const to = cursor === undefined ? query.to : query.to === undefined ? cursor.at : Math.min(cursor.at, query.to);
    const batch = Math.min(Math.max(limit * 2, 50), SCAN_LIMIT - scanned);
    const listed = await projections.list({ tag, from: query.from, to, after: cursor !== undefined && to === cursor.at ? cursor.id : undefined, limit: batch });
    const read = await readListed(projections, listed);
    for (const [i, payment] of read.entries()) {
      const entry = listed[i] as { id: string; at: number };
      scanned++;
      cursor = entry;
      if (payment && matches(payment)) found.push(payment);
      if (found.length === limit) {
        // Whether anything older is listed decides `next`; the following page finds out if it matches.
        const more = i < listed.length - 1 || (await projections.list({ tag, from: query.from, to: entry.at, after: entry.id, limit: 1 })).length > 0;
        return { payments: found, next: more ? encodeCursor(entry) : null };
      }
    }
    if (listed.length < batch) return { payments: found, next: null };
    if (scanned >= SCAN_LIMIT && cursor !== undefined) return { payments: found, next: encodeCursor(cursor) };
  }
}
