/**
 * A personal value with all but its last `keep` characters masked (`*******4705`), so a person
 * can still tell which of their own it is; short values are masked whole.
 */
export function maskPersonal(value: string, keep = 4): string {
  if (keep <= 0 || value.length <= keep + 2) return "*".repeat(value.length);
  return `${"*".repeat(value.length - keep)}${value.slice(value.length - keep)}`;
}
