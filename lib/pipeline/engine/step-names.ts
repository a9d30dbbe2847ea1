// The names of the pipeline steps (stored in event_steps.step and events.failed_step, used as Inngest
// step ids) and how the console calls them. Every handler, query and page takes its step names from here.
export const STEP = {
  resolveIdentity: "resolve-identity",
  updateEntitlement: "update-entitlement",
  syncCrm: "sync-crm",
  createTicket: "create-ticket",
  raiseBillingAlert: "raise-billing-alert",
  resolveBillingAlert: "resolve-billing-alert",
  unlinkIdentity: "unlink-identity",
  notifyApp: "notify-app",
  updateTicketStatus: "update-ticket-status",
  // An erasure (user.deleted, issue 19): each system in turn, then our own records.
  eraseCrm: "erase-crm",
  eraseSupport: "erase-support",
  eraseBilling: "erase-billing",
  eraseRecords: "erase-records",
} as const;

export type StepName = (typeof STEP)[keyof typeof STEP];

/** The step that writes to each downstream system (the customer page shows its last outcome per system). */
export const SYNC_STEP = { stripe: STEP.updateEntitlement, hubspot: STEP.syncCrm, zendesk: STEP.createTicket } as const;
export type SyncedSystem = keyof typeof SYNC_STEP;

/** What each step does, in the console's words (the raw name is shown beside it). */
export const STEP_LABELS: Record<StepName, string> = {
  [STEP.resolveIdentity]: "Find or create the customer",
  [STEP.updateEntitlement]: "Apply the plan and billing status",
  [STEP.syncCrm]: "Upsert the HubSpot contact",
  [STEP.createTicket]: "Create the support ticket",
  [STEP.raiseBillingAlert]: "Open a billing alert",
  [STEP.resolveBillingAlert]: "Resolve payment alerts",
  [STEP.unlinkIdentity]: "Unlink the deleted Stripe customer",
  [STEP.notifyApp]: "Tell the app",
  [STEP.updateTicketStatus]: "Record the ticket's new status",
  [STEP.eraseCrm]: "Delete the HubSpot contact (GDPR)",
  [STEP.eraseSupport]: "Delete the support user and redact their tickets",
  [STEP.eraseBilling]: "Cancel subscriptions and remove the Stripe customer",
  [STEP.eraseRecords]: "Erase our own records",
};

const NAMES = new Set<string>(Object.values(STEP));

/** Whether a stored step name (event_steps.step is text) is one of today's steps. */
export function isStepName(name: string | null | undefined): name is StepName {
  return typeof name === "string" && NAMES.has(name);
}

/** The console label of a stored step name; an unknown (older) name is shown as it is. */
export function stepLabel(name: string): string {
  return isStepName(name) ? STEP_LABELS[name] : name;
}
