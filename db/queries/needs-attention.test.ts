// The overview's "Needs attention": each open problem once, with who and since when; a refused credential is
// one item however many events it failed; alerts already said by another item are not repeated; nothing open
// answers an empty list (the all-clear state).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { alerts, customers, driftFindings, events, eventSteps, identities } from "@/db/schema";
import { getNeedsAttention } from "./overview";

let handle: DbHandle;
let n = 0;
beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(() => handle?.close());
beforeEach(async () => {
  await handle.db.delete(alerts);
  await handle.db.delete(events);
  await handle.db.delete(driftFindings);
  await handle.db.delete(identities);
  await handle.db.delete(customers);
});

async function failedEvent(customerId: string | null, step: Partial<typeof eventSteps.$inferInsert>, at: Date) {
  const [e] = await handle.db
    .insert(events)
    .values({
      source: "app",
      externalId: `na${n++}`,
      type: "user.updated",
      status: "failed",
      customerId,
      failedStep: "sync-crm",
      lastError: "sync-crm: failed",
      receivedAt: at,
      correlationId: "c",
    })
    .returning();
  await handle.db.insert(eventSteps).values({ eventId: e!.id, step: "sync-crm", status: "failed", ...step });
  return e!;
}

describe("getNeedsAttention", () => {
  it("is empty when nothing is open (the all-clear state)", async () => {
    await handle.db.insert(alerts).values({ kind: "ops", dedupeKey: "x", title: "Old", status: "resolved" });
    expect(await getNeedsAttention(handle.db)).toEqual({ items: [], moreFailedEvents: 0, moreDrift: 0 });
  });

  it("names the customer and the error of a failed event, groups refused credentials, and folds their alerts", async () => {
    const [margaret] = await handle.db
      .insert(customers)
      .values({ appUserId: "usr_margaret", name: "Margaret Hamilton", email: "margaret@example" })
      .returning();
    const at = new Date("2026-11-27T10:00:00Z");
    const bad = await failedEvent(
      margaret!.id,
      {
        errorService: "hubspot",
        errorStatus: 400,
        errorCode: "INVALID_EMAIL",
        errorMessage: "Email address margaret@example is invalid",
        lastError: "hubspot 400: Email address margaret@example is invalid",
      },
      at,
    );
    for (let i = 0; i < 3; i++)
      await failedEvent(
        null,
        { errorService: "hubspot", errorStatus: 401, errorCode: "INVALID_AUTHENTICATION" },
        new Date(at.getTime() + i * 60_000),
      );
    await handle.db.insert(alerts).values([
      { kind: "ops", rule: "auth-errors", dedupeKey: "r1", title: "HubSpot refuses our credentials" },
      { kind: "ops", rule: "failure-rate", dedupeKey: "r2", title: "Webhook failure rate 80%" },
      { kind: "billing", dedupeKey: "b1", title: "Payment failed", customerId: margaret!.id, severity: "critical" },
      { kind: "billing", dedupeKey: "b2", title: "Acknowledged one", status: "acknowledged" },
    ]);
    const { items, moreFailedEvents } = await getNeedsAttention(handle.db);
    expect(items.map((i) => i.kind)).toEqual(["credential", "failed-event", "alert"]);
    expect(items[0]).toMatchObject({ kind: "credential", service: "hubspot", failedEvents: 3, since: at });
    expect(items[1]).toMatchObject({
      kind: "failed-event",
      eventId: bad.id,
      step: "sync-crm",
      customer: { appUserId: "usr_margaret", name: "Margaret Hamilton", email: "margaret@example" },
      error: { service: "hubspot", status: 400, code: "INVALID_EMAIL" },
    });
    expect(items[2]).toMatchObject({ kind: "alert", title: "Payment failed", customer: { appUserId: "usr_margaret" } });
    expect(moreFailedEvents).toBe(0);
  });

  it("lists identity matches and drift to act on, and counts what does not fit", async () => {
    const [ann] = await handle.db
      .insert(customers)
      .values({ appUserId: "usr_ann", email: "ann@example.com" })
      .returning();
    await handle.db
      .insert(identities)
      .values({ customerId: ann!.id, system: "stripe", externalId: "cus_ann", matchedBy: "email", verified: false });
    await handle.db.insert(driftFindings).values(
      ["app_plan", "app_status", "lifecyclestage"].map((field) => ({
        customerId: ann!.id,
        system: "hubspot",
        field,
        expected: "pro",
        actual: "free",
      })),
    );
    for (let i = 0; i < 3; i++) await failedEvent(null, { errorService: null }, new Date(Date.UTC(2026, 10, 27, i)));
    const { items, moreFailedEvents, moreDrift } = await getNeedsAttention(handle.db, 2);
    expect(items.filter((i) => i.kind === "failed-event")).toHaveLength(2);
    expect(moreFailedEvents).toBe(1);
    expect(items.find((i) => i.kind === "identity-match")).toMatchObject({ system: "stripe", externalId: "cus_ann" });
    expect(items.filter((i) => i.kind === "drift")).toHaveLength(2);
    expect(moreDrift).toBe(1);
  });
});
