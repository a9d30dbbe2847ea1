// What each console role may do, in the words the Users page shows.
import type { Role } from "@/db/schema";

export const ROLE_HELP: Record<Role, string> = {
  viewer: "Reads everything, changes nothing",
  admin: "Also replays events, fixes identity links, handles alerts",
  owner: "Everything, including managing users",
};

export const roleLabel = (role: Role) => role.charAt(0).toUpperCase() + role.slice(1);
