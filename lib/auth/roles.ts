// Who may do what: viewer reads, admin also writes (replays, links, acknowledges), owner manages users.
import type { Role } from "@/db/schema";

export const ROLES: readonly Role[] = ["viewer", "admin", "owner"];
const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

export type Actor = {
  id: string | null;
  email: string;
  role: Role;
  via: "session" | "api-token" | "system";
  /** The console session (user_sessions row) a session actor acts through. */
  sessionId?: string;
  /** After an owner's reset: only the password change is allowed until the user picks their own. */
  mustChangePassword?: boolean;
};

/** The application itself (start-up work), in the audit log. */
export const SYSTEM_ACTOR: Actor = { id: null, email: "system", role: "owner", via: "system" };
