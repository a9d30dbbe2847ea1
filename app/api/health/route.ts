// Liveness and readiness for load balancers and uptime checks: no secrets, no customer data.
import { getHealth } from "@/lib/monitoring/health";
import { throttle } from "@/lib/auth/rate-limit";

export async function GET(req: Request) {
  const throttled = await throttle("health", req);
  if (throttled) return throttled;
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
}
