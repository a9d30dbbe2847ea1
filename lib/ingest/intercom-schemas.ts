// The Intercom webhook notification we accept: `{ type: "notification_event", topic, id, created_at, data:
// { item } }`. The conversation state topics are handled; any other topic is stored and marked `ignored`.
import { z } from "zod";

export const INTERCOM_STATUS_TOPICS = [
  "conversation.admin.closed",
  "conversation.admin.opened",
  "conversation.admin.snoozed",
] as const;
export type IntercomStatusTopic = (typeof INTERCOM_STATUS_TOPICS)[number];

const item = z.looseObject({
  type: z.string().optional(),
  id: z
    .union([z.string().min(1).max(100), z.number().int().nonnegative()])
    .transform(String)
    .optional(),
  state: z.string().optional(),
  updated_at: z.number().int().nonnegative().nullish(),
});

export const intercomNotification = z.looseObject({
  type: z.literal("notification_event"),
  topic: z.string().min(1).max(200),
  id: z.string().min(1).max(200),
  created_at: z.number().int().nonnegative(),
  data: z.looseObject({ item: item.nullish() }),
});

export type IntercomNotification = z.infer<typeof intercomNotification>;

/** A conversation state change: the conversation id and its state are required. */
export const intercomConversationStatus = intercomNotification.extend({
  topic: z.enum(INTERCOM_STATUS_TOPICS),
  data: z.looseObject({
    item: item.extend({
      type: z.literal("conversation"),
      id: z.union([z.string().min(1).max(100), z.number().int().nonnegative()]).transform(String),
    }),
  }),
});

export type IntercomConversationStatus = z.infer<typeof intercomConversationStatus>;

export function isStatusTopic(topic: string): topic is IntercomStatusTopic {
  return (INTERCOM_STATUS_TOPICS as readonly string[]).includes(topic);
}

function issuesOf(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
    .join("; ");
}

export function parseIntercomNotification(
  json: unknown,
): { ok: true; value: { known: boolean; event: IntercomNotification } } | { ok: false; error: string } {
  const base = intercomNotification.safeParse(json);
  if (!base.success) return { ok: false, error: issuesOf(base.error) };
  if (!isStatusTopic(base.data.topic)) return { ok: true, value: { known: false, event: base.data } };
  const status = intercomConversationStatus.safeParse(json);
  if (!status.success) return { ok: false, error: issuesOf(status.error) };
  return { ok: true, value: { known: true, event: status.data } };
}
