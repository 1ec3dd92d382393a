import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const LOG_MODULE = fileURLToPath(new URL("./log.ts", import.meta.url));

// A service that logs a line too big for the pipe, then a small one, then nothing more (and stays up).
const CHILD = `
import { createLog } from ${JSON.stringify(LOG_MODULE)};
const log = createLog("quiet-service");
log("big line", { pad: "x ".repeat(200_000) });
log("last line");
setTimeout(() => {}, 20_000);
`;

describe("logs on standard output", () => {
  it("writes a quiet service's last line, though it came while an earlier write was held by a full pipe", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOG_LEVEL: "info" } });
    try {
      // Nobody reads at first: the pipe and the reader's buffer fill (400 KB is more than both), and
      // the big write is still waiting when the 50 ms flush comes.
      child.stdout.pause();
      await new Promise((resolve) => setTimeout(resolve, 300));
      let out = "";
      const last = new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('"message":"last line"')) resolve(out);
        });
        child.once("exit", (code) => reject(new Error(`child exited (${code}) before its last line:\n${out.slice(-300)}`)));
      });
      child.stdout.resume();
      const seen = await Promise.race([last, new Promise<never>((_, reject) => setTimeout(() => reject(new Error("the last line was never written")), 5_000))]);
      expect(seen.indexOf('"message":"big line"')).toBeLessThan(seen.indexOf('"message":"last line"'));
    } finally {
      child.kill("SIGKILL");
    }
  });
});
