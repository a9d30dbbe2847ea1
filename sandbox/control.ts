// Control API under /__sandbox/* on every sandbox server: faults, reset, state, config, seeding.
import { validateFault } from "./faults";
import type { FaultInjector, FaultSpec, RequestLog } from "./faults";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import { isRecord } from "./util";

type Context = { service: Service; faults: FaultInjector; log: RequestLog };

export const CONTROL_ROUTES = [
  "GET    /__sandbox/state              objects, counters, config, pending faults and received requests",
  "POST   /__sandbox/reset              forget everything (objects, faults, requests); config back to its start values",
  "POST   /__sandbox/faults             queue a fault: FaultSpec or FaultSpec[]",
  "GET    /__sandbox/faults             pending faults",
  "DELETE /__sandbox/faults             drop pending faults",
  "GET    /__sandbox/requests           received requests (?path=prefix&since=seq)",
  "DELETE /__sandbox/requests           forget received requests",
  "GET    /__sandbox/config             current config",
  "POST   /__sandbox/config             merge config (credentials, searchLagMs, idempotency TTL)",
  "POST   /__sandbox/objects            seed or modify objects: one object or an array",
];

export function handleControl(ctx: Context, req: SandboxRequest): SandboxResponse {
  const route = `${req.method} ${req.path.replace(/\/+$/, "")}`;
  if (req.jsonError) return { status: 400, body: { error: `invalid JSON: ${req.jsonError}` } };
  switch (route) {
    case "GET /__sandbox/state":
      return {
        status: 200,
        body: {
          service: ctx.service.name,
          ...ctx.service.snapshot(),
          faults: ctx.faults.list(),
          requests: ctx.log.list(),
        },
      };
    case "POST /__sandbox/reset":
      ctx.faults.clear();
      ctx.log.clear();
      ctx.service.reset();
      return { status: 200, body: { ok: true } };
    case "POST /__sandbox/faults":
      return queueFaults(ctx.faults, req.body);
    case "GET /__sandbox/faults":
      return { status: 200, body: { faults: ctx.faults.list() } };
    case "DELETE /__sandbox/faults":
      ctx.faults.clear();
      return { status: 200, body: { faults: [] } };
    case "GET /__sandbox/requests": {
      const prefix = req.query.get("path") ?? "";
      const since = Number(req.query.get("since") ?? 0);
      const requests = ctx.log.list().filter((r) => r.path.startsWith(prefix) && r.seq > since);
      return { status: 200, body: { requests } };
    }
    case "DELETE /__sandbox/requests":
      ctx.log.clear();
      return { status: 200, body: { requests: [] } };
    case "GET /__sandbox/config":
      return { status: 200, body: { config: ctx.service.configure({}) } };
    case "POST /__sandbox/config":
      if (!isRecord(req.body)) return { status: 400, body: { error: "config must be a JSON object" } };
      try {
        return { status: 200, body: { config: ctx.service.configure(req.body) } };
      } catch (error) {
        return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
      }
    case "POST /__sandbox/objects":
      return ctx.service.seed(req.body);
    default:
      return { status: 404, body: { error: `unknown control route ${route}`, routes: CONTROL_ROUTES } };
  }
}

function queueFaults(faults: FaultInjector, body: unknown): SandboxResponse {
  const specs = Array.isArray(body) ? body : [body];
  if (specs.length === 0 || !specs.every(isRecord)) {
    return { status: 400, body: { error: "body must be a fault spec object or an array of them" } };
  }
  try {
    for (const spec of specs) validateFault(spec as FaultSpec);
    return { status: 201, body: { faults: specs.map((spec) => faults.add(spec as FaultSpec)) } };
  } catch (error) {
    return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
  }
}
