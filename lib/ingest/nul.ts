// PostgreSQL text cannot hold U+0000: a payload with a NUL in any string is refused at ingest with a 400
// (stored, it would fail every insert or step that touches the value, and no replay could fix it).
export function findNul(value: unknown, path = "body"): string | null {
  if (typeof value === "string") return value.includes("\u0000") ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key.includes("\u0000")) return `${path} (a key)`;
      const found = findNul(v, path === "body" ? key : `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}
