import type avro from "avsc";
import type { NamedTypes } from "./catalog.js";

export interface CompatibilityProblem {
  readonly type: string;
  readonly reason: string;
}

/**
 * BACKWARD compatibility, as the registry enforces it: a consumer holding the new schema
 * must read every record written with the old one. A record type that disappears is a
 * problem too, since records of it may still sit in a topic.
 */
export function checkBackward(previous: NamedTypes, current: NamedTypes): CompatibilityProblem[] {
  const problems: CompatibilityProblem[] = [];
  for (const [name, oldType] of previous) {
    const newType: avro.Type | undefined = current.get(name);
    if (!newType) {
      problems.push({ type: name, reason: "removed; records written with it could no longer be read" });
      continue;
    }
    try {
      newType.createResolver(oldType);
    } catch (error) {
      problems.push({ type: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}
