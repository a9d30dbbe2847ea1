// Who may do what: viewer reads, admin also writes (replays, links, acknowledges), owner manages users.
import type { Role } from "@/db/schema";

export const ROLES: readonly Role[] = ["viewer", "admin", "owner"];
const RANK: Record<Role, number> = { viewer: 0, admin: 1, owner: 2 };

export function hasRole(role: Role, atLeast: Role): boolean {
  return RANK[role] >= RANK[atLeast];
}

export type Actor = { id: string | null; email: string; role: Role; via: "session" | "api-token" };
