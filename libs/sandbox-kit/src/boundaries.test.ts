import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The rule in README.md, kept by a test: sandboxes play the provider, so they
// and this kit import nothing of Riel's own packages (a sandbox may import the
// kit); and Riel's code never imports a sandbox or the kit, except the
// embedded runner (which starts the Depay sandbox) and tests.

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const KIT = "@riel/sandbox-kit";
const RIEL_IMPORT = /(?:from\s+|import\s*\(\s*|import\s+)["'](@riel\/[^"'/]+)/g;

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    if (name === "node_modules" || name === "generated") return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(?:ts|mts|js|mjs)$/.test(name) ? [path] : [];
  });
}

function rielImports(file: string): string[] {
  return Array.from(readFileSync(file, "utf8").matchAll(RIEL_IMPORT), (match) => match[1] ?? "");
}

function packageName(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}

/** Package folders under `dir`, at any depth (libs/providers/depay as well as libs/bus). */
function packageDirs(dir: string): string[] {
  if (packageName(dir) !== undefined) return [dir];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((name) => name !== "node_modules" && !name.startsWith("."))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory())
    .flatMap(packageDirs);
}

const packages = [...packageDirs(join(ROOT, "libs")), ...packageDirs(join(ROOT, "services"))];
const isSandbox = (dir: string): boolean => packageName(dir)?.endsWith("-sandbox") === true;
const isKit = (dir: string): boolean => packageName(dir) === KIT;
const isSandboxPackage = (name: string): boolean => name === KIT || name.endsWith("-sandbox");
const isTest = (file: string): boolean => /\.test\.ts$/.test(file) || /[\\/]testing[\\/]/.test(file);

describe("sandbox boundaries", () => {
  it("finds the kit and at least one sandbox", () => {
    expect(packages.filter(isKit)).toHaveLength(1);
    expect(packages.filter(isSandbox).length).toBeGreaterThan(0);
  });

  it("sandboxes import nothing of Riel but the kit, and the kit nothing of Riel at all", () => {
    const offending: string[] = [];
    for (const dir of packages.filter((d) => isSandbox(d) || isKit(d))) {
      const allowed = isKit(dir) ? [] : [KIT];
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
      for (const field of ["dependencies", "devDependencies", "peerDependencies"]) {
        for (const name of Object.keys(manifest[field] ?? {})) {
          if (name.startsWith("@riel/") && !allowed.includes(name)) offending.push(`${relative(ROOT, dir)}/package.json: ${name}`);
        }
      }
      for (const file of sourceFiles(join(dir, "src"))) {
        for (const name of rielImports(file)) if (!allowed.includes(name)) offending.push(`${relative(ROOT, file)}: ${name}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("Riel's own code imports no sandbox and not the kit, except the embedded runner and tests", () => {
    const offending: string[] = [];
    for (const dir of packages.filter((d) => !isSandbox(d) && !isKit(d))) {
      const embedded = packageName(dir) === "@riel/embedded";
      for (const file of sourceFiles(join(dir, "src"))) {
        if (isTest(file)) continue;
        for (const name of rielImports(file)) {
          if (!isSandboxPackage(name)) continue;
          if (embedded && name !== KIT) continue;
          offending.push(`${relative(ROOT, file)}: ${name}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
