import avro from "avsc";

/** One `.avsc` document as found on disk or embedded by the code generator. */
export interface SchemaDocument {
  readonly file: string;
  readonly schema: avro.Schema;
}

export type NamedTypes = ReadonlyMap<string, avro.Type>;

function fullNameOf(schema: avro.Schema): string {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema) || !("name" in schema)) {
    throw new Error("a schema file must hold one named type (record, enum or fixed)");
  }
  const { name, namespace } = schema as { name: string; namespace?: string };
  return name.includes(".") || !namespace ? name : `${namespace}.${name}`;
}

/**
 * Parses documents that refer to each other by full name, in whatever order they come:
 * a document whose references are not parsed yet is retried after the others.
 */
export function parseDocuments(documents: readonly SchemaDocument[]): NamedTypes {
  const registry: Record<string, avro.Type> = {};
  const types = new Map<string, avro.Type>();
  let pending = [...documents];
  while (pending.length > 0) {
    const failures: Array<{ doc: SchemaDocument; error: unknown }> = [];
    for (const doc of pending) {
      try {
        // A failed parse leaves half-registered names behind, so each attempt gets a copy.
        const attempt: Record<string, avro.Type> = { ...registry };
        const type = avro.Type.forSchema(doc.schema, { registry: attempt });
        Object.assign(registry, attempt);
        types.set(fullNameOf(doc.schema), type);
      } catch (error) {
        failures.push({ doc, error });
      }
    }
    if (failures.length === pending.length) {
      const detail = failures.map(({ doc, error }) => `${doc.file}: ${error instanceof Error ? error.message : String(error)}`);
      throw new Error(`cannot parse schemas:\n${detail.join("\n")}`);
    }
    pending = failures.map((f) => f.doc);
  }
  return types;
}

/** The schema with every named type it uses written out inline, as a registry stores it. */
export function standaloneSchema(type: avro.Type): avro.Schema {
  return type.schema({ exportAttrs: true });
}
