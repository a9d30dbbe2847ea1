import { logSettings } from "./env";

// Structured JSON logs, one line each; callers pass ids (event, correlation, user), never secrets or bodies.
type Fields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";
// `silent` still lets errors through: they are what an operator must see.
const RANK = { debug: 0, info: 1, warn: 2, error: 3, silent: 3 } as const;

const SECRET_KEYS = /secret|token|password|authorization|api[_-]?key|card|cvc|signature/i;

/** How deep scrub follows nested objects and arrays; anything deeper is written as "[truncated]". */
export const MAX_DEPTH = 6;

/**
 * A copy of `value` safe to log: every key that looks like a secret, at any depth (objects, arrays, an
 * Error's own properties and its cause), is "[redacted]". An Error keeps its name, message and stack.
 */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
    if (value instanceof Error) {
      const out: Fields = { name: value.name, message: value.message };
      if (value.stack) out.stack = value.stack;
      Object.assign(out, scrubEntries(Object.entries(value), depth, seen));
      if (value.cause !== undefined && !("cause" in out)) out.cause = scrub(value.cause, depth + 1, seen);
      return out;
    }
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === "function") return scrub(json.call(value), depth, seen); // Date, URL, Buffer…
    return scrubEntries(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

function scrubEntries(entries: [string, unknown][], depth: number, seen: WeakSet<object>): Fields {
  const out: Fields = {};
  for (const [k, v] of entries) out[k] = SECRET_KEYS.test(k) ? "[redacted]" : scrub(v, depth + 1, seen);
  return out;
}

function write(level: Level, msg: string, fields: Fields = {}) {
  const threshold = logSettings().level;
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...(scrub(fields) as Fields) });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};
