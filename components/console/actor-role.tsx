"use client";
// The signed-in user's role for client components that show or hide a control by it (the CSV export is
// admin only). Only what to show: every route and action checks the role again on the server.
import { createContext, useContext } from "react";
import type { Role } from "@/db/schema";
import { hasRole } from "@/lib/auth/roles";

const ActorRoleContext = createContext<Role>("viewer");

export function ActorRoleProvider({ role, children }: { role: Role; children: React.ReactNode }) {
  return <ActorRoleContext.Provider value={role}>{children}</ActorRoleContext.Provider>;
}

/** Whether the signed-in user has at least `role`; outside the console shell, a viewer. */
export function useHasRole(role: Role): boolean {
  return hasRole(useContext(ActorRoleContext), role);
}
