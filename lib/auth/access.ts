// The one gate for console pages, server actions and the admin API: session (or API token) + role.
import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { cache } from "react";
import { redirect } from "next/navigation";
import { getToken } from "next-auth/jwt";
import type { Role } from "@/db/schema";
import { getDb } from "@/db";
import { auth, secureCookies } from "./next-auth";
import { env } from "../env";
import { BodyTooLargeError, readBodyCapped } from "../ingest/read-body";
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
  // The cookie name (__Secure- or not) follows the configuration, as the session cookie itself does: a request
  // cannot choose which of the two names is read.
  const token = await getToken({ req, secret: env.AUTH_SECRET, secureCookie: secureCookies() });
  return actorFromUserId(token?.uid);
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
  try {
    const found = await apiActor(req);
    if (found?.via === "session") {
      const refused = refuseCrossSiteWrite(req);
      if (refused) return refused;
    }
    actor = checkRole(found, minRole);
  } catch (err) {
    if (!(err instanceof AccessError)) throw err;
    if (err.status === 401) await recordAdminAuthFailure(req);
    return Response.json({ error: err.message }, { status: err.status });
  }
  return handler(actor);
}
