// Shapes of the app's events (the README's "Sending your app's events"); every bad field is named in the 400.
import { z } from "zod";
import { formatIssues } from "@/lib/schemas/issues";

const id = z.string().trim().min(1).max(200);
/** Our app user ids; `stripe:` is reserved for payers the app has not announced yet (provisional customers). */
const userId = id.refine((v) => !v.startsWith("stripe:"), 'must not start with "stripe:" (reserved)');
const email = z.email().max(320);
const isoTime = z.iso.datetime({ offset: true });

export const supportContext = z
  .object({
    platform: z.string().max(50),
    osVersion: z.string().max(50),
    appVersion: z.string().max(50),
    device: z.string().max(100),
    screen: z.string().max(200),
    locale: z.string().max(35),
  })
  .partial();

export const appEventData = {
  "user.signed_up": z.object({
    userId,
    email,
    name: z.string().max(200).optional(),
    createdAt: isoTime.optional(),
    /** false: the claim of a payment made with this email waits for the founder, and grants nothing until then. */
    emailVerified: z.boolean().optional(),
  }),
  "user.updated": z.object({
    userId,
    email: email.optional(),
    name: z.string().max(200).optional(),
    emailVerified: z.boolean().optional(),
  }),
  /** The person deleted their account (or asked to be erased): erase them everywhere (issue 19). */
  "user.deleted": z.object({
    userId,
    requestedAt: isoTime,
    reason: z.string().trim().max(500).optional(),
  }),
  "support.requested": z.object({
    requestId: id,
    userId,
    email,
    subject: z.string().trim().min(1).max(250),
    message: z.string().trim().min(1).max(20_000),
    context: supportContext.optional(),
  }),
} as const;

export type AppEventType = keyof typeof appEventData;
export const APP_EVENT_TYPES = Object.keys(appEventData) as AppEventType[];

export const appEnvelope = z.object({
  id,
  type: z.string().trim().min(1).max(100),
  created: isoTime,
  data: z.unknown(),
});

export type AppEvent = {
  [K in AppEventType]: { id: string; type: K; created: string; data: z.infer<(typeof appEventData)[K]> };
}[AppEventType];

export type ParsedAppEvent = { known: true; event: AppEvent } | { known: false; event: z.infer<typeof appEnvelope> };

export function parseAppEvent(json: unknown): { ok: true; value: ParsedAppEvent } | { ok: false; error: string } {
  const envelope = appEnvelope.safeParse(json);
  if (!envelope.success) return { ok: false, error: formatIssues(envelope.error, { root: "body" }) };
  const type = envelope.data.type;
  if (!Object.hasOwn(appEventData, type)) return { ok: true, value: { known: false, event: envelope.data } };
  const data = appEventData[type as AppEventType].safeParse(envelope.data.data);
  // Named from the envelope, e.g. `data.email: Invalid email address`.
  if (!data.success) return { ok: false, error: formatIssues(data.error, { root: "body", at: ["data"] }) };
  return { ok: true, value: { known: true, event: { ...envelope.data, data: data.data } as AppEvent } };
}
