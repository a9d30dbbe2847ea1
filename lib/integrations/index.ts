// The outbound services the pipeline uses, built from the configuration (or from a test's sandbox).
import type Stripe from "stripe";
import { env } from "@/lib/env";
import { createStripeClient } from "./stripe/client";
import { HubspotService } from "./hubspot/client";
import { ZendeskService } from "./zendesk/client";

export type Services = { stripe: Stripe; hubspot: HubspotService; zendesk: ZendeskService };

export type ServicesConfig = {
  stripe: { secretKey: string; apiBase?: string };
  hubspot: { accessToken: string; baseUrl?: string };
  zendesk: { subdomain: string; email: string; token: string; baseUrl?: string };
  timeoutMs?: number;
};

export function createServices(config: ServicesConfig): Services {
  return {
    stripe: createStripeClient({ ...config.stripe, timeoutMs: config.timeoutMs }),
    hubspot: new HubspotService({ ...config.hubspot, timeoutMs: config.timeoutMs }),
    zendesk: new ZendeskService({ ...config.zendesk, timeoutMs: config.timeoutMs }),
  };
}

let services: Services | undefined;

export function getServices(): Services {
  services ??= createServices({
    stripe: { secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE },
    hubspot: { accessToken: env.HUBSPOT_ACCESS_TOKEN, baseUrl: env.HUBSPOT_BASE_URL },
    zendesk: {
      subdomain: env.ZENDESK_SUBDOMAIN,
      email: env.ZENDESK_EMAIL,
      token: env.ZENDESK_API_TOKEN,
      baseUrl: env.ZENDESK_BASE_URL,
    },
  });
  return services;
}

/** Forget the services built from the configuration (tests that point them at a new sandbox). */
export function resetServices(): void {
  services = undefined;
}
