/**
 * Providers send and expect amounts as JSON numbers (Depay `"amount": 0.2`, TumiPay `1.50`). JSON.parse would turn
 * them into binary floats, so numbers are kept as their exact text: every number literal
 * outside a string becomes a string before parsing.
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "-" || (c >= "0" && c <= "9")) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
      if (!match) throw new SyntaxError(`bad number at offset ${i}`);
      out += `"${match[0]}"`;
      i += match[0].length;
    } else {
      out += c;
      i++;
    }
  }
  return JSON.parse(out) as unknown;
}

const DECIMAL = /^\d+(?:\.\d+)?$/;

/** A decimal written into JSON as a number literal, digit for digit. */
export class JsonDecimal {
  constructor(readonly text: string) {
    if (!DECIMAL.test(text)) throw new Error(`not a plain decimal: ${text}`);
  }
}

/** JSON.stringify, except that JsonDecimal values come out as number literals with their exact digits. */
export function stringifyWithDecimals(value: unknown): string {
  const decimals: string[] = [];
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof JsonDecimal) {
      decimals.push(v.text);
      return `\u0000decimal:${decimals.length - 1}\u0000`;
    }
    return v;
  });
  return json.replace(/"\\u0000decimal:(\d+)\\u0000"/g, (_m, n: string) => decimals[Number(n)] as string);
}

/** A callback body as a JSON object with its numbers kept as text, or the rule it breaks. */
export function parseJsonObject(text: string): { ok: true; value: object } | { ok: false; rule: string } {
  let body: unknown;
  try {
    body = parseJsonKeepingNumbers(text);
  } catch {
    return { ok: false, rule: "must be JSON" };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, rule: "must be a JSON object" };
  return { ok: true, value: body };
}
