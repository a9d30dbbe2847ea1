// JSON answers of the webhook routes: the status code tells the sender the truth.
export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}) {
  return Response.json({ error, ...extra }, { status, headers: { "cache-control": "no-store" } });
}

export function jsonOk(body: Record<string, unknown>) {
  return Response.json(body, { status: 200, headers: { "cache-control": "no-store" } });
}
