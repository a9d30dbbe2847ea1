// The one gate for console pages, server actions and the admin API: session (or API token) + role.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import type { Role } from "@/db/schema";
import { getDb } from "@/db";
import { auth } from "./next-auth";
import { env } from "../env";
import { hasRole, type Actor } from "./roles";
import { findUserById } from "@/db/queries/users";
import { adminAuthBlocked, recordAdminAuthFailure } from "./rate-limit";

export class AccessError extends Error {
  constructor(
    public readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AccessError";
  }
}

/** Constant-time comparison of two secrets of any length. */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/** Resolves a session's user id to the current user row: a removed user or changed role takes effect at once. */
async function actorFromUserId(userId: unknown): Promise<Actor | null> {
  if (typeof userId !== "string") return null;
  const user = await findUserById(await getDb(), userId);
  return user ? { id: user.id, email: user.email, role: user.role, via: "session" } : null;
}

/** The signed-in console user of this request (pages and server actions), or null. */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  return actorFromUserId((session?.user as { id?: string } | undefined)?.id);
});

/** For pages: the signed-in user, or a redirect to sign-in (or to the overview when the role is too low). */
export async function requirePageActor(minRole: Role = "viewer", callbackPath = "/"): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) redirect(`/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}`);
  if (!hasRole(actor.role, minRole)) redirect("/?forbidden=1");
  return actor;
}

/** For server actions: the signed-in user with at least `minRole`, else an AccessError (401/403). */
export async function requireActionActor(minRole: Role): Promise<Actor> {
  return checkRole(await currentActor(), minRole);
}

export function checkRole(actor: Actor | null, minRole: Role): Actor {
  if (!actor) throw new AccessError(401, "Sign in required.");
  if (!hasRole(actor.role, minRole))
    throw new AccessError(403, `This needs the ${minRole} role; you are ${actor.role}.`);
  return actor;
}

/** For `/api/admin/*`: `Authorization: Bearer $ADMIN_API_TOKEN` (acts as admin) or the console session cookie. */
export async function apiActor(req: Request): Promise<Actor | null> {
  const header = req.headers.get("authorization") ?? "";
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  if (bearer) {
    return secretsEqual(bearer, env.ADMIN_API_TOKEN)
      ? { id: null, email: "api-token", role: "admin", via: "api-token" }
      : null;
  }
  const cookies = req.headers.get("cookie") ?? "";
  const secureCookie = cookies.includes("__Secure-authjs.session-token");
  const token = await getToken({ req, secret: env.AUTH_SECRET, secureCookie });
  return actorFromUserId(token?.uid);
}

/** Runs an admin API handler for an actor with at least `minRole`; answers 401/403 JSON otherwise. */
export async function withApiActor(
  req: Request,
  minRole: Role,
  handler: (actor: Actor) => Promise<Response>,
): Promise<Response> {
  const blocked = await adminAuthBlocked(req);
  if (blocked) return blocked;
  let actor: Actor;
  try {
    actor = checkRole(await apiActor(req), minRole);
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    if (err.status === 401) await recordAdminAuthFailure(req);
    return Response.json({ error: err.message }, { status: err.status });
  }
  return handler(actor);
}
