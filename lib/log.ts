import pino, { type DestinationStream, type Logger } from "pino";
import { logSettings } from "./env";
import { maskSecretsIn } from "./monitoring/mask";
import { activeTraceIds } from "./telemetry/trace";

// Structured JSON logs on pino, one line each on stdout; callers pass ids (event, correlation, user), never
// secrets or bodies. Server-only: nothing in proxy.ts (edge) or a "use client" file imports this module.
type Fields = Record<string, unknown>;

const SECRET_KEYS = /secret|token|password|authorization|api[_-]?key|card|cvc|signature|cookie/i;

/**
 * Paths pino redacts as the line is written: what the key rule cannot know is sensitive, a webhook's body
 * (customer data) wherever a caller might put one by mistake. Fixed paths only: a path starting with a
 * wildcard makes pino run its redaction over every field of every line, doubling a line's cost.
 */
export const REDACT_PATHS = [
  "body",
  "rawBody",
  "payload",
  "request.body",
  "req.body",
  "event.rawBody",
  "event.payload",
];

/** How deep scrub follows nested objects and arrays; anything deeper is written as "[truncated]". */
export const MAX_DEPTH = 6;

/**
 * A copy of `value` safe to log: every key that looks like a secret, at any depth (objects, arrays, an
 * Error's own properties and its cause), is "[redacted]", and so is any string that is shaped like an API
 * key or bearer token. An Error keeps its name, message, stack and `cause` chain.
 */
export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return maskSecretsIn(value);
  if (typeof value === "bigint") return value.toString();
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
    if (value instanceof Error) return scrubError(value, depth, seen);
    const json = (value as { toJSON?: unknown }).toJSON;
    if (typeof json === "function") return scrub(json.call(value), depth, seen); // Date, URL, Buffer…
    return scrubEntries(Object.entries(value), depth, seen);
  } finally {
    seen.delete(value);
  }
}

/** pino's error serialiser leaves out `name` and does not redact an error's own fields: this keeps both. */
function scrubError(error: Error, depth: number, seen: WeakSet<object>): Fields {
  const out: Fields = { name: error.name, message: scrub(error.message) };
  if (error.stack) out.stack = scrub(error.stack);
  Object.assign(out, scrubEntries(Object.entries(error), depth, seen));
  if (error.cause !== undefined && !("cause" in out)) out.cause = scrub(error.cause, depth + 1, seen);
  return out;
}

function scrubEntries(entries: [string, unknown][], depth: number, seen: WeakSet<object>): Fields {
  const out: Fields = {};
  for (const [k, v] of entries) out[k] = SECRET_KEYS.test(k) ? "[redacted]" : scrub(v, depth + 1, seen);
  return out;
}

/** A pino logger with this app's line shape: ISO time, level by name, no pid/hostname, secrets redacted. */
export function createPinoLogger(level: string, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      // The recursive pass: pino's own `redact` only knows fixed paths, a secret can sit at any depth.
      log: (fields) => scrub(fields) as Fields,
    },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    // Joins a log line to its trace when tracing is on; one global read when it is off.
    mixin: () => activeTraceIds() ?? {},
  };
  return destination ? pino(options, destination) : pino(options);
}

export type Log = Record<"debug" | "info" | "warn" | "error", (msg: string, fields?: Fields) => void>;

/** The app's `log` API over a given pino logger (tests pass one writing to memory). */
export function logTo(logger: Logger): Log {
  return {
    debug: (msg, fields) => logger.debug(fields ?? {}, msg),
    info: (msg, fields) => logger.info(fields ?? {}, msg),
    warn: (msg, fields) => logger.warn(fields ?? {}, msg),
    error: (msg, fields) => logger.error(fields ?? {}, msg),
  };
}

// Created on first use so LOG_LEVEL is read after the environment is loaded (scripts, tests).
let root: Log | undefined;
const current = () => (root ??= logTo(createPinoLogger(logSettings().level)));

export const log: Log = {
  debug: (msg, fields) => current().debug(msg, fields),
  info: (msg, fields) => current().info(msg, fields),
  warn: (msg, fields) => current().warn(msg, fields),
  error: (msg, fields) => current().error(msg, fields),
};
