// Checks a parsed payload before it is stored: PostgreSQL text cannot hold U+0000, so a NUL in any string
// is refused with a 400 (stored, it would fail every insert or step touching it, and no replay could fix
// it); nesting deeper than any real event is refused too. Iterative, so hostile depth cannot overflow
// the stack.
export const MAX_JSON_DEPTH = 64;

export function findNul(root: unknown): string | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: root, path: "body", depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === "string") {
      if (value.includes("\u0000")) return `${path} contains a NUL (\\u0000) character`;
      continue;
    }
    if (!value || typeof value !== "object") continue;
    if (depth >= MAX_JSON_DEPTH) return `${path} is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    for (const [key, v] of Object.entries(value)) {
      if (key.includes("\u0000")) return `${path} has a key with a NUL (\\u0000) character`;
      stack.push({ value: v, path: path === "body" ? key : `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}
