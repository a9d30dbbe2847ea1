// Liveness and readiness for load balancers and uptime checks. Anyone gets { status, time, version,
// startedAt } (503 when down): a monitor sees a deploy or a restart as a new version or start time;
// `Authorization: Bearer $ADMIN_API_TOKEN` or an admin's console session also gets the details (database,
// migrations, jobs driver, backlog, the database error, the git commit): no secrets, no customer data.
import { getHealth, publicHealth } from "@/lib/monitoring/health";
import { adminAuthBlocked, recordAdminAuthFailure, throttle } from "@/lib/auth/rate-limit";
import { apiActor, secretsEqual } from "@/lib/auth/access";
import { hasRole } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { buildInfo } from "@/lib/telemetry/version";

/** Whether this request may see the details: the admin API token (compared in constant time) or an admin session. */
async function mayReadDetails(req: Request): Promise<boolean> {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (bearer) {
    // A wrong token counts against the admin API's failed-authentication limit; the status is still served.
    if (await adminAuthBlocked(req)) return false;
    if (secretsEqual(bearer, env.ADMIN_API_TOKEN)) return true;
    await recordAdminAuthFailure(req);
    return false;
  }
  if (!req.headers.has("cookie")) return false;
  // The session is checked against the users table: with the database down, only the status is shown.
  const actor = await apiActor(req).catch(() => null);
  return actor !== null && hasRole(actor.role, "admin");
}

export async function GET(req: Request) {
  const throttled = await throttle("health", req);
  if (throttled) return throttled;
  const health = await getHealth();
  const { version, commit, startedAt } = buildInfo();
  const body = (await mayReadDetails(req))
    ? { ...health, version, commit, startedAt }
    : { ...publicHealth(health), version, startedAt };
  return Response.json(body, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
}
