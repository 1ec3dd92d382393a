import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A service in a process of its own, started the way a deployment would start it. */
export class ServiceProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  #child: ChildProcess;
  #waiters: Array<{ pattern: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
  ) {
    // One node process (tsx as a loader, not its CLI, which would put the service in a child).
    this.#child = spawn(process.execPath, ["--import", "tsx", script], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split("\n")) {
        if (!line) continue;
        this.output.push(line);
        this.#waiters = this.#waiters.filter((w) => {
          const m = line.match(w.pattern);
          if (m) w.resolve(m);
          return !m;
        });
      }
    };
    this.#child.stdout?.on("data", onData);
    this.#child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) => this.#child.once("exit", (code) => resolve(code)));
  }

  /** Resolves with the first output line matching `pattern`, seen before or later; rejects if the process exits first. */
  waitForLine(pattern: RegExp): Promise<RegExpMatchArray> {
    for (const line of this.output) {
      const m = line.match(pattern);
      if (m) return Promise.resolve(m);
    }
    return new Promise((resolve, reject) => {
      this.#waiters.push({ pattern, resolve });
      void this.exited.then((code) => reject(new Error(`${this.name} exited (${code}) before printing ${pattern}:\n${this.output.slice(-20).join("\n")}`)));
    });
  }

  /** Its operating-system process id (for CPU figures from /proc). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill(signal);
    return this.exited;
  }
}
