// zod issues as people read them: "data.email: Invalid email address; created: …" in 400 answers, or one
// message per form field. The only formatter of zod errors (lib/env.ts words its own start-up report).
import type { z } from "zod";

type FormatOptions = {
  /** The name of the whole value, for an issue about the value itself (empty path). */
  root?: string;
  /** Where the parsed value sits in the larger input, e.g. ["data"] for an event's data. */
  at?: PropertyKey[];
};

const pathOf = (path: readonly PropertyKey[]) => path.map(String).join(".");

/** Every issue as `path: message`, joined with "; ". */
export function formatIssues(error: z.ZodError, { root = "input", at = [] }: FormatOptions = {}): string {
  return error.issues.map((i) => `${pathOf([...at, ...i.path]) || root}: ${i.message}`).join("; ");
}

/** The first issue's message alone (a single value, or a form that shows one line). */
export function firstIssueMessage(error: z.ZodError, fallback: string): string {
  return error.issues[0]?.message ?? fallback;
}

/** The first message of each top-level field among `fields`, for errors shown next to their field. */
export function fieldErrorsOf(error: z.ZodError, fields: readonly string[]): Partial<Record<string, string>> {
  const errors: Partial<Record<string, string>> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0]);
    if (fields.includes(key) && !errors[key]) errors[key] = issue.message;
  }
  return errors;
}
