// `erase-records`, the last step: our own tables (db/queries/erasures `eraseOwnRecords`, one transaction). The
// erasure's own event keeps a payload that names only the tombstone, so a forced replay still parses (and
// finds the erasure completed).
import { eraseOwnRecords } from "@/db/queries/erasures";
import { beginErasureStep, type UserDeleted } from "@/lib/erasure/step-context";
import { tombstoneAppUserId } from "@/lib/erasure/subjects";
import { STEP } from "../engine/step-names";
import type { Step } from "../engine/types";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export const eraseRecordsStep: Step<UserDeleted> = {
  name: STEP.eraseRecords,
  run: async (ctx) => {
    const begun = await beginErasureStep(ctx);
    if ("done" in begun) return begun.done;
    const { erasure, subject } = begun;
    const tombstone = tombstoneAppUserId(subject.appUserId);
    const p = ctx.payload;
    const ownRawBody = JSON.stringify({
      id: p.id,
      type: p.type,
      created: p.created,
      data: { userId: tombstone, requestedAt: p.data.requestedAt },
    });
    const now = new Date();
    const done = await eraseOwnRecords(ctx.db, {
      erasure,
      subject,
      tombstoneAppUserId: tombstone,
      ownEventId: ctx.event.id,
      ownRawBody,
      now,
      line: (d) => ({
        system: "console",
        action: subject.customerId
          ? `Customer reduced to a tombstone; identities and entitlement deleted; ${plural(d.events, "event")}, ${plural(d.tickets, "ticket")}, ${plural(d.alerts, "alert")} and ${plural(d.auditEntries, "audit entry")} redacted`
          : `No customer record; ${plural(d.events, "event")} and ${plural(d.tickets, "ticket")} redacted`,
        at: now.toISOString(),
        confirmationId: subject.customerId ?? erasure.id,
        held: subject.customerId !== null || d.events + d.tickets > 0,
      }),
    });
    // The receipt line is written inside the transaction; the step's output only counts.
    return { externalRef: subject.customerId, output: { erasureId: erasure.id, ...done } };
  },
};
