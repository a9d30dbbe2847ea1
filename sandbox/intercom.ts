// The Intercom look-alike (placeholder until issue 14's Intercom slice lands).
import type { Service } from "./http";

export function createIntercomService(options: { token: string }): Service {
  let token = options.token;
  return {
    name: "intercom",
    authenticate: (req) =>
      req.headers.authorization === `Bearer ${token}`
        ? undefined
        : {
            status: 401,
            body: { type: "error.list", errors: [{ code: "unauthorized", message: "Access Token Invalid" }] },
          },
    handle: (req) => ({
      status: 404,
      body: { type: "error.list", errors: [{ code: "not_found", message: `No route ${req.path}` }] },
    }),
    faultResponse: (status) => ({
      status,
      body: { type: "error.list", errors: [{ code: "sandbox_fault", message: `Sandbox injected status ${status}` }] },
    }),
    commonHeaders: () => ({}),
    reset() {
      token = options.token;
    },
    snapshot: () => ({}),
    dump: () => ({}),
    restore: () => {},
    configure(patch) {
      if (typeof patch.token === "string") token = patch.token;
      return {};
    },
    seed: () => ({ status: 400, body: { error: "nothing to seed yet" } }),
  };
}
