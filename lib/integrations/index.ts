// The outbound services the pipeline uses, built from the configuration (or from a test's sandbox).
import type Stripe from "stripe";
import { type Env, env } from "@/lib/env";
import { createStripeClient } from "./stripe/client";
import { HubspotService } from "./hubspot/client";
import { ZendeskService } from "./zendesk/client";
import { IntercomService } from "./intercom/client";
import { AppCallbackClient } from "./app-callback/client";
import { getDb } from "@/db";
import { RateBudget, budgetKey, type RateLimit } from "./budget";

export type Services = {
  stripe: Stripe;
  hubspot: HubspotService;
  zendesk: ZendeskService;
  intercom: IntercomService;
  /** Callbacks to the app's backend (APP_CALLBACK_URL). */
  app: AppCallbackClient;
  /** Which support tool receives support requests (SUPPORT_PROVIDER). */
  supportProvider: "zendesk" | "intercom";
};

export type ServicesConfig = {
  stripe: { secretKey: string; apiBase?: string };
  hubspot: { accessToken: string; baseUrl?: string };
  zendesk: { subdomain: string; email: string; token: string; baseUrl?: string };
  intercom?: { token: string; baseUrl?: string };
  app?: { callbackUrl?: string; secret: string };
  supportProvider?: "zendesk" | "intercom";
  timeoutMs?: number;
  /** Provider budgets shared through the database (HUBSPOT_RATE_LIMIT, ZENDESK_RATE_LIMIT); unset: unlimited. */
  rateLimits?: { hubspot?: RateLimit; zendesk?: RateLimit };
};

export function createServices(config: ServicesConfig): Services {
  const limits = config.rateLimits;
  const hubspotBudget = limits?.hubspot
    ? new RateBudget({ key: budgetKey("hubspot", config.hubspot.accessToken), limit: limits.hubspot, db: getDb })
    : undefined;
  const zendeskBudget = limits?.zendesk
    ? new RateBudget({
        key: budgetKey("zendesk", `${config.zendesk.subdomain}:${config.zendesk.email}:${config.zendesk.token}`),
        limit: limits.zendesk,
        db: getDb,
      })
    : undefined;
  return {
    stripe: createStripeClient({ ...config.stripe, timeoutMs: config.timeoutMs }),
    hubspot: new HubspotService({ ...config.hubspot, timeoutMs: config.timeoutMs, budget: hubspotBudget }),
    zendesk: new ZendeskService({ ...config.zendesk, timeoutMs: config.timeoutMs, budget: zendeskBudget }),
    intercom: new IntercomService({ token: "", ...config.intercom, timeoutMs: config.timeoutMs }),
    app: new AppCallbackClient({
      url: config.app?.callbackUrl,
      secret: config.app?.secret ?? "",
      timeoutMs: config.timeoutMs,
    }),
    supportProvider: config.supportProvider ?? "zendesk",
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
    intercom: { token: e.INTERCOM_ACCESS_TOKEN, baseUrl: e.INTERCOM_BASE_URL },
    app: { callbackUrl: e.APP_CALLBACK_URL, secret: e.APP_WEBHOOK_SECRET },
    supportProvider: e.SUPPORT_PROVIDER,
    timeoutMs,
    rateLimits: { hubspot: e.HUBSPOT_RATE_LIMIT, zendesk: e.ZENDESK_RATE_LIMIT },
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
