// Liveness and readiness for load balancers and uptime checks: no secrets, no customer data.
import { getHealth } from "@/lib/health";

export async function GET() {
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === "down" ? 503 : 200,
    headers: { "cache-control": "no-store" },
  });
}
