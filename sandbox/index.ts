// Starts the Stripe, HubSpot and Zendesk look-alikes; port 0 picks a free port.
import { startServer } from "./http";
import type { RunningServer, Service } from "./http";
import { createHubspotService } from "./hubspot";
import { createStripeService } from "./stripe";
import { createZendeskService } from "./zendesk";

export type { FaultKind, FaultSpec, ActiveFault, RecordedRequest } from "./faults";
export type { RunningServer, SandboxRequest, SandboxResponse, Service, ServiceName } from "./http";

export const DEMO_CREDENTIALS = {
  stripeKey: "sk_test_demo_sandbox",
  hubspotToken: "pat-demo-sandbox",
  zendesk: { email: "support@demo.test", token: "zendesk-demo-token" },
};

export type SandboxOptions = {
  host?: string;
  stripePort?: number;
  hubspotPort?: number;
  zendeskPort?: number;
  stripeKey?: string;
  hubspotToken?: string;
  zendesk?: { email: string; token: string };
  /** HubSpot search hides contacts written less than this many ms ago (default 0). */
  hubspotSearchLagMs?: number;
};

export type StripeSandbox = RunningServer & { service: ReturnType<typeof createStripeService> };
export type HubspotSandbox = RunningServer & { service: ReturnType<typeof createHubspotService> };
export type ZendeskSandbox = RunningServer & {
  service: ReturnType<typeof createZendeskService>;
  /** What node-zendesk's `endpointUri` wants: `${url}/api/v2`. */
  endpointUri: string;
};

export type Sandbox = {
  stripe: StripeSandbox;
  hubspot: HubspotSandbox;
  zendesk: ZendeskSandbox;
  /** Reset all three: objects, faults, recorded requests, config. */
  reset(): void;
  close(): Promise<void>;
};

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? "127.0.0.1";
  const zendeskCreds = options.zendesk ?? DEMO_CREDENTIALS.zendesk;
  const started: RunningServer[] = [];
  const start = async <S extends Service>(service: S, port: number | undefined) => {
    const server = await startServer(service, { host, port: port ?? 0 });
    started.push(server);
    return server as RunningServer & { service: S };
  };
  try {
    const stripe = await start(
      createStripeService({ apiKey: options.stripeKey ?? DEMO_CREDENTIALS.stripeKey }),
      options.stripePort,
    );
    const hubspot = await start(
      createHubspotService({
        accessToken: options.hubspotToken ?? DEMO_CREDENTIALS.hubspotToken,
        searchLagMs: options.hubspotSearchLagMs,
      }),
      options.hubspotPort,
    );
    const zendesk = await start(createZendeskService(zendeskCreds), options.zendeskPort);
    return {
      stripe,
      hubspot,
      zendesk: { ...zendesk, endpointUri: `${zendesk.url}/api/v2` },
      reset() {
        for (const server of started) {
          server.faults.clear();
          server.log.clear();
          server.service.reset();
        }
      },
      close: async () => {
        await Promise.all(started.map((server) => server.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.close()));
    throw error;
  }
}
