// Posts alert notifications to a Slack-compatible incoming webhook: on open, on escalation to critical (a
// dunning alert whose final attempt failed; never on each retry) and on resolve, retried with
// backoff, claimed in the database first so that two workers never post the same notification; and the daily
// digest, which is a notification only (no alert row). A customer is
// named by the app user id with a link to the console (APP_URL), never by a whole email address.
import pRetry from "p-retry";
import type { Db } from "@/db";
import type { Alert } from "@/db/schema";
import {
  alertsToNotify,
  claimDigest,
  claimNotification,
  type DailyDigest,
  finishNotification,
  releaseDigest,
} from "@/db/queries/alerts";
import { maskEmailsIn } from "./mask";
import { log } from "@/lib/log";

export type NotifyOptions = {
  url: string;
  fetchImpl?: typeof fetch;
  retries?: number;
  minTimeoutMs?: number;
  consoleUrl?: string;
};

const ICON = {
  open: { critical: ":red_circle:", warning: ":large_orange_circle:", info: ":information_source:" },
  resolved: ":white_check_mark:",
};

export function slackMessage(
  alert: Alert & { customerAppUserId?: string | null },
  kind: "open" | "escalated" | "resolved",
  consoleUrl?: string,
): { text: string } {
  const base = consoleUrl?.replace(/\/$/, "");
  // Every alert links to the rows behind it: its customer, its event, or the page its rule names.
  const href = (alert.details as { href?: string } | null)?.href;
  const link = !base
    ? ""
    : alert.customerAppUserId
      ? `\n<${base}/customers/${encodeURIComponent(alert.customerAppUserId)}|Open the customer in the console>`
      : alert.eventId
        ? `\n<${base}/events/${alert.eventId}|Open the event in the console>`
        : href?.startsWith("/")
          ? `\n<${base}${href}|Open in the console>`
          : `\n<${base}/alerts|Open the console>`;
  // Texts are written without emails; masking here also covers alerts recorded before that (and any rule's text).
  const title = maskEmailsIn(alert.title);
  const message = maskEmailsIn(alert.message ?? "");
  if (kind === "resolved") return { text: `${ICON.resolved} Resolved: *${title}*${link}` };
  if (kind === "escalated") return { text: `${ICON.open.critical} Escalated: *${title}*\n${message}${link}` };
  return { text: `${ICON.open[alert.severity]} *${title}*\n${message}${link}` };
}

async function post(opts: NotifyOptions, body: { text: string }) {
  const doFetch = opts.fetchImpl ?? fetch;
  await pRetry(
    async () => {
      const res = await doFetch(opts.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`alert webhook answered ${res.status}`);
    },
    { retries: opts.retries ?? 3, minTimeout: opts.minTimeoutMs ?? 500, factor: 2, randomize: true },
  );
}

/** The daily digest as a Slack message (masked like the alerts, with a link to the failed events). */
export function digestMessage(digest: DailyDigest, consoleUrl?: string): { text: string } {
  const base = consoleUrl?.replace(/\/$/, "");
  const link = base ? `\n<${base}/events?status=failed|Open the failed events in the console>` : "";
  return { text: `${ICON.open.info} *${maskEmailsIn(digest.title)}*\n${maskEmailsIn(digest.message)}${link}` };
}

/** Sends every pending notification once; answers how many went out and how many will be retried later. */
export async function deliverNotifications(
  db: Db,
  opts: NotifyOptions,
  now = new Date(),
): Promise<{ sent: number; failed: number }> {
  const pending = await alertsToNotify(db);
  let sent = 0;
  let failed = 0;
  const digest = await claimDigest(db, now);
  if (digest) {
    try {
      await post(opts, digestMessage(digest, opts.consoleUrl));
      sent++;
    } catch (err) {
      await releaseDigest(db, digest.day);
      log.warn("alerts.digest_notify_failed", { day: digest.day, error: err });
      failed++;
    }
  }
  for (const alert of pending) {
    if (!(await claimNotification(db, alert.id, now))) continue;
    const kind = !alert.notifiedOpenAt ? "open" : alert.status === "resolved" ? "resolved" : "escalated";
    try {
      await post(opts, slackMessage(alert, kind, opts.consoleUrl));
      await finishNotification(db, alert.id, kind);
      sent++;
    } catch (err) {
      await finishNotification(db, alert.id, null);
      log.warn("alerts.notify_failed", { alertId: alert.id, error: err });
      failed++;
    }
  }
  return { sent, failed };
}
