// Refusals are audited: a signed-in user (or the API token) refused a page's action or an admin API path for
// lack of role (403) leaves an "access.refused" entry naming the actor, what was asked and the role it needed.
// Called from the places that answer 403: withApiActor (admin API, ./access.ts) and defineAction (server actions).
import type { Db } from "@/db";
import type { Role } from "@/db/schema";
import { audit } from "@/db/queries/audit";
import type { Actor } from "@/lib/auth/roles";
import { log } from "@/lib/log";

export type RefusedRequest =
  /** An admin API request: its method and path (no query string: it may carry data). */
  | { kind: "api"; method: string; path: string }
  /** A server action: its name (or Next's action id) and the page it was called from. */
  | { kind: "action"; action: string; path?: string | null };

/**
 * Records a role refusal. Never throws: a refusal must stay a 403 even when the audit log cannot be written
 * (that failure is logged instead).
 */
export async function auditAccessRefused(db: Db, actor: Actor, request: RefusedRequest, required: Role): Promise<void> {
  const target =
    request.kind === "api"
      ? { type: "api", id: `${request.method.toUpperCase()} ${request.path}` }
      : { type: "action", id: request.action };
  try {
    await audit(db, actor, "access.refused", target, {
      ...request,
      required,
      role: actor.role,
    });
  } catch (err) {
    log.warn("audit.refusal_not_recorded", { action: "access.refused", target: target.id, error: err });
  }
}

/** The path of a request URL without its query string ("/api/admin/events/replay"). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0] ?? url;
  }
}
