// Where the production server listens. No imports: server.ts decides this before Next (and the app's
// configuration module) is loaded.

/**
 * The address to listen on: -H/--hostname, else HOSTNAME, else all interfaces in production and loopback
 * otherwise. Outside production, a HOSTNAME equal to this machine's own name is not taken as a choice:
 * Docker (and some shells) export HOSTNAME=<the container's name>, which resolves to its network address.
 */
export function listenHostname(o: {
  flag: string | undefined;
  hostnameVar: string | undefined;
  machineName: string;
  isProduction: boolean;
}): string {
  if (o.flag) return o.flag;
  const fromVar = o.hostnameVar?.trim();
  if (fromVar && (o.isProduction || fromVar.toLowerCase() !== o.machineName.toLowerCase())) return fromVar;
  return o.isProduction ? "0.0.0.0" : "127.0.0.1";
}

/** lib/env.ts's `isProduction` from the raw variables (its DEMO_MODE accepts 1/true), for use before it loads. */
export function isProductionVars(vars: { NODE_ENV?: string; DEMO_MODE?: string }): boolean {
  return vars.NODE_ENV === "production" && vars.DEMO_MODE !== "1" && vars.DEMO_MODE !== "true";
}
