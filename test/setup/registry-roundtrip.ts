// Round trip through the real npm client @kafkajs/confluent-schema-registry against a
// Confluent-compatible registry: register an Avro schema, encode (Confluent wire format), decode,
// set BACKWARD compatibility on the subject, and see an incompatible change refused with HTTP 409.
//
// As a script:  pnpm exec tsx test/setup/registry-roundtrip.ts [SCHEMA_REGISTRY_URL]
// (default: $SCHEMA_REGISTRY_URL, else the running local stack's .stack/env)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { COMPATIBILITY, SchemaRegistry, SchemaType } from "@kafkajs/confluent-schema-registry";
import { parseEnvFile } from "./resolve-stack.js";

export interface RoundTripReport {
  subject: string;
  id: number;
  wireBytes: number;
  compatibleId: number;
  incompatibleStatus: number;
}

const recordV1 = {
  type: "record",
  name: "StackCheck",
  namespace: "dev.riel.test",
  fields: [
    { name: "paymentId", type: "string" },
    { name: "amountMinor", type: "long" },
  ],
};
// adds a field WITH a default: readers of v2 can read v1 data, so BACKWARD accepts it
const recordV2Compatible = {
  ...recordV1,
  fields: [...recordV1.fields, { name: "currency", type: "string", default: "EUR" }],
};
// adds a field WITHOUT a default: BACKWARD refuses it
const recordV3Incompatible = {
  ...recordV1,
  fields: [...recordV2Compatible.fields, { name: "merchantId", type: "string" }],
};

function fail(message: string): never {
  throw new Error(`schema registry round trip: ${message}`);
}

async function rest(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    ...init,
    headers: { "Content-Type": "application/vnd.schemaregistry.v1+json", Accept: "application/json" },
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

export async function registryRoundTrip(url: string): Promise<RoundTripReport> {
  const base = url.replace(/\/+$/, "");
  const subject = `riel-stack-check-${Date.now()}-${Math.floor(Math.random() * 1e6)}-value`;
  const registry = new SchemaRegistry({ host: base });

  // register (POST /subjects/{subject}/versions) and set BACKWARD (PUT /config/{subject})
  const { id } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(recordV1) },
    { subject, compatibility: COMPATIBILITY.BACKWARD, updateConfig: true },
  );
  if (!Number.isInteger(id) || id <= 0) fail(`register returned id ${String(id)}`);

  // encode: Confluent wire format = magic byte 0, 4-byte big-endian schema id, Avro body
  const payload = { paymentId: "pay-1", amountMinor: 1234 };
  const wire = await registry.encode(id, payload);
  if (wire[0] !== 0 || wire.readInt32BE(1) !== id) fail(`bad wire header ${wire.subarray(0, 5).toString("hex")}`);

  // decode with a fresh client (no cache): fetches the schema by id (GET /schemas/ids/{id})
  const decoded: unknown = await new SchemaRegistry({ host: base }).decode(wire);
  if (JSON.stringify(decoded) !== JSON.stringify(payload)) fail(`decoded ${JSON.stringify(decoded)}`);

  // GET /subjects/{subject}/versions/latest
  const latest = await registry.getLatestSchemaId(subject);
  if (latest !== id) fail(`latest id ${latest}, expected ${id}`);

  const config = await rest(`${base}/config/${encodeURIComponent(subject)}`);
  const level = (config.body as { compatibilityLevel?: string; compatibility?: string } | null) ?? {};
  if ((level.compatibilityLevel ?? level.compatibility) !== "BACKWARD") {
    fail(`subject config is ${JSON.stringify(config.body)}, expected BACKWARD`);
  }

  // POST /compatibility/subjects/{subject}/versions/latest
  const check = await rest(`${base}/compatibility/subjects/${encodeURIComponent(subject)}/versions/latest`, {
    method: "POST",
    body: JSON.stringify({ schema: JSON.stringify(recordV3Incompatible) }),
  });
  if ((check.body as { is_compatible?: boolean } | null)?.is_compatible !== false) {
    fail(`compatibility check of an incompatible schema answered ${check.status} ${JSON.stringify(check.body)}`);
  }

  // a compatible change is accepted and gets a new id
  const { id: compatibleId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(recordV2Compatible) },
    { subject, compatibility: COMPATIBILITY.BACKWARD },
  );
  if (compatibleId === id) fail("the compatible v2 got the same id as v1");

  // an incompatible change is refused with 409
  let incompatibleStatus = 0;
  try {
    await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(recordV3Incompatible) },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
  } catch (error) {
    incompatibleStatus = (error as { status?: number }).status ?? -1;
  }
  if (incompatibleStatus !== 409) fail(`an incompatible schema was not refused with 409 (got ${incompatibleStatus})`);

  return { subject, id, wireBytes: wire.length, compatibleId, incompatibleStatus };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let url = process.argv[2] ?? process.env.SCHEMA_REGISTRY_URL;
  if (!url) {
    try {
      url = parseEnvFile(readFileSync(fileURLToPath(new URL("../../.stack/env", import.meta.url)), "utf8")).SCHEMA_REGISTRY_URL;
    } catch {
      // no local stack
    }
  }
  if (!url) {
    console.error("no registry URL: pass one, set SCHEMA_REGISTRY_URL, or run `pnpm stack up`");
    process.exit(2);
  }
  registryRoundTrip(url).then(
    (report) => console.log(`schema registry round trip OK at ${url}: ${JSON.stringify(report)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
