// The shape of the pipeline: a handler per canonical event, each a list of named idempotent steps.
import type Stripe from "stripe";
import type { Db } from "@/db";
import type { Event } from "@/db/schema";
import type { AppEvent } from "@/lib/ingest/app-schemas";
import type { Services } from "@/lib/integrations";
import type { StepName } from "./step-names";

export type StepContext<P> = {
  db: Db;
  event: Event;
  payload: P;
  correlationId: string;
  services: Services;
  /** Outputs of the steps that ran before (or succeeded in an earlier attempt), by step name. */
  outputs: Record<string, unknown>;
  /** Links the event to its customer once a step knows who it is. */
  setCustomer: (customerId: string) => Promise<void>;
  /**
   * What a step leaves for the later steps of the same run, in memory only (never stored): the inline engine
   * keeps one per claim; a replay, another process or an Inngest invocation starts empty and reads again.
   */
  scratch?: Map<string, unknown>;
  /**
   * The inline engine writes this identity link with the event's outcome, in the same statement, instead of a
   * statement of its own; should the external id turn out to be someone else's, it calls `settle` (which links
   * it the slow way, or throws to fail this step). Absent (Inngest): the step calls `settle` itself.
   */
  deferLink?: (link: DeferredLink) => void;
};

/** An identity link written with the event's outcome (see StepContext.deferLink). */
export type DeferredLink = {
  customerId: string;
  system: "hubspot" | "zendesk" | "intercom" | "stripe";
  externalId: string;
  matchedBy: "id" | "email";
  settle: () => Promise<void>;
};

/** What a step returns: the reference it made in another system, and anything later steps need. */
export type StepResult = { externalRef?: string | null; output?: unknown; skipped?: boolean } | undefined;

export type Step<P> = { name: StepName; run: (ctx: StepContext<P>) => Promise<StepResult> };

export type Handler<P> = {
  /** Key that serialises the events of one customer (app user id, Stripe customer id, …). */
  customerKey: (payload: P) => string | null;
  steps: Step<P>[];
};

export type StripePayload = Stripe.Event;
export type AppPayload = AppEvent;
