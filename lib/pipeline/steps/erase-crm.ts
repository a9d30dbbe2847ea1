// `erase-crm`: the person's HubSpot contact, permanently deleted through HubSpot's GDPR delete (it cannot be
// restored, and HubSpot blocks the email from being re-added by forms and imports).
import { beginErasureStep, finishErasureStep, NOTHING_HELD, type UserDeleted } from "@/lib/erasure/step-context";
import { STEP } from "../engine/step-names";
import type { Step } from "../engine/types";

export const eraseCrmStep: Step<UserDeleted> = {
  name: STEP.eraseCrm,
  run: async (ctx) => {
    const begun = await beginErasureStep(ctx);
    if ("done" in begun) return begun.done;
    const { erasure, subject } = begun;
    const contactId = subject.hubspot;
    if (!contactId) return finishErasureStep(ctx, erasure, [{ system: "hubspot", action: NOTHING_HELD, held: false }]);
    const { deleted } = await ctx.services.hubspot.gdprDeleteContact(contactId);
    const action = deleted
      ? "Contact permanently deleted (GDPR delete)"
      : "Contact already gone (HubSpot no longer has it)";
    return finishErasureStep(
      ctx,
      erasure,
      [{ system: "hubspot", action, confirmationId: contactId, held: true }],
      contactId,
    );
  },
};
