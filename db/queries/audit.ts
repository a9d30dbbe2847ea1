// The audit log: append-only entries for every write made from the console or the admin API, and the
// console's list of them (who did what, newest first, filterable by action, channel and actor).
import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/db";
import { countUpTo, pageOf } from "./paging";
import { auditLog } from "@/db/schema";
import type { Actor } from "@/lib/auth/roles";
import { defineTableParams, filterParam, likePattern, pageWindow, type SortState } from "@/lib/schemas/table-params";

/** Appends one entry: who (the actor), what (`action`), on what (`target`), with optional details. */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  target: { type: string; id: string } | null,
  details?: Record<string, unknown>,
): Promise<void> {
  await db.insert(auditLog).values({
    actorId: actor.id,
    actorEmail: actor.email,
    via: actor.via,
    action,
    targetType: target?.type ?? null,
    targetId: target?.id ?? null,
    details: details ?? null,
  });
}

export const AUDIT_VIA = ["session", "api-token", "system"] as const;
export const AUDIT_SORTS = ["createdAt", "action", "actorEmail"] as const;
export type AuditSort = (typeof AUDIT_SORTS)[number];

/** URL params of the audit log: action (exact), via, actor (part of the email), target (id). */
export const auditTableParams = defineTableParams({
  sortable: AUDIT_SORTS,
  defaultSort: { id: "createdAt", desc: true },
  filters: {
    action: filterParam.text(100),
    via: filterParam.oneOf(AUDIT_VIA),
    actor: filterParam.text(200),
    target: filterParam.text(200),
  },
});

export type ListAuditLogParams = {
  action?: string;
  via?: (typeof AUDIT_VIA)[number];
  actor?: string;
  target?: string;
  page?: number;
  perPage?: number;
  sort?: SortState<AuditSort>;
};

function conditions(p: ListAuditLogParams): SQL[] {
  const where: SQL[] = [];
  if (p.action) where.push(eq(auditLog.action, p.action));
  if (p.via) where.push(eq(auditLog.via, p.via));
  if (p.actor?.trim()) where.push(sql`${auditLog.actorEmail} ilike ${likePattern(p.actor.trim())}`);
  if (p.target?.trim()) where.push(eq(auditLog.targetId, p.target.trim()));
  return where;
}

function orderBy(sort: SortState<AuditSort>): SQL[] {
  const dir = sort.desc ? desc : asc;
  if (sort.id === "createdAt") return [dir(auditLog.createdAt), dir(auditLog.id)];
  return [
    dir(sort.id === "action" ? auditLog.action : auditLog.actorEmail),
    desc(auditLog.createdAt),
    desc(auditLog.id),
  ];
}

export async function listAuditLog(db: Db, params: ListAuditLogParams = {}) {
  const { limit, offset, perPage } = pageWindow(params);
  const where = and(...conditions(params));
  const [rows, counted] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(...orderBy(params.sort ?? auditTableParams.defaultSort))
      .limit(limit)
      .offset(offset),
    countUpTo(db, db.select({ id: auditLog.id }).from(auditLog).where(where).$dynamic()),
  ]);
  return pageOf(rows, counted, { offset, perPage });
}

export type AuditListRow = Awaited<ReturnType<typeof listAuditLog>>["rows"][number];

/** Distinct actions recorded, for the action filter. */
export async function listAuditActions(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ action: auditLog.action }).from(auditLog).orderBy(auditLog.action).limit(200);
  return rows.map((r) => r.action);
}
