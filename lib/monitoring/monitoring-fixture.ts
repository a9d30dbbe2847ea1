// Shared by the monitoring tests: a migrated database per test file, emptied of alerts, events and ops state
// before each test, and the crafted events, refused deliveries and rule ticks the tests build on.
import { afterAll, beforeAll, beforeEach } from "vitest";
import { eq } from "drizzle-orm";
import type { DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { alerts, events, opsState, rejectedDeliveries } from "@/db/schema";
import { parseEnv } from "@/lib/env";
import { applyRuleResults } from "./apply-rules";
import { evaluateRules, type RuleId } from "./rules";

export const thresholds = parseEnv({ NODE_ENV: "test" }).alertThresholds;

export const minutesAgo = (now: Date, m: number) => new Date(now.getTime() - m * 60_000);

/** Registers the file's database hooks; answers the database (once ready) and the helpers that write to it. */
export function monitoringTestDb() {
  let handle: DbHandle;
  let n = 0;

  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(() => handle?.close());
  beforeEach(async () => {
    await handle.db.delete(alerts);
    await handle.db.delete(events);
    await handle.db.delete(opsState);
  });

  async function event(o: {
    status: "received" | "processing" | "succeeded" | "failed";
    at: Date;
    type?: string;
    source?: "stripe" | "app";
  }) {
    const [row] = await handle.db
      .insert(events)
      .values({
        source: o.source ?? "app",
        externalId: `e${n++}`,
        type: o.type ?? "user.signed_up",
        status: o.status,
        receivedAt: o.at,
        updatedAt: o.at,
        correlationId: "c",
        rawBody: "{}",
      })
      .returning();
    return row!;
  }

  async function tick(now: Date) {
    return applyRuleResults(handle.db, await evaluateRules(handle.db, thresholds, now), now);
  }

  const unresolved = async (rule: RuleId) =>
    (await handle.db.select().from(alerts).where(eq(alerts.rule, rule))).filter((a) => a.status !== "resolved");

  const refuse = (route: "stripe" | "app", reason: string, at: Date, count = 1) =>
    handle.db.insert(rejectedDeliveries).values({ route, reason, status: 400, count, firstAt: at, lastAt: at });

  return {
    get db() {
      return handle.db;
    },
    event,
    tick,
    unresolved,
    refuse,
  };
}
