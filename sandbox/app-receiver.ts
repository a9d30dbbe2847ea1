// The app's backend, as far as the console can tell: `POST /callbacks` verifies App-Signature with the app
// secret and keeps each callback once (by id, in arrival order), like a well-behaved receiver should. Faults
// (500, 429, timeouts) come from the shared injector, so a failed `notify-app` step shows and replays.
import { verifyAppCallback, type AppCallback } from "@/lib/app-events/callback";
import type { SandboxRequest, SandboxResponse, Service } from "./http";
import { header } from "./util";

export type ReceivedCallback = AppCallback & { receivedAt: string; deliveries: number };

export function createAppReceiverService(options: {
  secret: string;
}): Service & { received: () => ReceivedCallback[] } {
  let secret = options.secret;
  const byId = new Map<string, ReceivedCallback>();
  const error = (status: number, message: string): SandboxResponse => ({ status, body: { error: message } });

  return {
    name: "app",
    received: () => [...byId.values()],
    authenticate: () => undefined,
    handle(req: SandboxRequest) {
      if (req.method === "GET" && req.path === "/callbacks")
        return { status: 200, body: { callbacks: [...byId.values()] } };
      if (req.method !== "POST" || req.path !== "/callbacks") return error(404, `No route ${req.method} ${req.path}`);
      const check = verifyAppCallback(header(req.headers, "app-signature") ?? null, req.rawBody, secret);
      if (!check.ok) return error(check.status, check.reason);
      const seen = byId.get(check.callback.id);
      if (seen) {
        seen.deliveries += 1;
        return { status: 200, body: { received: true, duplicate: true } };
      }
      byId.set(check.callback.id, { ...check.callback, receivedAt: new Date().toISOString(), deliveries: 1 });
      return { status: 200, body: { received: true } };
    },
    faultResponse: (status) => error(status, `Sandbox injected status ${status}`),
    commonHeaders: () => ({}),
    reset() {
      byId.clear();
      secret = options.secret;
    },
    snapshot: () => ({ callbacks: [...byId.values()] }),
    dump: () => ({ callbacks: [...byId.values()] }),
    restore(state) {
      byId.clear();
      const list = (state as { callbacks?: ReceivedCallback[] } | undefined)?.callbacks ?? [];
      for (const c of list) byId.set(c.id, c);
    },
    configure(patch) {
      if (typeof patch.secret === "string") secret = patch.secret;
      return { secret: secret ? "set" : "unset" };
    },
    seed: () => error(400, "the app receiver has nothing to seed"),
  };
}
