"use server";
// "Link an identity by hand" form on the customer page (useActionState): errors come back per field (admin).
import { z } from "zod";
import { getDb } from "@/db";
import { LINKABLE_SYSTEMS, linkIdentityByHand } from "@/lib/commands/customers";
import { formState, type FormState } from "@/lib/result";
import { defineAction } from "./safe-action";

export type LinkIdentityState = FormState<{ message: string }, { system: string; externalId: string }>;

const link = defineAction(
  {
    role: "admin",
    input: z.object({
      appUserId: z.string().trim().min(1).max(200),
      system: z.enum(LINKABLE_SYSTEMS, "Choose Stripe, HubSpot or Zendesk."),
      externalId: z.string().trim().min(1, "Enter the id from that system.").max(200, "That id is too long."),
    }),
    fields: ["system", "externalId"],
    revalidate: ({ appUserId }) => [`/customers/${encodeURIComponent(appUserId)}`, "/customers"],
  },
  async ({ actor, input }) => {
    const result = await linkIdentityByHand(await getDb(), actor, input);
    return result.ok ? { ok: true, message: result.message } : result;
  },
);

export async function linkIdentityAction(_prev: LinkIdentityState, form: FormData): Promise<LinkIdentityState> {
  const values = { system: String(form.get("system") ?? ""), externalId: String(form.get("externalId") ?? "") };
  return formState(await link({ ...values, appUserId: form.get("appUserId") }), values);
}
