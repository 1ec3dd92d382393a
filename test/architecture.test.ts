// The dependency rules of docs/architecture.md, checked on the source: a rule that only lives in
// a document is broken by the first change that does not read it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Pkg {
  readonly name: string;
  readonly dir: string;
  readonly deps: readonly string[];
  readonly files: readonly string[];
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry === "generated") return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return entry.endsWith(".ts") ? [path] : [];
  });
}

function packages(): Pkg[] {
  const dirs = ["libs", "libs/providers", "services"].flatMap((group) =>
    readdirSync(join(ROOT, group))
      .map((d) => join(ROOT, group, d))
      .filter((d) => statSync(d).isDirectory() && exists(join(d, "package.json"))),
  );
  return [...dirs, join(ROOT, "schemas")].map((dir) => {
    const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    const deps = Object.keys({ ...json.dependencies, ...json.devDependencies }).filter((d) => d.startsWith("@riel/"));
    return { name: json.name, dir, deps, files: tsFiles(join(dir, "src")) };
  });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/g;
const importsOf = (file: string): string[] => [...readFileSync(file, "utf8").matchAll(IMPORT)].map((m) => m[1] as string);
const rielImports = (files: readonly string[]): Array<{ file: string; spec: string }> =>
  files.flatMap((file) => importsOf(file).filter((s) => s.startsWith("@riel/")).map((spec) => ({ file: relative(ROOT, file), spec: spec.split("/").slice(0, 2).join("/") })));

const all = packages();
const pkg = (name: string): Pkg => {
  const found = all.find((p) => p.name === name);
  if (!found) throw new Error(`no package ${name}`);
  return found;
};
const isProviderLibrary = (name: string): boolean => name.startsWith("@riel/provider-") && name !== "@riel/provider-port";

describe("dependency direction", () => {
  it("keeps provider libraries out of the status projector and the webhook receiver (its main.ts wires the provider registry)", () => {
    for (const name of ["@riel/status-projector", "@riel/webhook-receiver"]) {
      const p = pkg(name);
      const files = p.files.filter((f) => !(name === "@riel/webhook-receiver" && f.endsWith("/main.ts")));
      const offending = rielImports(files).filter((i) => isProviderLibrary(i.spec) || i.spec === "@riel/providers");
      expect(offending, `${name} must speak Riel's vocabulary only`).toEqual([]);
      expect(p.deps.filter(isProviderLibrary)).toEqual([]);
    }
  });

  it("keeps every library but the provider registry free of provider libraries", () => {
    const libs = all.filter((p) => p.dir.includes("/libs/") && !p.dir.includes("/libs/providers/"));
    expect(libs.length).toBeGreaterThan(5);
    for (const p of [...libs, pkg("@riel/schemas")]) {
      expect(rielImports(p.files).filter((i) => isProviderLibrary(i.spec) || i.spec === "@riel/providers"), p.name).toEqual([]);
    }
  });

  it("keeps the rails library pure: it imports nothing of Riel's", () => {
    expect(rielImports(pkg("@riel/rails").files)).toEqual([]);
  });

  it("keeps sandboxes independent of Riel: they play the provider and import only the sandbox kit", () => {
    const sandboxes = all.filter((p) => p.name.endsWith("-sandbox") || p.name === "@riel/sandbox-kit");
    expect(sandboxes.map((p) => p.name)).toContain("@riel/depay-sandbox");
    for (const p of sandboxes) {
      expect(rielImports(p.files).filter((i) => i.spec !== "@riel/sandbox-kit"), p.name).toEqual([]);
    }
  });

  it("has no cycle between packages", () => {
    const graph = new Map(all.map((p) => [p.name, p.deps.filter((d) => all.some((q) => q.name === d))]));
    expect(cycles(graph)).toEqual([]);
  });

  it("has no cycle between the files of any package", () => {
    for (const p of all) {
      const graph = new Map(
        p.files.map((file) => [
          file,
          importsOf(file)
            .filter((s) => s.startsWith("."))
            .map((s) => resolve(dirname(file), s.replace(/\.js$/, ".ts")))
            .filter((f) => p.files.includes(f)),
        ]),
      );
      expect(cycles(graph).map((c) => c.map((f) => relative(ROOT, f)))).toEqual([]);
    }
  });
});

/** Every cycle found by a depth-first walk, each as the path that closes it. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "open" | "done">();
  const walk = (node: string, path: string[]): void => {
    state.set(node, "open");
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next]);
      else if (!state.has(next)) walk(next, [...path, next]);
    }
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) walk(node, [node]);
  return found;
}
