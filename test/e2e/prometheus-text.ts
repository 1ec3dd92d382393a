/**
 * A strict reader of Prometheus's text exposition format (version 0.0.4), standing in for
 * `promtool check metrics`, which is not available here. It throws on the first line that breaks
 * the format's grammar or its rules, with the line number:
 *
 * - `# HELP name text` and `# TYPE name type` (counter, gauge, histogram, summary, untyped), at
 *   most one of each per metric, before its samples; other `#` lines are comments;
 * - samples `name{label="value",...} value [timestamp]`: names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label
 *   names `[a-zA-Z_][a-zA-Z0-9_]*` not starting with `__`, no label twice, label values with only
 *   the escapes \\ \" \n, values Go floats (NaN, +Inf, -Inf included, in any case), timestamps integers;
 * - all the lines of a metric in one group; no sample twice (same name and labels);
 * - a histogram's samples are `_bucket` (with `le`), `_sum` and `_count`; its buckets never
 *   decrease as `le` grows, and the `+Inf` bucket is there and equals `_count`; a summary's are
 *   the metric itself (with `quantile`), `_sum` and `_count`; counters and gauges have only the
 *   metric's own name;
 * - what promtool's lint adds: every metric has help text, counters end in `_total`, and
 *   counters, histogram buckets and counts are never negative;
 * - every line ends with a line feed.
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string | null;
  readonly samples: readonly Sample[];
}

export class ExpositionError extends Error {
  override readonly name = "ExpositionError";
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(["counter", "gauge", "histogram", "summary", "untyped"]);
// Values are read by Go's strconv.ParseFloat in Prometheus: NaN and Inf in any case (prom-client writes "Nan").
const FLOAT = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

function parseFloatStrict(text: string, line: number): number {
  if (!FLOAT.test(text)) throw new ExpositionError(`line ${line}: "${text}" is not a number`);
  if (/nan/i.test(text)) return Number.NaN;
  if (/inf/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  return Number(text);
}

function unescapeHelp(text: string, line: number): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    throw new ExpositionError(`line ${line}: help text escapes only \\\\ and \\n, not \\${c}`);
  });
}

/** Reads `{a="x",b="y"}` from `text` at `start` (the `{`); returns the labels and where they end. */
function readLabels(text: string, start: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  const skipBlanks = (): void => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipBlanks();
    if (text[i] === "}") return { labels, end: i + 1 };
    const nameStart = i;
    while (i < text.length && /[a-zA-Z0-9_]/.test(text[i] as string)) i++;
    const name = text.slice(nameStart, i);
    if (!LABEL_NAME.test(name)) throw new ExpositionError(`line ${line}: bad label name "${name}"`);
    if (name.startsWith("__")) throw new ExpositionError(`line ${line}: label name "${name}" is reserved`);
    if (name in labels) throw new ExpositionError(`line ${line}: label "${name}" given twice`);
    skipBlanks();
    if (text[i] !== "=") throw new ExpositionError(`line ${line}: expected = after label "${name}"`);
    i++;
    skipBlanks();
    if (text[i] !== '"') throw new ExpositionError(`line ${line}: label "${name}" has no quoted value`);
    i++;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new ExpositionError(`line ${line}: label "${name}" value is not closed`);
      if (c === '"') break;
      if (c === "\\") {
        const next = text[i + 1];
        if (next === "\\" || next === '"') value += next;
        else if (next === "n") value += "\n";
        else throw new ExpositionError(`line ${line}: label values escape only \\\\, \\" and \\n`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    labels[name] = value;
    i++;
    skipBlanks();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { labels, end: i + 1 };
    throw new ExpositionError(`line ${line}: expected , or } after label "${name}"`);
  }
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(sampleName: string, declared: ReadonlyMap<string, { type: MetricType }>): string {
  if (declared.has(sampleName)) return sampleName;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const type = declared.get(base)?.type;
      if (type === "histogram" || (type === "summary" && suffix !== "_bucket")) return base;
    }
  }
  return sampleName;
}

const seriesKey = (name: string, labels: Readonly<Record<string, string>>): string =>
  `${name}{${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(",")}}`;

function checkFamily(family: Family): void {
  const where = `metric ${family.name}`;
  if (family.help === null || family.help.trim() === "") throw new ExpositionError(`${where}: no help text`);
  if (family.type === "counter" && !family.name.endsWith("_total")) throw new ExpositionError(`${where}: a counter's name should end in _total`);
  for (const s of family.samples) {
    const own = s.name === family.name;
    switch (family.type) {
      case "counter":
      case "gauge":
      case "untyped":
        if (!own) throw new ExpositionError(`${where}: sample ${s.name} does not belong to a ${family.type}`);
        if (family.type === "counter" && s.value < 0) throw new ExpositionError(`${where}: a counter is negative`);
        break;
      case "histogram":
        if (own) throw new ExpositionError(`${where}: a histogram has no sample of its own name`);
        if (s.name.endsWith("_bucket") && !("le" in s.labels)) throw new ExpositionError(`${where}: a bucket has no le label`);
        if (!s.name.endsWith("_bucket") && "le" in s.labels) throw new ExpositionError(`${where}: le on ${s.name}`);
        if ((s.name.endsWith("_bucket") || s.name.endsWith("_count")) && !(s.value >= 0)) throw new ExpositionError(`${where}: negative count`);
        break;
      case "summary":
        if (own && !("quantile" in s.labels)) throw new ExpositionError(`${where}: a summary's quantile sample has no quantile label`);
        break;
      default: {
        const never: never = family.type;
        throw new ExpositionError(`unknown type ${String(never)}`);
      }
    }
  }
  if (family.type === "histogram") {
    // Group the buckets by their other labels; each group must climb and end in +Inf equal to _count.
    const groups = new Map<string, Array<{ le: number; value: number }>>();
    const counts = new Map<string, number>();
    for (const s of family.samples) {
      const { le, ...rest } = s.labels;
      const key = seriesKey("", rest);
      if (s.name.endsWith("_bucket")) {
        const bounds = groups.get(key) ?? [];
        bounds.push({ le: parseFloatStrict(le as string, 0), value: s.value });
        groups.set(key, bounds);
      } else if (s.name.endsWith("_count")) counts.set(key, s.value);
    }
    for (const [key, bounds] of groups) {
      bounds.sort((a, b) => a.le - b.le);
      for (let i = 1; i < bounds.length; i++) {
        if ((bounds[i]?.value ?? 0) < (bounds[i - 1]?.value ?? 0)) throw new ExpositionError(`${where}${key}: buckets decrease`);
      }
      const last = bounds[bounds.length - 1];
      if (last?.le !== Infinity) throw new ExpositionError(`${where}${key}: no +Inf bucket`);
      if (counts.get(key) !== last.value) throw new ExpositionError(`${where}${key}: the +Inf bucket (${last.value}) is not _count (${counts.get(key)})`);
    }
  }
}

/** Parses and checks an exposition; throws `ExpositionError` at the first fault. */
export function parseExposition(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith("\n")) throw new ExpositionError("the last line does not end with a line feed");
  const lines = text.split("\n").slice(0, -1);
  const declared = new Map<string, { type: MetricType; help: string | null; samples: Sample[]; typeLine: boolean; helpLine: boolean }>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;

  const open = (name: string, line: number) => {
    if (current !== name) {
      if (finished.has(name)) throw new ExpositionError(`line ${line}: metric ${name} continues after other metrics`);
      if (current !== null) finished.add(current);
      current = name;
    }
    let family = declared.get(name);
    if (!family) {
      family = { type: "untyped", help: null, samples: [], typeLine: false, helpLine: false };
      declared.set(name, family);
    }
    return family;
  };

  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const match = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
      if (!match) return; // a comment
      const [, keyword, name = "", rest = ""] = match;
      if (!METRIC_NAME.test(name)) throw new ExpositionError(`line ${line}: bad metric name "${name}"`);
      const family = open(name, line);
      if (keyword === "HELP") {
        if (family.helpLine) throw new ExpositionError(`line ${line}: second HELP for ${name}`);
        family.helpLine = true;
        family.help = unescapeHelp(rest, line);
      } else {
        if (family.typeLine) throw new ExpositionError(`line ${line}: second TYPE for ${name}`);
        if (family.samples.length > 0) throw new ExpositionError(`line ${line}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest.trim() as MetricType)) throw new ExpositionError(`line ${line}: unknown type "${rest}"`);
        family.typeLine = true;
        family.type = rest.trim() as MetricType;
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new ExpositionError(`line ${line}: a sample must start with a metric name: "${raw}"`);
    const sampleName = nameMatch[0];
    let rest = raw.slice(sampleName.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) {
      const read = readLabels(raw, sampleName.length, line);
      labels = read.labels;
      rest = raw.slice(read.end);
    }
    const fields = rest.trim().split(/[ \t]+/);
    if (!/^[ \t]/.test(rest) || fields.length < 1 || fields.length > 2 || fields[0] === "") throw new ExpositionError(`line ${line}: expected " value [timestamp]" after ${sampleName}`);
    const value = parseFloatStrict(fields[0] as string, line);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) throw new ExpositionError(`line ${line}: bad timestamp "${fields[1]}"`);
    const familyName = familyOf(sampleName, declared);
    const family = open(familyName, line);
    const key = seriesKey(sampleName, labels);
    if (series.has(key)) throw new ExpositionError(`line ${line}: sample ${key} given twice`);
    series.add(key);
    family.samples.push({ name: sampleName, labels, value });
  });

  const families = new Map<string, Family>();
  for (const [name, f] of declared) {
    const family: Family = { name, type: f.type, help: f.help, samples: f.samples };
    checkFamily(family);
    families.set(name, family);
  }
  return families;
}

/** The sum of the samples named `name` whose labels include `labels` (0 when there are none). */
export function sumOf(families: ReadonlyMap<string, Family>, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return samplesOf(families, name)
    .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Every sample of a name, across families. */
export function samplesOf(families: ReadonlyMap<string, Family>, name: string): Sample[] {
  return [...families.values()].flatMap((f) => f.samples.filter((s) => s.name === name));
}
