// The one gate for console pages, server actions and the admin API: session (or API token) + role.
import "server-only";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import type { Role } from "@/db/schema";
import { getDb } from "@/db";
import { auth, secureCookies } from "./next-auth";
import { env } from "../env";
import { BodyTooLargeError, readBodyCapped } from "../ingest/read-body";
import { hasRole, type Actor } from "./roles";
import { secretsEqual } from "./secrets";
import { findUserById } from "@/db/queries/users";
import { findActiveSession, LAST_SEEN_INTERVAL_MS, touchSession } from "@/db/queries/user-sessions";
import { adminAuthBlocked, recordAdminAuthFailure } from "./rate-limit";
import { auditAccessRefused, pathOf } from "./refusals";

export class AccessError extends Error {
  constructor(
    public readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
    this.name = "AccessError";
  }
}

export { secretsEqual } from "./secrets";

/**
 * Resolves a session (user id + session id from the JWT) to the current user row: a removed user, a changed
 * role or an ended session (signed out, password changed or reset) takes effect at once. A JWT without a
 * session id (issued before sessions were recorded) is refused: that user signs in again.
 */
export async function actorFromSession(userId: unknown, sessionId: unknown): Promise<Actor | null> {
  if (typeof userId !== "string" || typeof sessionId !== "string") return null;
  const db = await getDb();
  const [user, session] = await Promise.all([findUserById(db, userId), findActiveSession(db, sessionId, userId)]);
  if (!user || !session) return null;
  if (Date.now() - session.lastSeenAt.getTime() >= LAST_SEEN_INTERVAL_MS) await touchSession(db, session.id);
  return {
    id: user.id,
    email: user.email,
    role: user.role,
    via: "session",
    sessionId: session.id,
    mustChangePassword: user.mustChangePassword,
  };
}

/** The signed-in console user of this request (pages and server actions), or null. */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await auth();
  const user = session?.user as { id?: string; sid?: string } | undefined;
  return actorFromSession(user?.id, user?.sid);
});

export const ACCOUNT_PATH = "/account";
export const MUST_CHANGE_PASSWORD = "Change your temporary password first (on the Account page).";

/**
 * For pages: the signed-in user, or a redirect to sign-in (or to the overview when the role is too low). A user
 * with a temporary password (an owner's reset) is sent to the Account page until they change it.
 */
export async function requirePageActor(
  minRole: Role = "viewer",
  callbackPath = "/",
  opts: { allowTemporaryPassword?: boolean } = {},
): Promise<Actor> {
  const actor = await currentActor();
  const to = pageRedirect(actor, minRole, callbackPath, opts);
  if (to) redirect(to);
  return actor!;
}

/** Where a page sends this actor instead of rendering (sign-in, the Account page, the overview), or null. */
export function pageRedirect(
  actor: Actor | null,
  minRole: Role,
  callbackPath: string,
  opts: { allowTemporaryPassword?: boolean } = {},
): string | null {
  if (!actor) return `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}`;
  const path = callbackPath.split("?")[0];
  if (actor.mustChangePassword && !opts.allowTemporaryPassword && path !== ACCOUNT_PATH) return ACCOUNT_PATH;
  if (!hasRole(actor.role, minRole)) return "/?forbidden=1";
  return null;
}

/**
 * For server actions: the signed-in user with at least `minRole`, else an AccessError (401/403). A user with a
 * temporary password is refused (403) unless the action allows it (the password change itself).
 */
export async function requireActionActor(
  minRole: Role,
  opts: { allowTemporaryPassword?: boolean } = {},
): Promise<Actor> {
  return checkRole(await currentActor(), minRole, opts);
}

/** 401 without an actor, 403 below the role or (unless allowed) with a temporary password still to change. */
export function checkRole(actor: Actor | null, minRole: Role, opts: { allowTemporaryPassword?: boolean } = {}): Actor {
  if (!actor) throw new AccessError(401, "Sign in required.");
  if (actor.mustChangePassword && !opts.allowTemporaryPassword) throw new AccessError(403, MUST_CHANGE_PASSWORD);
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
  // The cookie name (__Secure- or not) follows the configuration, as the session cookie itself does: a request
  // cannot choose which of the two names is read.
  const token = await getToken({ req, secret: env.AUTH_SECRET, secureCookie: secureCookies() });
  return actorFromSession(token?.uid, token?.sid);
}

const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** The origins this console answers on: the request's own (its URL and Host header) and APP_URL's. */
function ownOrigins(req: Request): Set<string> {
  const url = new URL(req.url);
  const origins = new Set([url.origin]);
  const add = (candidate: string) => {
    try {
      origins.add(new URL(candidate).origin);
    } catch {
      // not a usable origin
    }
  };
  const host = req.headers.get("host");
  if (host) {
    add(`${url.protocol}//${host}`);
    const forwardedProto = req.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
    if (forwardedProto === "http" || forwardedProto === "https") add(`${forwardedProto}://${host}`);
  }
  if (env.APP_URL) add(env.APP_URL);
  return origins;
}

function sameOrigin(origin: string, req: Request): boolean {
  let normalized: string;
  try {
    normalized = new URL(origin).origin;
  } catch {
    return false; // "null" (sandboxed frames, some redirects) or garbage
  }
  return normalized !== "null" && ownOrigins(req).has(normalized);
}

function hasBody(req: Request): boolean {
  const length = req.headers.get("content-length");
  if (length !== null) return Number(length) > 0;
  return req.headers.has("transfer-encoding") || req.body !== null;
}

/**
 * CSRF guard for writes authenticated by the session cookie (a browser sends the cookie along with a request
 * another site makes): refuses a foreign Origin or Sec-Fetch-Site (403), and a body that is not JSON (415),
 * which a plain HTML form or a "simple" cross-site fetch cannot send without a CORS preflight.
 */
export function refuseCrossSiteWrite(req: Request): Response | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const fetchSite = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  if (
    (fetchSite !== null && fetchSite.toLowerCase() !== "same-origin") ||
    (origin !== null && !sameOrigin(origin, req))
  )
    return Response.json(
      {
        error:
          "Cross-site request refused: admin API writes with the console session must come from the console's own origin (scripts: send Authorization: Bearer $ADMIN_API_TOKEN).",
      },
      { status: 403 },
    );
  if (hasBody(req)) {
    const mediaType = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (mediaType !== "application/json")
      return Response.json(
        { error: "Unsupported body: send it as JSON with Content-Type: application/json." },
        { status: 415 },
      );
  }
  return null;
}

/** The largest JSON body an admin API write reads. */
export const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/**
 * The JSON body of an admin API write, read up to MAX_ADMIN_BODY_BYTES: the parsed value, or the answer to send
 * (413 too large, 400 not JSON). An empty body is `empty` when given, else invalid.
 */
export async function readJsonBody(
  req: Request,
  opts: { invalid: string; empty?: unknown; limit?: number },
): Promise<{ value: unknown; error?: undefined } | { value?: undefined; error: Response }> {
  const limit = opts.limit ?? MAX_ADMIN_BODY_BYTES;
  let text: string;
  try {
    text = await readBodyCapped(req, limit);
  } catch (err) {
    if (!(err instanceof BodyTooLargeError)) throw err;
    return {
      error: Response.json(
        { error: `Body too large: the admin API accepts at most ${Math.round(limit / 1024)} KiB (${limit} bytes).` },
        { status: 413 },
      ),
    };
  }
  if (!text.trim() && opts.empty !== undefined) return { value: opts.empty };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: Response.json({ error: opts.invalid }, { status: 400 }) };
  }
}

/**
 * Runs an admin API handler for an actor with at least `minRole`; answers 401/403 JSON otherwise. A write with
 * the session cookie must also pass refuseCrossSiteWrite (403 foreign origin, 415 a body that is not JSON).
 */
export async function withApiActor(
  req: Request,
  minRole: Role,
  handler: (actor: Actor) => Promise<Response>,
): Promise<Response> {
  const blocked = await adminAuthBlocked(req);
  if (blocked) return blocked;
  let actor: Actor;
  let found: Actor | null = null;
  try {
    found = await apiActor(req);
    if (found?.via === "session") {
      const refused = refuseCrossSiteWrite(req);
      if (refused) return refused;
    }
    actor = checkRole(found, minRole);
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    if (err.status === 401) await recordAdminAuthFailure(req);
    if (err.status === 403 && found)
      await auditAccessRefused(
        await getDb(),
        found,
        { kind: "api", method: req.method, path: pathOf(req.url) },
        minRole,
      );
    return Response.json({ error: err.message }, { status: err.status });
  }
  return handler(actor);
}
