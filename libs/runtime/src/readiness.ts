/** One dependency's state, as /readyz reports it. */
export interface Check {
  /** What was checked: `kafka`, `redis`, `schema-registry`, `consumer-group <group>`. */
  readonly name: string;
  readonly ready: boolean;
  /** Why not, when not. */
  readonly detail: string | null;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: readonly Check[];
}

/** A check that resolves when its dependency answers and rejects with why not. */
export interface Probe {
  readonly name: string;
  run(): Promise<void>;
}

/** How long a probe may take before its dependency counts as not ready. */
export const PROBE_TIMEOUT_MS = 1_500;

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function runProbe(probe: Probe, timeoutMs: number): Promise<Check> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.run(), timeout]);
    return { name: probe.name, ready: true, detail: null };
  } catch (error) {
    return { name: probe.name, ready: false, detail: describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs every probe at once, each bounded by `timeoutMs`, plus the checks `extra` lists (which need
 * no round trip, e.g. consumer group membership). Calls made while an evaluation is under way share
 * it, so a burst of /readyz requests asks each dependency once.
 */
export function createReadiness(
  probes: readonly Probe[],
  options: { readonly extra?: () => readonly Check[]; readonly timeoutMs?: number; readonly onEvaluated?: (checks: readonly Check[]) => void } = {},
): () => Promise<Readiness> {
  let running: Promise<Readiness> | undefined;
  const evaluate = async (): Promise<Readiness> => {
    const checks = [...(await Promise.all(probes.map((p) => runProbe(p, options.timeoutMs ?? PROBE_TIMEOUT_MS)))), ...(options.extra?.() ?? [])];
    options.onEvaluated?.(checks);
    return { ready: checks.every((c) => c.ready), checks };
  };
  return () => {
    running ??= evaluate().finally(() => {
      running = undefined;
    });
    return running;
  };
}
