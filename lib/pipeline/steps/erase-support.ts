// `erase-support`: the person in the support tool. Zendesk: every ticket they requested has its comments
// redacted, then the user is deleted (a deleted Zendesk user's tickets stay, so the words must go first).
// Intercom (SUPPORT_PROVIDER=intercom, or an Intercom contact we linked): the contact is deleted.
import type { ErasureReceiptLine } from "@/db/schema";
import { beginErasureStep, finishErasureStep, NOTHING_HELD, type UserDeleted } from "@/lib/erasure/step-context";
import { STEP } from "../engine/step-names";
import type { Step } from "../engine/types";

type Line = Omit<ErasureReceiptLine, "at">;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const eraseSupportStep: Step<UserDeleted> = {
  name: STEP.eraseSupport,
  run: async (ctx) => {
    const begun = await beginErasureStep(ctx);
    if ("done" in begun) return begun.done;
    const { erasure, subject } = begun;
    const { zendesk, intercom, supportProvider } = ctx.services;
    const lines: Line[] = [];
    if (subject.zendesk) {
      const userId = subject.zendesk;
      // Redaction is idempotent (a redacted comment stays redacted): a replay after a failed delete repeats it safely.
      const redacted = await zendesk.redactUserTickets(userId);
      const { deleted } = await zendesk.deleteUser(userId);
      const words = `${plural(redacted.comments, "comment")} on ${plural(redacted.tickets, "ticket")} redacted`;
      lines.push({
        system: "zendesk",
        action: deleted ? `User deleted; ${words}` : `User already deleted; ${words}`,
        confirmationId: userId,
        held: true,
      });
    } else if (supportProvider === "zendesk") lines.push({ system: "zendesk", action: NOTHING_HELD, held: false });
    if (subject.intercom) {
      const { deleted } = await intercom.deleteContact(subject.intercom);
      lines.push({
        system: "intercom",
        action: deleted ? "Contact deleted" : "Contact already deleted",
        confirmationId: subject.intercom,
        held: true,
      });
    } else if (supportProvider === "intercom") lines.push({ system: "intercom", action: NOTHING_HELD, held: false });
    return finishErasureStep(ctx, erasure, lines, subject.zendesk ?? subject.intercom);
  },
};
