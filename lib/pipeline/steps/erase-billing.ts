// `erase-billing`: the person's Stripe customer. ERASURE_STRIPE_CANCEL (as it was when the erasure started):
// `now` cancels every subscription at once and deletes the customer; `period_end` lets the paid period run out
// and anonymises the customer (Stripe keeps invoices for tax either way).
import { eraseStripeCustomer } from "@/lib/integrations/stripe/erasure";
import { beginErasureStep, finishErasureStep, NOTHING_HELD, type UserDeleted } from "@/lib/erasure/step-context";
import { STEP } from "../engine/step-names";
import type { Step } from "../engine/types";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const eraseBillingStep: Step<UserDeleted> = {
  name: STEP.eraseBilling,
  run: async (ctx) => {
    const begun = await beginErasureStep(ctx);
    if ("done" in begun) return begun.done;
    const { erasure, subject } = begun;
    const customerId = subject.stripe;
    if (!customerId) return finishErasureStep(ctx, erasure, [{ system: "stripe", action: NOTHING_HELD, held: false }]);
    const mode = erasure.stripeCancel === "period_end" ? "period_end" : "now";
    const r = await eraseStripeCustomer(ctx.services.stripe, customerId, mode);
    const parts = [
      ...(r.canceledSubscriptions.length
        ? [`${plural(r.canceledSubscriptions.length, "subscription")} canceled at once`]
        : []),
      ...(r.scheduledSubscriptions.length
        ? [`${plural(r.scheduledSubscriptions.length, "subscription")} set to cancel at period end`]
        : []),
      r.customer === "deleted"
        ? "customer deleted"
        : r.customer === "anonymised"
          ? "customer anonymised (name, email, phone, address and metadata removed)"
          : "customer already deleted",
    ];
    const action = parts.join("; ").replace(/^./, (c) => c.toUpperCase());
    return finishErasureStep(
      ctx,
      erasure,
      [{ system: "stripe", action, confirmationId: customerId, held: true }],
      customerId,
    );
  },
};
