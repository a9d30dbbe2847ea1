// Alert writes on a real (PGlite) database: the allowed transitions, the audit rows, and no-op repeats.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { alerts, auditLog } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { acknowledgeAlert, resolveAlert } from "./alerts";

let handle: DbHandle;
const admin: Actor = { id: null, email: "ops@example.com", role: "admin", via: "session" };
let n = 0;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());

async function newAlert(status: "open" | "acknowledged" | "resolved" = "open") {
  const [row] = await handle.db
    .insert(alerts)
    .values({ kind: "billing", dedupeKey: `test:${n++}`, title: "Payment failed for cus_1", status })
    .returning();
  return row!;
}
const alertRow = async (id: string) => (await handle.db.select().from(alerts).where(eq(alerts.id, id)))[0]!;
const auditOf = (id: string) => handle.db.select().from(auditLog).where(eq(auditLog.targetId, id));

describe("acknowledgeAlert", () => {
  it("moves an open alert to acknowledged, records who and when, and audits it", async () => {
    const alert = await newAlert();
    const result = await acknowledgeAlert(handle.db, admin, alert.id);
    expect(result).toEqual({ ok: true, alertId: alert.id, status: "acknowledged", changed: true });
    const row = await alertRow(alert.id);
    expect(row).toMatchObject({ status: "acknowledged", acknowledgedBy: "ops@example.com", resolvedAt: null });
    expect(row.acknowledgedAt).toBeInstanceOf(Date);
    const entries = await auditOf(alert.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "alert.acknowledge",
      actorEmail: "ops@example.com",
      via: "session",
      targetType: "alert",
    });
    expect(entries[0]!.details).toMatchObject({ previousStatus: "open", title: "Payment failed for cus_1" });
  });

  it("is a no-op on an acknowledged alert: first acknowledger kept, no second audit row", async () => {
    const alert = await newAlert();
    await acknowledgeAlert(handle.db, admin, alert.id);
    const again = await acknowledgeAlert(handle.db, { ...admin, email: "someone-else@example.com" }, alert.id);
    expect(again).toMatchObject({ ok: true, changed: false, status: "acknowledged" });
    expect((await alertRow(alert.id)).acknowledgedBy).toBe("ops@example.com");
    expect(await auditOf(alert.id)).toHaveLength(1);
  });

  it("refuses a resolved alert (409) and an unknown one (404) without writing", async () => {
    const alert = await newAlert("resolved");
    expect(await acknowledgeAlert(handle.db, admin, alert.id)).toMatchObject({ ok: false, status: 409 });
    expect((await alertRow(alert.id)).status).toBe("resolved");
    expect(await auditOf(alert.id)).toHaveLength(0);
    expect(await acknowledgeAlert(handle.db, admin, "00000000-0000-0000-0000-000000000000")).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe("resolveAlert", () => {
  it("resolves an open alert and an acknowledged one, auditing the state each came from", async () => {
    const open = await newAlert();
    const acked = await newAlert();
    await acknowledgeAlert(handle.db, admin, acked.id);
    for (const alert of [open, acked]) {
      expect(await resolveAlert(handle.db, admin, alert.id)).toEqual({
        ok: true,
        alertId: alert.id,
        status: "resolved",
        changed: true,
      });
      const row = await alertRow(alert.id);
      expect(row.status).toBe("resolved");
      expect(row.resolvedAt).toBeInstanceOf(Date);
    }
    const [resolveOpen] = (await auditOf(open.id)).filter((e) => e.action === "alert.resolve");
    expect(resolveOpen!.details).toMatchObject({ previousStatus: "open" });
    const [resolveAcked] = (await auditOf(acked.id)).filter((e) => e.action === "alert.resolve");
    expect(resolveAcked!.details).toMatchObject({ previousStatus: "acknowledged" });
    expect((await alertRow(acked.id)).acknowledgedBy).toBe("ops@example.com");
  });

  it("resolving twice is a no-op: same resolvedAt, one audit row", async () => {
    const alert = await newAlert();
    await resolveAlert(handle.db, admin, alert.id);
    const first = (await alertRow(alert.id)).resolvedAt;
    expect(await resolveAlert(handle.db, admin, alert.id)).toEqual({
      ok: true,
      alertId: alert.id,
      status: "resolved",
      changed: false,
    });
    expect((await alertRow(alert.id)).resolvedAt).toEqual(first);
    expect(await auditOf(alert.id)).toHaveLength(1);
  });

  it("two resolves at once: exactly one wins and is audited", async () => {
    const alert = await newAlert();
    const results = await Promise.all([
      resolveAlert(handle.db, admin, alert.id),
      resolveAlert(handle.db, admin, alert.id),
    ]);
    expect(results.filter((r) => r.ok && r.changed)).toHaveLength(1);
    expect(await auditOf(alert.id)).toHaveLength(1);
  });

  it("answers 404 for an unknown alert", async () => {
    expect(await resolveAlert(handle.db, admin, "00000000-0000-0000-0000-000000000000")).toMatchObject({
      ok: false,
      status: 404,
    });
  });
});

describe("a change and its audit entry are one transaction", () => {
  /** Makes every audit insert fail (a real trigger on the real table), for the length of `work`. */
  async function withAuditFailing(work: () => Promise<void>) {
    await handle.db.execute(
      sql`create or replace function refuse_audit() returns trigger language plpgsql as $$ begin raise exception 'audit log unavailable'; end $$`,
    );
    await handle.db.execute(
      sql`create trigger refuse_audit before insert on audit_log for each row execute function refuse_audit()`,
    );
    try {
      await work();
    } finally {
      await handle.db.execute(sql`drop trigger refuse_audit on audit_log`);
    }
  }

  it("leaves the alert as it was when the audit entry cannot be written", async () => {
    const open = await newAlert("open");
    const acknowledged = await newAlert("acknowledged");
    await withAuditFailing(async () => {
      await expect(acknowledgeAlert(handle.db, admin, open.id)).rejects.toThrow();
      await expect(resolveAlert(handle.db, admin, acknowledged.id)).rejects.toThrow();
    });
    expect(await alertRow(open.id)).toMatchObject({ status: "open", acknowledgedAt: null, acknowledgedBy: null });
    expect(await alertRow(acknowledged.id)).toMatchObject({ status: "acknowledged", resolvedAt: null });
    // Once the audit log works again, the same writes go through, each with its entry.
    expect(await acknowledgeAlert(handle.db, admin, open.id)).toMatchObject({ changed: true });
    expect(await resolveAlert(handle.db, admin, acknowledged.id)).toMatchObject({ changed: true });
    expect(await auditOf(open.id)).toHaveLength(1);
    expect(await auditOf(acknowledged.id)).toHaveLength(1);
  });
});
