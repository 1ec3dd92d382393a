import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { FAULT_KINDS, isFaultFree, NO_FAULTS, type FaultKind, type FaultProfile } from "./fault-profile.js";

// Decides, from a seeded PRNG, which requests and callbacks get a fault, and
// counts the faults injected. Requests and callbacks draw from two separate
// streams of the generator (the second jumped far ahead of the first), so the
// decisions for requests depend only on the sequence of requests and those
// for callbacks only on the sequence of callbacks.
//
// Draws are fixed per event whatever the probabilities (two per request, five
// per callback), so with one seed the n-th request or callback always sees the
// same numbers; a profile that injects nothing draws none at all.

export type RequestFault = "error5xx" | "timeout" | null;

export interface CallbackFaultDecision {
  /** Never sent. Excludes the others. */
  readonly drop: boolean;
  /** Sent twice. */
  readonly duplicate: boolean;
  /** Held back until the next callback of its stream is queued (or maxDelayMs). */
  readonly reorder: boolean;
  /** Wait before sending, uniform in [0, maxDelayMs]; null: none. */
  readonly delayMs: number | null;
}

export type FaultCounters = Record<FaultKind, number>;

/** GET /__sandbox/faults. */
export interface FaultsReport {
  readonly profile: FaultProfile;
  /** Faults injected so far, per kind (not reset by a new profile). */
  readonly injected: FaultCounters;
  /** Answers held right now by an injected timeout. */
  readonly heldResponses: number;
}

const NO_CALLBACK_FAULT: CallbackFaultDecision = { drop: false, duplicate: false, reorder: false, delayMs: null };

const zeroCounters = (): FaultCounters => Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as FaultCounters;

export class FaultInjector {
  #profile: FaultProfile = NO_FAULTS;
  #requests: RandomGenerator = xoroshiro128plus(0);
  #callbacks: RandomGenerator = xoroshiro128plus(0);
  readonly #counters = zeroCounters();
  #held = 0;
  readonly #waiters = new Set<{ readonly ready: () => boolean; readonly resolve: () => void }>();

  constructor(profile: FaultProfile = NO_FAULTS) {
    this.configure(profile);
  }

  get profile(): FaultProfile {
    return this.#profile;
  }

  /** Replaces the profile and reseeds both streams from its seed; the counters go on. */
  configure(profile: FaultProfile): void {
    this.#profile = profile;
    const generator = xoroshiro128plus(profile.seed);
    this.#requests = generator.clone();
    generator.jump();
    this.#callbacks = generator;
  }

  /** The fault for the next provider request: a 5xx instead of handling it, a timeout after handling it, or none. */
  requestFault(): RequestFault {
    const { error5xx, timeout } = this.#profile;
    if (error5xx === 0 && timeout === 0) return null;
    const errorDraw = uniformFloat64(this.#requests);
    const timeoutDraw = uniformFloat64(this.#requests);
    if (errorDraw < error5xx) return "error5xx";
    if (timeoutDraw < timeout) return "timeout";
    return null;
  }

  /** The faults for the next callback queued. */
  callbackFaults(): CallbackFaultDecision {
    const p = this.#profile;
    if (p.dropCallback === 0 && p.duplicateCallback === 0 && p.reorderCallback === 0 && p.delayCallback === 0) return NO_CALLBACK_FAULT;
    const rng = this.#callbacks;
    const drop = uniformFloat64(rng) < p.dropCallback;
    const duplicate = uniformFloat64(rng) < p.duplicateCallback;
    const reorder = uniformFloat64(rng) < p.reorderCallback;
    const delay = uniformFloat64(rng) < p.delayCallback;
    const delayMs = uniformInt(rng, 0, p.maxDelayMs);
    if (drop) return { drop: true, duplicate: false, reorder: false, delayMs: null };
    return { drop: false, duplicate, reorder, delayMs: delay ? delayMs : null };
  }

  /** Records one injected fault. */
  count(kind: FaultKind): void {
    this.#counters[kind]++;
    this.#notify();
  }

  counters(): FaultCounters {
    return { ...this.#counters };
  }

  get active(): boolean {
    return !isFaultFree(this.#profile);
  }

  get heldResponses(): number {
    return this.#held;
  }

  /** Called by the timeout middleware around a held answer. */
  holdStarted(): void {
    this.#held++;
    this.#notify();
  }

  holdEnded(): void {
    this.#held--;
    this.#notify();
  }

  report(): FaultsReport {
    return { profile: { ...this.#profile }, injected: this.counters(), heldResponses: this.#held };
  }

  /** Resolves once `count` faults of `kind` have been injected (tests wait on it instead of sleeping). */
  injected(kind: FaultKind, count: number): Promise<void> {
    return this.#when(() => this.#counters[kind] >= count);
  }

  /** Resolves once no answer is held by a timeout. */
  noneHeld(): Promise<void> {
    return this.#when(() => this.#held === 0);
  }

  #when(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ ready, resolve }));
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) {
      if (!waiter.ready()) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
