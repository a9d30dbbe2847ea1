// How an erased person stays findable without being kept: every identifier they were known by is stored only as
// sha256("<kind>:<value>") (erased_subjects). Whoever holds the id can check it; nobody can read it back.
import { createHash } from "node:crypto";

export type SubjectKind = "app" | "stripe" | "email" | "hubspot" | "zendesk" | "intercom";

/** The hash of one identifier (emails lowercased and trimmed, so a case change does not slip past). */
export function subjectHash(kind: SubjectKind, value: string): string {
  const v = kind === "email" ? value.trim().toLowerCase() : value;
  return createHash("sha256").update(`${kind}:${v}`).digest("hex");
}

/** The hash of an already-prefixed key, as a handler's customer key names it (`app:<id>`, `stripe:<cus>`). */
export function keyHash(key: string): string {
  const i = key.indexOf(":");
  const kind = key.slice(0, i);
  if (i > 0 && kind === "email") return subjectHash("email", key.slice(i + 1));
  return createHash("sha256").update(key).digest("hex");
}

/** The tombstone's app user id: unique per person, findable from the id, not reversible. */
export const tombstoneAppUserId = (appUserId: string) => `erased:${subjectHash("app", appUserId)}`;

/** Everything a person was known by, as the erasure collects it before anything is deleted. */
export type ErasureSubject = {
  appUserId: string;
  customerId: string | null;
  email: string | null;
  name: string | null;
  stripe: string | null;
  hubspot: string | null;
  zendesk: string | null;
  intercom: string | null;
};

/** The hashes of every identifier the subject holds. */
export function subjectHashes(s: ErasureSubject): string[] {
  const pairs: [SubjectKind, string | null][] = [
    ["app", s.appUserId],
    ["stripe", s.stripe],
    ["email", s.email],
    ["hubspot", s.hubspot],
    ["zendesk", s.zendesk],
    ["intercom", s.intercom],
  ];
  return pairs.flatMap(([kind, v]) => (v ? [subjectHash(kind, v)] : []));
}
