// The events list's customer filter by name, email or Stripe id, and an event's replays (single from the
// audit log, bulk from bulk_replays) that the event page attributes attempts to.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { auditLog, bulkReplays, customers, events, identities } from "@/db/schema";
import { findEventsById, listEventReplays, listEvents } from "./events";

let handle: DbHandle;
let adaEvent: string;
let otherEvent: string;

beforeAll(async () => {
  handle = await createTestDb();
  const [ada, bob] = await handle.db
    .insert(customers)
    .values([
      { appUserId: "u_ada", email: "ada@lovelace.example", name: "Ada Lovelace" },
      { appUserId: "u_bob", email: "bob@example.com", name: "Bob" },
    ])
    .returning();
  await handle.db
    .insert(identities)
    .values({ customerId: ada!.id, system: "stripe", externalId: "cus_ADA", matchedBy: "id" });
  const rows = await handle.db
    .insert(events)
    .values([
      { source: "app", externalId: "e1", type: "user.signed_up", correlationId: "c1", customerId: ada!.id },
      { source: "app", externalId: "e2", type: "user.signed_up", correlationId: "c2", customerId: bob!.id },
    ])
    .returning();
  adaEvent = rows[0]!.id;
  otherEvent = rows[1]!.id;
  const at = (h: number) => new Date(Date.UTC(2026, 0, 1, h));
  await handle.db.insert(auditLog).values([
    {
      actorEmail: "ann@example.com",
      via: "session",
      action: "event.replay_failed",
      targetType: "event",
      targetId: adaEvent,
      createdAt: at(10),
    },
    {
      actorEmail: "zed@example.com",
      via: "session",
      action: "event.replay_failed",
      targetType: "event",
      targetId: otherEvent,
      createdAt: at(9),
    },
    {
      actorEmail: "ann@example.com",
      via: "session",
      action: "alert.acknowledge",
      targetType: "event",
      targetId: adaEvent,
      createdAt: at(8),
    },
  ]);
  await handle.db.insert(bulkReplays).values({
    requestedBy: "bob@example.com",
    target: { ids: [adaEvent] },
    eventIds: [adaEvent],
    total: 1,
    queuedAt: at(12),
  });
}, 180_000);
afterAll(() => handle?.close());

describe("the customer filter", () => {
  it("matches part of a name or email, any case, an app user id or a Stripe id", async () => {
    for (const customer of ["lovelace", "ADA LOVE", "ada@lovelace.example", "u_ada", "cus_ADA"]) {
      const page = await listEvents(handle.db, { customer });
      expect(
        page.rows.map((r) => r.externalId),
        customer,
      ).toEqual(["e1"]);
      expect(page.rows[0]?.customerName).toBe("Ada Lovelace");
    }
    expect((await listEvents(handle.db, { customer: "nobody" })).total).toBe(0);
    // Two letters are too short to search inside names (no index helps): only exact ids match.
    expect((await listEvents(handle.db, { customer: "Bo" })).total).toBe(0);
  });
});

describe("listEventReplays", () => {
  it("lists this event's single and bulk replays, oldest first, and nothing else", async () => {
    const replays = await listEventReplays(handle.db, adaEvent);
    expect(replays.map((r) => [r.by, r.action])).toEqual([
      ["ann@example.com", "event.replay_failed"],
      ["bob@example.com", "event.bulk_replay"],
    ]);
    expect(await listEventReplays(handle.db, "not-a-uuid")).toEqual([]);
  });
});

describe("findEventsById", () => {
  it("finds by our id, the source id and the correlation id", async () => {
    for (const q of [adaEvent, "e1", "c1"])
      expect(
        (await findEventsById(handle.db, q)).map((e) => e.id),
        q,
      ).toEqual([adaEvent]);
    expect(await findEventsById(handle.db, "e3")).toEqual([]);
  });
});
