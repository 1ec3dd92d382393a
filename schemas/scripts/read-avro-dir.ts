import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { SchemaDocument } from "../src/catalog.js";

export const avroDir = new URL("../avro/", import.meta.url).pathname;

export function readAvroDir(dir: string = avroDir): SchemaDocument[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".avsc"))
    .sort()
    .map((file) => ({ file, schema: JSON.parse(readFileSync(join(dir, file), "utf8")) as SchemaDocument["schema"] }));
}
