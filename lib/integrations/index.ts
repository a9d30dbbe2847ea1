// The outbound services the pipeline uses, built from the configuration (or from a test's sandbox).
import type Stripe from "stripe";
import { type Env, env } from "@/lib/env";
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

/** The services of a configuration (the running one, or one the readiness checks inspect). */
export function servicesConfigOf(e: Env, timeoutMs?: number): ServicesConfig {
  return {
    stripe: { secretKey: e.STRIPE_SECRET_KEY, apiBase: e.STRIPE_API_BASE },
    hubspot: { accessToken: e.HUBSPOT_ACCESS_TOKEN, baseUrl: e.HUBSPOT_BASE_URL },
    zendesk: {
      subdomain: e.ZENDESK_SUBDOMAIN,
      email: e.ZENDESK_EMAIL,
      token: e.ZENDESK_API_TOKEN,
      baseUrl: e.ZENDESK_BASE_URL,
    },
    timeoutMs,
  };
}

let services: Services | undefined;

export function getServices(): Services {
  services ??= createServices(servicesConfigOf(env));
  return services;
}

/** Forget the services built from the configuration (tests that point them at a new sandbox). */
export function resetServices(): void {
  services = undefined;
}
