/**
 * Half of a UTF-16 surrogate pair without its other half. JSON lets a body write one (`"\ud800"`),
 * but UTF-8 cannot carry it: Avro in Kafka, Redis and a provider's HTTP call would each get U+FFFD
 * instead, silently, so what was checked and fingerprinted is not what travels on.
 */
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * Where the first string of a parsed JSON value (an object's key or any string value) holds an
 * unpaired surrogate: its path (`payer.fullName`, `items.0`; "" for the value itself), or null when
 * there is none. Walks without recursion, so any nesting JSON.parse took is fine, in time linear in the value.
 */
export function unpairedSurrogatePath(value: unknown): string | null {
  const pending: Array<{ node: unknown; path: string }> = [{ node: value, path: "" }];
  const at = (path: string, key: string): string => (path === "" ? key : `${path}.${key}`);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, path } = next;
    if (typeof node === "string") {
      if (UNPAIRED_SURROGATE.test(node)) return path;
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) pending.push({ node: node[i], path: at(path, String(i)) });
    } else if (node !== null && typeof node === "object") {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        if (UNPAIRED_SURROGATE.test(key)) return at(path, key);
        pending.push({ node: child, path: at(path, key) });
      }
    }
  }
  return null;
}
