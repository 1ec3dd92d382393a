import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderCompose } from "./compose.js";
import { SERVICES } from "./services.js";

describe("docker-compose.yml", () => {
  it("is what the list of services makes of it (run `pnpm compose` after changing the list)", () => {
    const committed = readFileSync(new URL("../../../docker-compose.yml", import.meta.url), "utf8");
    expect(committed).toBe(renderCompose());
  });

  it("runs every service of the list, each from its own entry point", () => {
    const compose = renderCompose();
    for (const s of SERVICES) expect(compose).toContain(`  ${s.name}:\n    build: .\n    command: ["node", "--import", "tsx", "${s.script}"]`);
  });
});
