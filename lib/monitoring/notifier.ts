// Posts alert notifications to a Slack-compatible incoming webhook: on open and on resolve, retried with
// backoff, claimed in the database first so that two workers never post the same notification.
import pRetry from "p-retry";
import { and, eq, isNotNull, isNull, like, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/db";
import { alerts, type Alert } from "@/db/schema";
import { log } from "@/lib/log";

export type NotifyOptions = { url: string; fetchImpl?: typeof fetch; retries?: number; minTimeoutMs?: number; consoleUrl?: string };

const ICON = { open: { critical: ":red_circle:", warning: ":large_orange_circle:", info: ":information_source:" }, resolved: ":white_check_mark:" };

export function slackMessage(alert: Alert, kind: "open" | "resolved", consoleUrl?: string): { text: string } {
  const link = consoleUrl ? `\n<${consoleUrl.replace(/\/$/, "")}/alerts|Open the console>` : "";
  if (alert.dedupeKey.startsWith("digest:")) return { text: `${ICON.open.info} *${alert.title}*\n${alert.message ?? ""}${link}` };
  if (kind === "resolved") return { text: `${ICON.resolved} Resolved: *${alert.title}*${link}` };
  return { text: `${ICON.open[alert.severity]} *${alert.title}*\n${alert.message ?? ""}${link}` };
}

async function post(opts: NotifyOptions, body: { text: string }) {
  const doFetch = opts.fetchImpl ?? fetch;
  await pRetry(
    async () => {
      const res = await doFetch(opts.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
    },
    { retries: opts.retries ?? 3, minTimeout: opts.minTimeoutMs ?? 500, factor: 2, randomize: true },
  );
}

/** Sends every pending notification once; answers how many went out and how many will be retried later. */
export async function deliverNotifications(db: Db, opts: NotifyOptions, now = new Date()): Promise<{ sent: number; failed: number }> {
  const pendingOpen = and(isNull(alerts.notifiedOpenAt), or(ne(alerts.status, "resolved"), like(alerts.dedupeKey, "digest:%")));
  const pendingResolve = and(eq(alerts.status, "resolved"), isNotNull(alerts.notifiedOpenAt), isNull(alerts.notifiedResolveAt));
  const pending = await db.select().from(alerts).where(or(pendingOpen, pendingResolve)).limit(50);
  let sent = 0;
  let failed = 0;
  for (const alert of pending) {
    const staleClaim = new Date(now.getTime() - 120_000);
    const [claimed] = await db
      .update(alerts)
      .set({ notifyClaimedAt: now, notifyAttempts: sql`${alerts.notifyAttempts} + 1` })
      .where(and(eq(alerts.id, alert.id), or(isNull(alerts.notifyClaimedAt), lt(alerts.notifyClaimedAt, staleClaim))))
      .returning({ id: alerts.id });
    if (!claimed) continue;
    const kind = alert.notifiedOpenAt ? "resolved" : "open";
    try {
      await post(opts, slackMessage(alert, kind, opts.consoleUrl));
      await db
        .update(alerts)
        .set(kind === "open" ? { notifiedOpenAt: new Date(), notifyClaimedAt: null } : { notifiedResolveAt: new Date(), notifyClaimedAt: null })
        .where(eq(alerts.id, alert.id));
      sent++;
    } catch (err) {
      await db.update(alerts).set({ notifyClaimedAt: null }).where(eq(alerts.id, alert.id));
      log.warn("alerts.notify_failed", { alertId: alert.id, error: err });
      failed++;
    }
  }
  return { sent, failed };
}
