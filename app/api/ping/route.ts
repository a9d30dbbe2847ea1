// Liveness without the database (load balancers; the benchmark's framework floor). /api/health checks more.
export function GET() {
  return Response.json({ ok: true });
}

export function POST() {
  return Response.json({ ok: true });
}
