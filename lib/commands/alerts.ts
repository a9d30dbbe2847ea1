// Acknowledge and resolve alerts, shared by the console's buttons and any admin API. Each write moves
// the row only from a state it may leave (a conditional UPDATE, so two clicks cannot both win) and
// is audited in the same transaction (no change without its audit row, no audit row without the change);
// repeating a write that already happened changes nothing and writes no audit row.
import { type Db, inTransaction } from "@/db";
import type { Alert } from "@/db/schema";
import { alertStatusById, markAlertAcknowledged, markAlertResolved } from "@/db/queries/alerts";
import { audit } from "@/db/queries/audit";
import type { Actor } from "@/lib/auth/roles";

type AlertStatus = Alert["status"];

export type AlertWriteResult =
  | { ok: true; alertId: string; status: AlertStatus; changed: boolean }
  | { ok: false; status: 404 | 409; error: string };

/** open → acknowledged (who and when). Acknowledged again: a no-op. Resolved: refused (409). */
export async function acknowledgeAlert(db: Db, actor: Actor, id: string): Promise<AlertWriteResult> {
  const changed = await inTransaction(db, async (tx) => {
    const row = await markAlertAcknowledged(tx, id, actor.email);
    if (row)
      await audit(tx, actor, "alert.acknowledge", { type: "alert", id }, { title: row.title, previousStatus: "open" });
    return Boolean(row);
  });
  if (changed) return { ok: true, alertId: id, status: "acknowledged", changed: true };
  const current = await alertStatusById(db, id);
  if (!current) return { ok: false, status: 404, error: "No such alert." };
  if (current.status === "acknowledged") return { ok: true, alertId: id, status: "acknowledged", changed: false };
  return { ok: false, status: 409, error: "This alert is already resolved; there is nothing to acknowledge." };
}

/** open or acknowledged → resolved (when). Resolved again: a no-op. */
export async function resolveAlert(db: Db, actor: Actor, id: string): Promise<AlertWriteResult> {
  return inTransaction(db, async (tx): Promise<AlertWriteResult> => {
    const before = await alertStatusById(tx, id);
    if (!before) return { ok: false, status: 404, error: "No such alert." };
    if (!(await markAlertResolved(tx, id))) return { ok: true, alertId: id, status: "resolved", changed: false };
    await audit(
      tx,
      actor,
      "alert.resolve",
      { type: "alert", id },
      { title: before.title, previousStatus: before.status },
    );
    return { ok: true, alertId: id, status: "resolved", changed: true };
  });
}
