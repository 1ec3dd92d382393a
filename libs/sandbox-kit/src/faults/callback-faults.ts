import { setTimeout as sleep } from "node:timers/promises";
import type { CallbackDispatcher, OutgoingCallback } from "../callbacks/callback-dispatcher.js";
import type { CallbackFaultDecision, FaultInjector } from "./fault-injector.js";
import type { CallbackFaultKind } from "./fault-profile.js";

// Faults of callbacks, decided as each one is queued:
//   dropCallback      - never sent (recorded as "dropped");
//   duplicateCallback - sent twice, the copy right after the original;
//   reorderCallback   - held back, then sent right after the next callback of
//                       its stream (or after maxDelayMs if none comes): out of order;
//   delayCallback     - sent after a uniform random wait up to maxDelayMs (in
//                       its stream's line, so the ones after it wait too).
// A callback queued while another of its stream is held back is not held itself.

interface Held {
  readonly callback: OutgoingCallback;
  readonly decision: CallbackFaultDecision;
  readonly cancel: AbortController;
}

export interface CallbackFaultsOptions {
  readonly injector: FaultInjector;
  readonly dispatcher: CallbackDispatcher;
  /** The sandbox's lifetime: held callbacks are dropped when it aborts. */
  readonly signal: AbortSignal;
}

export class CallbackFaults {
  readonly #injector: FaultInjector;
  readonly #dispatcher: CallbackDispatcher;
  readonly #signal: AbortSignal;
  readonly #held = new Map<string, Held>();
  readonly #waits = new Set<Promise<void>>();

  constructor(options: CallbackFaultsOptions) {
    this.#injector = options.injector;
    this.#dispatcher = options.dispatcher;
    this.#signal = options.signal;
  }

  notify(stream: string, callback: OutgoingCallback): void {
    const decision = this.#injector.callbackFaults();
    const held = this.#held.get(stream);
    if (decision.drop) {
      this.#injector.count("dropCallback");
      this.#dispatcher.drop(stream, callback);
    } else if (decision.reorder && held === undefined) {
      this.#injector.count("reorderCallback");
      this.#hold(stream, callback, decision);
      return;
    } else {
      this.#send(stream, callback, decision, []);
    }
    if (held !== undefined) this.#release(stream, held);
  }

  /** True while a callback is held back. */
  get busy(): boolean {
    return this.#waits.size > 0;
  }

  /** Resolves when no callback is held back (each is sent at the latest maxDelayMs after it was held). */
  async idle(): Promise<void> {
    while (this.#waits.size > 0) await Promise.allSettled([...this.#waits]);
  }

  #send(stream: string, callback: OutgoingCallback, decision: CallbackFaultDecision, faults: readonly CallbackFaultKind[]): void {
    const marks = [...faults];
    if (decision.delayMs !== null) {
      this.#injector.count("delayCallback");
      marks.push("delayCallback");
    }
    this.#dispatcher.dispatch(stream, callback, { delayMs: decision.delayMs ?? 0, faults: marks });
    if (decision.duplicate) {
      this.#injector.count("duplicateCallback");
      this.#dispatcher.dispatch(stream, callback, { faults: ["duplicateCallback"] });
    }
  }

  #hold(stream: string, callback: OutgoingCallback, decision: CallbackFaultDecision): void {
    const held: Held = { callback, decision, cancel: new AbortController() };
    this.#held.set(stream, held);
    const wait = sleep(this.#injector.profile.maxDelayMs, undefined, { signal: AbortSignal.any([held.cancel.signal, this.#signal]) }).then(
      () => {
        // Nothing followed in time: send it now.
        if (this.#held.get(stream) === held) this.#release(stream, held);
      },
      () => {
        // Released early by the next callback, or the sandbox closed.
      },
    );
    this.#waits.add(wait);
    void wait.finally(() => this.#waits.delete(wait));
  }

  #release(stream: string, held: Held): void {
    this.#held.delete(stream);
    held.cancel.abort();
    this.#send(stream, held.callback, held.decision, ["reorderCallback"]);
  }
}
