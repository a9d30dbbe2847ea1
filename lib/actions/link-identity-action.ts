"use server";
// "Link an identity by hand" form on the customer page (useActionState): errors come back per field (admin).
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db";
import { actionActor, isRefusal } from "./safe-action";
import { LINKABLE_SYSTEMS, linkIdentityByHand } from "@/lib/commands/customers";

export type LinkIdentityState = {
  ok?: boolean;
  status?: number;
  message?: string;
  error?: string;
  fieldErrors?: { system?: string; externalId?: string };
  values?: { system: string; externalId: string };
  /** Changes on every answer, so the form can react (toast, reset) once per submission. */
  at?: number;
};

const input = z.object({
  appUserId: z.string().trim().min(1).max(200),
  system: z.enum(LINKABLE_SYSTEMS, "Choose Stripe, HubSpot or Zendesk."),
  externalId: z.string().trim().min(1, "Enter the id from that system.").max(200, "That id is too long."),
});

export async function linkIdentityAction(_prev: LinkIdentityState, form: FormData): Promise<LinkIdentityState> {
  const values = { system: String(form.get("system") ?? ""), externalId: String(form.get("externalId") ?? "") };
  const at = Date.now();
  const actor = await actionActor("admin");
  if (isRefusal(actor)) return { ...actor, values, at };
  const parsed = input.safeParse({ ...values, appUserId: form.get("appUserId") });
  if (!parsed.success) {
    const fieldErrors: LinkIdentityState["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const key = issue.path[0];
      if ((key === "system" || key === "externalId") && !fieldErrors[key]) fieldErrors[key] = issue.message;
    }
    return { ok: false, status: 400, error: "Check the highlighted fields.", fieldErrors, values, at };
  }
  const result = await linkIdentityByHand(await getDb(), actor, parsed.data);
  if (!result.ok) {
    const fieldErrors = result.field === "externalId" ? { externalId: result.error } : undefined;
    return { ok: false, status: result.status, error: result.error, fieldErrors, values, at };
  }
  revalidatePath(`/customers/${encodeURIComponent(parsed.data.appUserId)}`);
  revalidatePath("/customers");
  return { ok: true, message: result.message, at };
}
