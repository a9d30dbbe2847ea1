// Small helpers shared by the sandbox servers.
import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "./http";

type Bag = Record<string | number, unknown>;

const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses a form-encoded string with Stripe's bracket notation into nested objects:
 * `metadata[app_user_id]=u1&items[0][price]=p` → `{ metadata: { app_user_id: "u1" }, items: [{ price: "p" }] }`.
 * Numeric or empty segments (`expand[]`) make arrays.
 */
export function parseForm(raw: string): Record<string, unknown> {
  const out: Bag = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const parts = splitKey(key);
    if (parts.some((p) => UNSAFE_KEYS.has(p))) continue;
    let node: Bag = out;
    for (let i = 0; i < parts.length; i++) {
      const isArray = Array.isArray(node);
      const part = parts[i] === "" && isArray ? String((node as unknown as unknown[]).length) : parts[i];
      const slot: string | number = isArray ? Number(part) : part;
      if (i === parts.length - 1) {
        node[slot] = value;
        break;
      }
      const next = node[slot];
      if (next === null || typeof next !== "object") {
        node[slot] = /^\d*$/.test(parts[i + 1]) ? [] : {};
      }
      node = node[slot] as Bag;
    }
  }
  return out as Record<string, unknown>;
}

function splitKey(key: string): string[] {
  const first = key.indexOf("[");
  if (first < 0) return [key];
  const parts = [key.slice(0, first)];
  for (const match of key.slice(first).matchAll(/\[([^\]]*)\]/g)) parts.push(match[1]);
  return parts;
}

/** JSON with object keys sorted, so two equal payloads give the same string. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  const entries = Object.keys(value as Bag)
    .sort()
    .filter((k) => (value as Bag)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Bag)[k])}`);
  return `{${entries.join(",")}}`;
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Random alphanumeric string, e.g. the tail of a Stripe id. */
export function randomToken(length = 14): string {
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i] % ALPHABET.length];
  return out;
}

export const uuid = (): string => randomUUID();

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export const isoNow = (): string => new Date().toISOString();

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** One request header as a string (first value when repeated). */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const isEmail = (value: string): boolean => EMAIL_RE.test(value);

/** One route of a look-alike: a method, a path pattern, and what answers it (given the pattern's match). */
export type SandboxRoute = {
  method: string;
  pattern: RegExp;
  run: (match: string[], req: SandboxRequest) => SandboxResponse;
};

/**
 * Answers `req` from the first route whose method and pattern match; a thrown error that carries a ready
 * `response` (the service's own error shape) is that answer. Undefined when no route matches.
 */
export function dispatchRoutes(routes: SandboxRoute[], req: SandboxRequest): SandboxResponse | undefined {
  for (const r of routes) {
    const match = r.method === req.method ? r.pattern.exec(req.path) : null;
    if (!match) continue;
    try {
      return r.run([...match], req);
    } catch (error) {
      const response = (error as { response?: SandboxResponse } | null)?.response;
      if (error instanceof Error && response && typeof response.status === "number") return response;
      throw error;
    }
  }
  return undefined;
}
