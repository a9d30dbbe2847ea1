// "Erase this person" (issue 19), for the console and the admin API: the same path as the app's own user.deleted.
// One transaction writes a user.deleted event (the outbox row, source app, external id `console-erasure:<uuid>`),
// its erasure and the audit entry; the event is then handed to the job engine like an ingested one (if that
// hand-over is lost, the row stays `received` and the sweeper runs it). The pipeline does the erasing.
import { randomUUID } from "node:crypto";
import { type Db, inTransaction } from "@/db";
import { audit } from "@/db/queries/audit";
import { insertErasureRequest, latestErasureOfSubject, lockCustomer } from "@/db/queries/erasures";
import { customerByAppUserId } from "@/db/queries/identities";
import { type Actor, hasRole } from "@/lib/auth/roles";
import { env } from "@/lib/env";
import { subjectHash, tombstoneAppUserId } from "@/lib/erasure/subjects";
import { enqueueEvent } from "@/lib/jobs";
import { fail, type Result } from "@/lib/result";

export type StartErasureInput = {
  appUserId: string;
  /** Who confirmed it (the console user's email), kept on the erasure and the tombstone. */
  requestedBy: string;
  reason?: string | null;
  /** The actor for the role check and the audit entry; without one, `requestedBy` is audited as given. */
  actor?: Actor;
};

const MAX_ID = 200;
const MAX_REASON = 500;

/**
 * Starts one erasure: `{ erasureId, eventId }`, or 400 (bad input), 403 (not an owner), 404 (no such app user),
 * 409 (already erased, or an erasure of them is under way). Nothing is written on a failure.
 */
export async function startErasure(
  db: Db,
  input: StartErasureInput,
): Promise<Result<{ erasureId: string; eventId: string; message: string }>> {
  if (input.actor && !hasRole(input.actor.role, "owner"))
    return fail(403, `Erasing a person needs the owner role; you are ${input.actor.role}.`);
  const appUserId = input.appUserId?.trim() ?? "";
  if (!appUserId || appUserId.length > MAX_ID)
    return fail(400, `appUserId must be 1 to ${MAX_ID} characters.`, "appUserId");
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > MAX_REASON)
    return fail(400, `reason must be at most ${MAX_REASON} characters.`, "reason");
  if (!input.requestedBy?.trim()) return fail(400, "requestedBy must name who asked for the erasure.", "requestedBy");

  const hash = subjectHash("app", appUserId);
  const refusal = async () => {
    const earlier = await latestErasureOfSubject(db, hash);
    if (earlier?.status === "completed")
      return fail(
        409,
        `This person was already erased on ${earlier.completedAt?.toISOString().slice(0, 10)} (erasure ${earlier.id}).`,
      );
    if (earlier) return fail(409, `An erasure of this person is already under way (erasure ${earlier.id}).`);
    return null;
  };
  const customer = await customerByAppUserId(db, appUserId);
  if (!customer) {
    const tombstone = await customerByAppUserId(db, tombstoneAppUserId(appUserId));
    return (
      (await refusal()) ??
      (tombstone
        ? fail(409, "This person was already erased.")
        : fail(404, `No customer with app user id "${appUserId}".`))
    );
  }
  if (customer.provisional)
    return fail(409, "This is a payer the app has not announced: erase them from the app user they belong to.");

  const now = new Date();
  const externalId = `console-erasure:${randomUUID()}`;
  const rawBody = JSON.stringify({
    id: externalId,
    type: "user.deleted",
    created: now.toISOString(),
    data: { userId: appUserId, requestedAt: now.toISOString(), ...(reason ? { reason } : {}) },
  });
  const actor: Actor = input.actor ?? { id: null, email: input.requestedBy, role: "owner", via: "system" };
  const started = await inTransaction(db, async (tx) => {
    // Two requests for one person (a double click, two owners): the second waits here, then sees the first.
    await lockCustomer(tx, customer.id);
    const again = await refusalIn(tx, hash);
    if (again) return again;
    const ids = await insertErasureRequest(
      tx,
      {
        externalId,
        rawBody,
        correlationId: `cor_${randomUUID().replace(/-/g, "").slice(0, 20)}`,
        customerKey: `app:${appUserId}`,
        occurredAt: now,
      },
      {
        subjectHash: hash,
        customerId: customer.id,
        requestedBy: input.requestedBy,
        reason,
        stripeCancel: env.ERASURE_STRIPE_CANCEL,
      },
    );
    // The entry names the erasure, not the person: it outlives the erasure's redaction unchanged.
    await audit(
      tx,
      actor,
      "customer.erasure_requested",
      { type: "erasure", id: ids.erasureId },
      { eventId: ids.eventId, stripeCancel: env.ERASURE_STRIPE_CANCEL },
    );
    return ids;
  });
  if ("ok" in started) return started;
  await enqueueEvent({ id: started.eventId, source: "app", type: "user.deleted", rawBody });
  return {
    ok: true,
    ...started,
    message:
      "Erasure started: HubSpot, the support tool, Stripe, then our own records. The receipt fills in as each finishes.",
  };
}

/** Inside the locked transaction: an erasure of this person that appeared meanwhile. */
async function refusalIn(tx: Db, hash: string) {
  const earlier = await latestErasureOfSubject(tx, hash);
  if (!earlier) return null;
  return earlier.status === "completed"
    ? fail(409, `This person was already erased (erasure ${earlier.id}).`)
    : fail(409, `An erasure of this person is already under way (erasure ${earlier.id}).`);
}
