import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb } from "@/db/test-db";
import type { DbHandle } from "@/db";
import { customers, entitlements, events, identities } from "@/db/schema";
import { getCustomerByAppUserId, listCustomers } from "./customers";

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  const day = (d: number) => new Date(Date.UTC(2025, 0, d));
  const [ann, bob, cat] = await handle.db
    .insert(customers)
    .values([
      { appUserId: "u_ann", email: "ann@example.com", name: "Ann Lee", createdAt: day(1) },
      { appUserId: "u_bob", email: "bob@example.com", name: "Bob 100%", createdAt: day(2) },
      { appUserId: "u_cat", email: null, name: null, createdAt: day(3) },
      { appUserId: "u_ann2", email: "joann@example.com", name: "Jo Ann", createdAt: day(4) },
    ])
    .returning();
  await handle.db.insert(identities).values([
    { customerId: ann.id, system: "app", externalId: "u_ann", matchedBy: "id" },
    { customerId: ann.id, system: "stripe", externalId: "cus_ANN123", matchedBy: "email" },
    { customerId: bob.id, system: "hubspot", externalId: "hs_777", matchedBy: "email" },
  ]);
  await handle.db.insert(entitlements).values([
    { customerId: ann.id, plan: "pro", status: "active" },
    { customerId: bob.id, plan: "pro", status: "past_due" },
  ]);
  await handle.db.insert(events).values([
    { source: "app", externalId: "e1", type: "x", correlationId: "c1", status: "failed", customerId: cat.id },
    { source: "app", externalId: "e2", type: "x", correlationId: "c2", status: "failed", customerId: cat.id },
  ]);
});
afterAll(() => handle?.close());

describe("listCustomers", () => {
  it("lists newest first with entitlement, linked systems and failed events", async () => {
    const page = await listCustomers(handle.db);
    expect(page.total).toBe(4);
    expect(page.totalCapped).toBeUndefined();
    expect(page.rows.map((r) => r.appUserId)).toEqual(["u_ann2", "u_cat", "u_bob", "u_ann"]);
    const [, cat, , ann] = page.rows;
    expect(cat).toMatchObject({ status: "none", plan: null, linked: [], failedEvents: 2 });
    expect(ann).toMatchObject({ status: "active", plan: "pro", failedEvents: 0 });
    expect(ann.linked.map((l) => `${l.system}:${l.externalId}`)).toEqual(["app:u_ann", "stripe:cus_ANN123"]);
  });

  it("searches email, name, app user id and external ids", async () => {
    const ids = async (q: string) => (await listCustomers(handle.db, { q })).rows.map((r) => r.appUserId);
    expect(await ids("ANN@")).toEqual(["u_ann2", "u_ann"]);
    expect(await ids("lee")).toEqual(["u_ann"]);
    expect(await ids("u_b")).toEqual(["u_bob"]);
    expect(await ids("cus_ann")).toEqual(["u_ann"]);
    expect(await ids("hs_777")).toEqual(["u_bob"]);
    expect(await ids("100%")).toEqual(["u_bob"]);
    expect(await ids("1%0")).toEqual([]); // % is literal, not a wildcard
  });

  it("a whole email or id lists only its customer, unless partial matches are asked for", async () => {
    const search = async (q: string, match?: "partial") => {
      const page = await listCustomers(handle.db, { q, match });
      return { ids: page.rows.map((r) => r.appUserId), exact: page.exactMatch ?? false, total: page.total };
    };
    // "ann@example.com" is also a substring of "joann@example.com".
    expect(await search("Ann@Example.com")).toEqual({ ids: ["u_ann"], exact: true, total: 1 });
    expect(await search("ann@example.com", "partial")).toEqual({ ids: ["u_ann2", "u_ann"], exact: false, total: 2 });
    expect(await search("u_ann")).toEqual({ ids: ["u_ann"], exact: true, total: 1 });
    expect(await search("cus_ANN123")).toEqual({ ids: ["u_ann"], exact: true, total: 1 });
    expect(await search("hs_777")).toEqual({ ids: ["u_bob"], exact: true, total: 1 });
    expect(await search("cus_ann123")).toEqual({ ids: ["u_ann"], exact: false, total: 1 }); // ids are case-sensitive: a substring match
  });

  it("filters by entitlement status (none includes no row) and sorts", async () => {
    expect((await listCustomers(handle.db, { status: "none" })).rows.map((r) => r.appUserId)).toEqual([
      "u_ann2",
      "u_cat",
    ]);
    expect((await listCustomers(handle.db, { status: "past_due" })).rows.map((r) => r.appUserId)).toEqual(["u_bob"]);
    const byEmail = await listCustomers(handle.db, { sort: { id: "email", desc: false }, perPage: 2 });
    expect(byEmail.rows.map((r) => r.appUserId)).toEqual(["u_ann", "u_bob"]);
    expect(byEmail.pageCount).toBe(2);
  });
});

describe("getCustomerByAppUserId", () => {
  it("returns identities and entitlement, with status none when there is no entitlement", async () => {
    const ann = await getCustomerByAppUserId(handle.db, "u_ann");
    expect(ann?.entitlement).toMatchObject({ status: "active", plan: "pro" });
    expect(ann?.identities).toHaveLength(2);
    expect((await getCustomerByAppUserId(handle.db, "u_cat"))?.entitlement.status).toBe("none");
    expect(await getCustomerByAppUserId(handle.db, "u_nobody")).toBeNull();
  });
});
