// Fails when a schema in the working tree cannot read records written with any version of
// the schemas committed before (BACKWARD, checked against every earlier version).
import { execFileSync } from "node:child_process";
import { parseDocuments } from "../src/catalog.js";
import type { SchemaDocument } from "../src/catalog.js";
import { checkBackward } from "../src/compat.js";
import { readAvroDir } from "./read-avro-dir.js";

// From the repository's root: git ls-tree and pathspecs are relative to the working directory,
// and pnpm runs this script in schemas/.
const root = new URL("../..", import.meta.url).pathname;
const git = (...args: string[]): string => execFileSync("git", args, { encoding: "utf8", cwd: root });

function documentsAt(commit: string): SchemaDocument[] {
  const files = git("ls-tree", "--name-only", `${commit}:schemas/avro`)
    .split("\n")
    .filter((f) => f.endsWith(".avsc"));
  return files.map((file) => ({ file, schema: JSON.parse(git("show", `${commit}:schemas/avro/${file}`)) as SchemaDocument["schema"] }));
}

const current = parseDocuments(readAvroDir());
let compared = 0;
let commits: string[] = [];
try {
  commits = git("log", "--format=%H", "--", "schemas/avro").split("\n").filter(Boolean);
} catch {
  console.log("schemas: no git history here; nothing to compare against");
}

let failed = false;
for (const commit of commits) {
  const previous = parseDocuments(documentsAt(commit));
  if (previous.size === 0) throw new Error(`schemas: read no schema at ${commit}; the check would prove nothing`);
  compared += previous.size;
  const problems = checkBackward(previous, current);
  for (const p of problems) {
    failed = true;
    console.error(`schemas: ${p.type} is not backward compatible with its version at ${commit.slice(0, 10)}: ${p.reason}`);
  }
}
if (failed) process.exit(1);
console.log(`schemas: ${current.size} types backward compatible with ${commits.length} committed versions (${compared} earlier types read)`);
