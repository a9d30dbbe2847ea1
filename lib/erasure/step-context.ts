// What every erase-* step does first: find (or make) the erasure of this event and record the person's hashed
// identifiers, so that whichever step runs first (a first delivery, a replay of the failed ones) nothing can
// recreate the person while the erasure runs. The external ids are read live from our identities: they stay
// until erase-records, the last step, deletes them.
import {
  ensureErasure,
  erasureByEventId,
  erasureHoldingAny,
  erasureSubjectOf,
  recordErasedSubjects,
  setReceiptLine,
} from "@/db/queries/erasures";
import type { Erasure, ErasureReceiptLine } from "@/db/schema";
import { env } from "@/lib/env";
import type { AppPayload, StepContext, StepResult } from "@/lib/pipeline/engine/types";
import { type ErasureSubject, subjectHash, subjectHashes } from "./subjects";

export type UserDeleted = Extract<AppPayload, { type: "user.deleted" }>;
export type ErasureStep = { erasure: Erasure; subject: ErasureSubject };

/**
 * The erasure and its subject, or the step's result when there is nothing to do: the erasure already completed
 * (a forced replay), or another erasure already holds the person (a second user.deleted for them).
 */
export async function beginErasureStep(ctx: StepContext<UserDeleted>): Promise<ErasureStep | { done: StepResult }> {
  const appUserId = ctx.payload.data.userId;
  const appHash = subjectHash("app", appUserId);
  const own = await erasureByEventId(ctx.db, ctx.event.id);
  if (own?.status === "completed")
    return {
      done: {
        skipped: true,
        output: { erasureId: own.id, reason: `the erasure was completed on ${own.completedAt?.toISOString()}` },
      },
    };
  // Checked before making a row: a second user.deleted for someone already erased leaves no second erasure.
  const holder = await erasureHoldingAny(ctx.db, [appHash]);
  if (holder && holder.id !== own?.id)
    return {
      done: {
        skipped: true,
        output: { erasureId: holder.id, reason: `the person is already erased (erasure ${holder.id})` },
      },
    };
  const subject = await erasureSubjectOf(ctx.db, appUserId);
  const erasure =
    own ??
    (await ensureErasure(ctx.db, {
      eventId: ctx.event.id,
      subjectHash: appHash,
      customerId: subject.customerId,
      requestedBy: "app",
      reason: ctx.payload.data.reason ?? null,
      stripeCancel: env.ERASURE_STRIPE_CANCEL,
    }));
  await recordErasedSubjects(ctx.db, erasure.id, subjectHashes(subject));
  if (subject.customerId) await ctx.setCustomer(subject.customerId);
  return { erasure, subject };
}

/** Writes the step's receipt lines and answers the step's result (only ids: outputs are kept after the erasure). */
export async function finishErasureStep(
  ctx: StepContext<UserDeleted>,
  erasure: Erasure,
  lines: Omit<ErasureReceiptLine, "at">[],
  externalRef?: string | null,
): Promise<StepResult> {
  const at = new Date().toISOString();
  for (const line of lines) await setReceiptLine(ctx.db, erasure.id, { ...line, at });
  return {
    externalRef: externalRef ?? null,
    output: {
      erasureId: erasure.id,
      lines: lines.map((l) => ({ system: l.system, held: l.held, confirmationId: l.confirmationId ?? null })),
    },
  };
}

export const NOTHING_HELD = "Nothing held";
