"use server";
// Sign out from the console's header (public: signing out needs no role, and takes no input).
import { signOut } from "@/lib/auth/next-auth";

export async function signOutAction() {
  await signOut({ redirectTo: "/sign-in" });
}
