import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { InitiatePayment, PaymentMethod } from "@riel/schemas";
import type { Parsed } from "./errors.js";
import type { MethodModule, PaymentRequest } from "./method.js";
import { brebKey } from "./methods/breb-key.js";
import { emvQr } from "./methods/emv-qr.js";
import { peruKey } from "./methods/peru-key.js";
import { peruPayin } from "./methods/peru-payin.js";
import { pixKey } from "./methods/pix-key.js";

/** Every payment method Riel takes. A new method is one module in methods/ and one entry here. */
export const METHODS: readonly MethodModule[] = [pixKey, emvQr, peruKey, brebKey, peruPayin];

const BY_NAME: ReadonlyMap<string, MethodModule> = new Map(METHODS.map((m) => [m.method, m]));
const NAMES = METHODS.map((m) => m.method);
const methodSchema = z.object({ method: z.string({ error: `must be one of: ${NAMES.join(", ")}` }) });

export function methodOf(method: PaymentMethod | string): MethodModule | undefined {
  return BY_NAME.get(method);
}

/** A request body: its method first, then that method's shape and rules. */
export function parsePaymentRequest(body: unknown): Parsed<PaymentRequest> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, errors: [{ field: "body", rule: "must be a JSON object" }] };
  const head = methodSchema.safeParse(body);
  const module = head.success ? methodOf(head.data.method) : undefined;
  if (!module) return { ok: false, errors: [{ field: "method", rule: `must be one of: ${NAMES.join(", ")}` }] };
  return module.parse(body);
}

/**
 * Commands published straight to Kafka bypass the ingress, so they meet the same rules here,
 * and must already be in the canonical form the rules produce: a command that says something
 * other than what its rules would make of it is refused rather than guessed at.
 */
export function recheckCommand(command: InitiatePayment): Parsed<PaymentRequest> {
  const module = methodOf(command.method);
  if (!module) return { ok: false, errors: [{ field: "method", rule: `must be one of: ${NAMES.join(", ")}` }] };
  const body = module.bodyOf(command);
  if (body === null) return { ok: false, errors: [{ field: "details", rule: `must hold the details of a ${command.method} payment` }] };
  const parsed = module.parse(body);
  if (!parsed.ok) return parsed;
  const canonical = parsed.value;
  if (!isDeepStrictEqual(canonical.amount, command.amount)) {
    return { ok: false, errors: [{ field: "amount", rule: `must be ${canonical.amount ? `${canonical.amount.amount} ${canonical.amount.currency}` : "null"} (canonical form)` }] };
  }
  if (command.details !== null && !isDeepStrictEqual(canonical.details, command.details)) {
    return { ok: false, errors: [{ field: "details", rule: "must be in canonical form (as the method's rules produce it from the same input)" }] };
  }
  return parsed;
}
