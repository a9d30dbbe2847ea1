// The signup's identity in one statement: the customer, its app identity, and whether a payer not yet claimed
// shares its email (only then does resolve-identity look further). The claim reads the event's step rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { customers, events, eventSteps, identities } from "@/db/schema";
import { claimEvent } from "./event-processing";
import {
  customerProjectionRow,
  linkIdentity,
  upsertAppCustomerCounting,
  upsertProvisionalCustomer,
} from "./identities";

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h?.close());

describe("upsertAppCustomerCounting", () => {
  it("creates the customer and its app identity, counting only payers with the same email", async () => {
    await upsertProvisionalCustomer(h.db, "cus_other", "someone.else@example.com");
    const first = await upsertAppCustomerCounting(h.db, { appUserId: "u_1", email: "Ann@Example.com", name: "Ann" });
    expect(first.customer).toMatchObject({ appUserId: "u_1", email: "ann@example.com", name: "Ann" });
    expect(first.customer.createdAt).toBeInstanceOf(Date);
    expect(first.provisionalWithEmail).toBe(0);
    const [link] = await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, first.customer.id), eq(identities.system, "app")));
    expect(link).toMatchObject({ externalId: "u_1", matchedBy: "id", verified: true });

    await upsertProvisionalCustomer(h.db, "cus_ann", "ann@example.com");
    const again = await upsertAppCustomerCounting(h.db, { appUserId: "u_1", email: "ann@example.com" });
    expect(again.customer.id).toBe(first.customer.id);
    expect(again.provisionalWithEmail).toBe(1);
    expect(await h.db.select().from(customers).where(eq(customers.appUserId, "u_1"))).toHaveLength(1);
  });

  it("an app user id already linked to another customer keeps that link (the step-by-step path)", async () => {
    const [holder] = await h.db.insert(customers).values({ appUserId: "u_holder" }).returning();
    const [other] = await h.db.insert(customers).values({ appUserId: "u_2" }).returning();
    // u_2's app identity held by another customer (a link made by hand gone wrong): no unique violation escapes.
    await h.db
      .insert(identities)
      .values({ customerId: holder!.id, system: "app", externalId: "u_2", matchedBy: "manual" });
    const r = await upsertAppCustomerCounting(h.db, { appUserId: "u_2", email: "two@example.com" });
    expect(r.customer).toMatchObject({ id: other!.id, email: "two@example.com" });
    const [link] = await h.db.select().from(identities).where(eq(identities.externalId, "u_2"));
    expect(link!.customerId).toBe(holder!.id);
  });

  it("the projection row carries the Stripe customer id", async () => {
    const { customer } = await upsertAppCustomerCounting(h.db, { appUserId: "u_3", email: "three@example.com" });
    expect((await customerProjectionRow(h.db, customer.id))!.stripeCustomerId).toBeNull();
    await linkIdentity(h.db, customer.id, "stripe", "cus_3", "id");
    const row = (await customerProjectionRow(h.db, customer.id))!;
    expect(row).toMatchObject({ stripeCustomerId: "cus_3", entitlement: null, customer: { appUserId: "u_3" } });
  });
});

describe("claimEvent", () => {
  it("answers the event's step rows with the claim (a replay skips what already succeeded)", async () => {
    const [e] = await h.db
      .insert(events)
      .values({ source: "app", externalId: "evt_c1", type: "user.signed_up", rawBody: "{}", correlationId: "c" })
      .returning();
    expect((await claimEvent(h.db, e!.id, ["received"], new Date(0)))!.steps).toEqual([]);
    await h.db.update(events).set({ status: "failed" }).where(eq(events.id, e!.id));
    await h.db
      .insert(eventSteps)
      .values({ eventId: e!.id, step: "resolve-identity", status: "succeeded", attempts: 1, output: { a: 1 } });
    const claimed = (await claimEvent(h.db, e!.id, ["failed"], new Date(0)))!;
    expect(claimed).toMatchObject({ status: "processing", attempts: 2 });
    expect(claimed.steps).toEqual([{ step: "resolve-identity", status: "succeeded", output: { a: 1 } }]);
    expect(await claimEvent(h.db, e!.id, ["failed"], new Date(0))).toBeUndefined();
  });
});
