"use server";
// Sign out from the console's header (public: signing out needs no role, and takes no input). The session row
// ends first, server-side, so a copy of the cookie stops working; then the cookie is cleared.
import { getDb } from "@/db";
import { currentActor } from "@/lib/auth/access";
import { signOut } from "@/lib/auth/next-auth";
import { signOutSession } from "@/lib/commands/account";

export async function signOutAction() {
  const actor = await currentActor();
  if (actor) await signOutSession(await getDb(), actor);
  await signOut({ redirectTo: "/sign-in" });
}
