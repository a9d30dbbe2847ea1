import { logSettings } from "./env";

// Structured JSON logs, one line each; callers pass ids (event, correlation, user), never secrets or bodies.
type Fields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";
// `silent` still lets errors through: they are what an operator must see.
const RANK = { debug: 0, info: 1, warn: 2, error: 3, silent: 3 } as const;

const SECRET_KEYS = /secret|token|password|authorization|api[_-]?key|card|cvc|signature/i;

function scrub(fields: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(fields))
    out[k] = SECRET_KEYS.test(k) ? "[redacted]" : v instanceof Error ? v.message : v;
  return out;
}

function write(level: Level, msg: string, fields: Fields = {}) {
  const threshold = logSettings().level;
  if (RANK[level] < RANK[threshold]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...scrub(fields) });
  (level === "error" || level === "warn" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};
