// Starts the Stripe, HubSpot and Zendesk look-alikes; port 0 picks a free port; with stateFile their
// objects and id counters outlive a restart (persistence.ts).
import { startServer } from "./http";
import type { RunningServer, Service } from "./http";
import { createHubspotService } from "./hubspot";
import { createStripeService } from "./stripe";
import { StateError, createStateSaver, readStateFile, removeStaleTempFiles } from "./persistence";
import type { ServiceStates } from "./persistence";
import { createZendeskService } from "./zendesk";
import { createIntercomService } from "./intercom";
import { createAppReceiverService } from "./app-receiver";

export type { FaultKind, FaultSpec, ActiveFault, RecordedRequest } from "./faults";
export type { RunningServer, SandboxRequest, SandboxResponse, Service, ServiceName } from "./http";

export const DEMO_CREDENTIALS = {
  stripeKey: "sk_test_demo_sandbox",
  hubspotToken: "pat-demo-sandbox",
  zendesk: { email: "support@demo.test", token: "zendesk-demo-token" },
  intercomToken: "intercom-demo-token",
  appSecret: "appsec_demo_sandbox_secret_0123",
};

export type SandboxOptions = {
  host?: string;
  stripePort?: number;
  hubspotPort?: number;
  zendeskPort?: number;
  intercomPort?: number;
  /** The app backend look-alike that receives the console's callbacks at /callbacks. */
  appPort?: number;
  stripeKey?: string;
  hubspotToken?: string;
  zendesk?: { email: string; token: string };
  intercomToken?: string;
  /** The secret callbacks are verified with (APP_WEBHOOK_SECRET). */
  appSecret?: string;
  /** HubSpot search hides contacts written less than this many ms ago (default 0). */
  hubspotSearchLagMs?: number;
  /**
   * Keep the objects and id counters of all three in this JSON file: restored at start (a corrupt or
   * other-version file is ignored with one warning), saved ~250 ms after changes and on close.
   */
  stateFile?: string;
  /** Where stateFile problems are reported (default console.warn); one line each. */
  warn?: (line: string) => void;
};

export type StripeSandbox = RunningServer & { service: ReturnType<typeof createStripeService> };
export type HubspotSandbox = RunningServer & { service: ReturnType<typeof createHubspotService> };
export type ZendeskSandbox = RunningServer & {
  service: ReturnType<typeof createZendeskService>;
  /** What node-zendesk's `endpointUri` wants: `${url}/api/v2`. */
  endpointUri: string;
};

export type IntercomSandbox = RunningServer & { service: ReturnType<typeof createIntercomService> };
export type AppReceiverSandbox = RunningServer & {
  service: ReturnType<typeof createAppReceiverService>;
  /** Where APP_CALLBACK_URL points: `${url}/callbacks`. */
  callbackUrl: string;
};

export type Sandbox = {
  stripe: StripeSandbox;
  hubspot: HubspotSandbox;
  zendesk: ZendeskSandbox;
  intercom: IntercomSandbox;
  app: AppReceiverSandbox;
  /** Reset all of them: objects, faults, recorded requests, config. */
  reset(): void;
  close(): Promise<void>;
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const services = {
    stripe: createStripeService({ apiKey: options.stripeKey ?? DEMO_CREDENTIALS.stripeKey }),
    hubspot: createHubspotService({
      accessToken: options.hubspotToken ?? DEMO_CREDENTIALS.hubspotToken,
      searchLagMs: options.hubspotSearchLagMs,
    }),
    zendesk: createZendeskService(options.zendesk ?? DEMO_CREDENTIALS.zendesk),
    intercom: createIntercomService({ token: options.intercomToken ?? DEMO_CREDENTIALS.intercomToken }),
    app: createAppReceiverService({ secret: options.appSecret ?? DEMO_CREDENTIALS.appSecret }),
  };
  const saver = options.stateFile
    ? openStateFile(options.stateFile, services, options.warn ?? console.warn)
    : undefined;
  const started: RunningServer[] = [];
  const start = async <S extends Service>(service: S, port: number | undefined) => {
    const server = await startServer(service, { host, port: port ?? 0, onChange: saver?.schedule });
    started.push(server);
    return server as RunningServer & { service: S };
  };
  try {
    const stripe = await start(services.stripe, options.stripePort);
    const hubspot = await start(services.hubspot, options.hubspotPort);
    const zendesk = await start(services.zendesk, options.zendeskPort);
    const intercom = await start(services.intercom, options.intercomPort);
    const app = await start(services.app, options.appPort);
    return {
      stripe,
      hubspot,
      zendesk: { ...zendesk, endpointUri: `${zendesk.url}/api/v2` },
      intercom,
      app: { ...app, callbackUrl: `${app.url}/callbacks` },
      reset() {
        for (const server of started) {
          server.faults.clear();
          server.log.clear();
          server.service.reset();
        }
        saver?.schedule();
      },
      close: async () => {
        await Promise.all(started.map((server) => server.close()));
        await saver?.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }
}

/** Restores the services from `file` (or leaves them empty, with a warning) and returns its saver. */
function openStateFile(file: string, services: Record<keyof ServiceStates, Service>, warn: (line: string) => void) {
  removeStaleTempFiles(file);
  try {
    const saved = readStateFile(file);
    if (saved) {
      for (const name of ["stripe", "hubspot", "zendesk"] as const) services[name].restore(saved[name]);
      // Files written before these two existed have no entry for them: they start empty.
      for (const name of ["intercom", "app"] as const)
        if (saved[name] !== undefined) services[name].restore(saved[name]);
    }
  } catch (error) {
    // Never half-restored, never a crash: the demo still starts, on empty sandboxes.
    for (const service of Object.values(services)) service.reset();
    const reason = error instanceof StateError ? error.message : `it could not be restored (${String(error)})`;
    warn(`[sandbox] ignoring ${file}: ${reason}; starting empty (the file is replaced on the next change)`);
  }
  return createStateSaver(
    file,
    () => ({
      stripe: services.stripe.dump(),
      hubspot: services.hubspot.dump(),
      zendesk: services.zendesk.dump(),
      intercom: services.intercom.dump(),
      app: services.app.dump(),
    }),
    warn,
  );
}
