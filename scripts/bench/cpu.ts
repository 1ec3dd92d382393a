// CPU time of processes from /proc (Linux): what each process spent, user and system, in ms.
import { existsSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const ROOT = new URL("../../", import.meta.url).pathname;

/** utime + stime of `pid` in ms, or null when it is gone. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The local stack's processes (scripts/stack.sh's pid files), when the stack is ours. */
export function stackPids(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of ["kafka", "redis", "registry"]) {
    const file = `${ROOT}.stack/run/${part}.pid`;
    if (!existsSync(file)) continue;
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isSafeInteger(pid) && cpuMsOf(pid) !== null) out[part] = pid;
  }
  return out;
}

/** CPU ms of each named process (`self` is this process) since `start()`. */
export class CpuMeter {
  #from: Record<string, number> = {};
  #selfFrom = process.cpuUsage();

  constructor(readonly pids: Readonly<Record<string, number>>) {}

  start(): void {
    this.#from = Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, cpuMsOf(pid) ?? 0]));
    this.#selfFrom = process.cpuUsage();
  }

  read(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = (cpuMsOf(pid) ?? 0) - (this.#from[name] ?? 0);
    const self = process.cpuUsage(this.#selfFrom);
    out["load generator"] = (self.user + self.system) / 1000;
    return out;
  }
}
