// JSON that keeps every number as the exact text it was written with, so that
// an amount such as 10.1 is never rounded through a binary float on the way in
// (parseJson) or on the way out (stringifyJson). Node 20's JSON.parse has no
// access to a number's source text, hence this small parser.

const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMBER_PREFIX = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 64;

/** A JSON number held as its literal text. */
export class JsonNumber {
  readonly text: string;

  constructor(text: string) {
    if (!NUMBER_LITERAL.test(text)) throw new TypeError(`not a JSON number literal: ${text}`);
    this.text = text;
  }

  toString(): string {
    return this.text;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export type ParseJsonResult = { ok: true; value: JsonValue } | { ok: false; error: string };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

class ParseError extends Error {}

export function parseJson(text: string): ParseJsonResult {
  let pos = 0;

  const fail = (what: string): never => {
    throw new ParseError(`${what} at position ${pos}`);
  };
  const skipWhitespace = (): void => {
    while (pos < text.length && (text[pos] === " " || text[pos] === "\t" || text[pos] === "\n" || text[pos] === "\r")) pos++;
  };
  const expectWord = (word: string): void => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail("unexpected token");
  };

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === "\\") pos += 2;
      else if (ch === '"') {
        pos++;
        try {
          return JSON.parse(text.slice(start, pos)) as string;
        } catch {
          return fail("invalid string");
        }
      } else pos++;
    }
    return fail("unterminated string");
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > MAX_DEPTH) fail("nesting too deep");
    skipWhitespace();
    const ch = text[pos];
    switch (ch) {
      case "{": {
        pos++;
        const obj: JsonObject = {};
        skipWhitespace();
        if (text[pos] === "}") {
          pos++;
          return obj;
        }
        for (;;) {
          skipWhitespace();
          if (text[pos] !== '"') fail("expected property name");
          const key = parseString();
          skipWhitespace();
          if (text[pos] !== ":") fail("expected ':'");
          pos++;
          const value = parseValue(depth + 1);
          // defineProperty, not assignment: a "__proto__" key must stay a plain property.
          Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
          skipWhitespace();
          if (text[pos] === ",") pos++;
          else if (text[pos] === "}") {
            pos++;
            return obj;
          } else fail("expected ',' or '}'");
        }
      }
      case "[": {
        pos++;
        const arr: JsonValue[] = [];
        skipWhitespace();
        if (text[pos] === "]") {
          pos++;
          return arr;
        }
        for (;;) {
          arr.push(parseValue(depth + 1));
          skipWhitespace();
          if (text[pos] === ",") pos++;
          else if (text[pos] === "]") {
            pos++;
            return arr;
          } else fail("expected ',' or ']'");
        }
      }
      case '"':
        return parseString();
      case "t":
        expectWord("true");
        return true;
      case "f":
        expectWord("false");
        return false;
      case "n":
        expectWord("null");
        return null;
      default: {
        NUMBER_PREFIX.lastIndex = pos;
        const match = NUMBER_PREFIX.exec(text);
        if (match === null) return fail(ch === undefined ? "unexpected end of input" : "unexpected token");
        pos += match[0].length;
        return new JsonNumber(match[0]);
      }
    }
  };

  try {
    const value = parseValue(0);
    skipWhitespace();
    if (pos !== text.length) fail("unexpected trailing data");
    return { ok: true, value };
  } catch (error) {
    if (error instanceof ParseError) return { ok: false, error: error.message };
    throw error;
  }
}

/** Serialises a JsonValue; JsonNumbers are written verbatim, so their value is exact. */
export function stringifyJson(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return JSON.stringify(value);
  if (value instanceof JsonNumber) return value.text;
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(",")}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}:${stringifyJson(item)}`)
    .join(",")}}`;
}
