// Faults a test asks for by reference (POST /__sandbox/faults), beside the
// test emails: the same behaviours for any customer. Each is used up by the
// create that meets it.

export type FaultKind = "slow_answer" | "qr_error";
export const FAULT_KINDS: readonly FaultKind[] = ["slow_answer", "qr_error"];

export interface ReferenceFaults {
  /** The next create of the reference that creates a transaction holds its answer for slowAnswerMs. */
  readonly slowAnswer: boolean;
  /** How many more creates of the reference answer HTTP 200 `code: "00"` "Error al generar el QR". */
  readonly qrErrors: number;
}

export class FaultBook {
  readonly #faults = new Map<string, ReferenceFaults>();

  get(reference: string): ReferenceFaults {
    return this.#faults.get(reference) ?? { slowAnswer: false, qrErrors: 0 };
  }

  add(reference: string, kind: FaultKind, times: number): ReferenceFaults {
    const current = this.get(reference);
    const next = kind === "slow_answer" ? { ...current, slowAnswer: true } : { ...current, qrErrors: current.qrErrors + times };
    this.#faults.set(reference, next);
    return next;
  }

  /** True (and used up) when the reference has a QR error left. */
  takeQrError(reference: string): boolean {
    const current = this.get(reference);
    if (current.qrErrors === 0) return false;
    this.#faults.set(reference, { ...current, qrErrors: current.qrErrors - 1 });
    return true;
  }

  /** True (and used up) when the reference's answer is to be held. */
  takeSlowAnswer(reference: string): boolean {
    const current = this.get(reference);
    if (!current.slowAnswer) return false;
    this.#faults.set(reference, { ...current, slowAnswer: false });
    return true;
  }
}
