// Removing a person's words from texts we keep (alert titles, error lines, audit details): every occurrence of
// their email, name or app user id becomes "[erased]", whatever its case. JSON is walked value by value, so a
// short name never rewrites a key.
export const ERASED_TEXT = "[erased]";

/** Terms shorter than this are left alone: a two-letter name would blank unrelated words everywhere. */
const MIN_TERM = 3;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export type Scrubber = {
  /** The terms looked for (for a database pre-filter). */
  terms: string[];
  text: (s: string | null) => string | null;
  json: <T>(value: T) => T;
  /** Whether `s` names the person. */
  names: (s: string | null | undefined) => boolean;
};

export function scrubberFor(values: (string | null | undefined)[]): Scrubber {
  const terms = [...new Set(values.flatMap((v) => (v && v.trim().length >= MIN_TERM ? [v.trim()] : [])))];
  // Longest first, so an email is replaced whole before a name inside it.
  terms.sort((a, b) => b.length - a.length);
  const re = terms.length ? new RegExp(terms.map(escapeRegExp).join("|"), "gi") : null;
  const text = (s: string | null) => (s && re ? s.replace(re, ERASED_TEXT) : s);
  const json = <T>(value: T): T => {
    if (typeof value === "string") return text(value) as T;
    if (Array.isArray(value)) return value.map(json) as T;
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, json(v)])) as T;
    return value;
  };
  const names = (s: string | null | undefined) => {
    if (!s || !re) return false;
    re.lastIndex = 0;
    return new RegExp(re.source, "i").test(s);
  };
  return { terms, text, json, names };
}
