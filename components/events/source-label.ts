// How the console names an event's source (who sent the webhook), in one place for every page.
import type { EventSource } from "@/db/schema";

export const SOURCE_LABEL: Record<EventSource, string> = {
  stripe: "Stripe",
  app: "App",
  zendesk: "Zendesk",
  intercom: "Intercom",
};

export const sourceLabel = (source: string): string => SOURCE_LABEL[source as EventSource] ?? source;

export const SOURCE_OPTIONS = Object.entries(SOURCE_LABEL).map(([value, label]) => ({ value, label }));
