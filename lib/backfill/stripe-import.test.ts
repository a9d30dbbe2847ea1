// The adoption import end to end (PGlite, the real Stripe and HubSpot SDKs against the sandboxes): customers
// who paid before the console was installed get their customer, entitlement and contact through the normal
// pipeline; a second pass changes nothing; a paused run resumes after the last page; one run at a time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { customers, entitlements, events } from "@/db/schema";
import { identityLink } from "@/db/queries/identities";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { IMPORTED_CUSTOMER_TYPE } from "@/lib/pipeline/handlers/stripe/customer-imported";
import { importProgress, importStripeCustomers } from "./stripe-import";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const customerOf = async (appUserId: string) =>
  (await h.db.select().from(customers).where(eq(customers.appUserId, appUserId)))[0];
const entitlementOf = async (customerId: string) =>
  (await h.db.select().from(entitlements).where(eq(entitlements.customerId, customerId)))[0];
const inFuture = (days: number) => Math.floor(Date.now() / 1000) + days * 86400;

describe("adoption import", () => {
  it("imports each Stripe customer through the pipeline, and a second pass changes nothing", async () => {
    const known = uid("u");
    await h.postApp(appEvent("user.signed_up", { userId: known, email: `${known}@example.com` }));
    await h.settle();
    const [a, b, c] = [uid("cus"), uid("cus"), uid("cus")];
    await control.seed(h.sandbox.stripe, [
      { object: "customer", id: a, email: `${known}@example.com`, metadata: { app_user_id: known } },
      { object: "customer", id: b, email: `${b}@example.com`, metadata: {} },
      { object: "customer", id: c, email: `${c}@example.com`, metadata: {} },
      {
        object: "subscription",
        id: `sub_${a}`,
        customer: a,
        status: "active",
        price: { id: "price_pro", lookup_key: "pro" },
        current_period_end: inFuture(20),
      },
      {
        object: "subscription",
        id: `sub_old_${b}`,
        customer: b,
        status: "canceled",
        price: { id: "price_pro", lookup_key: "pro" },
        current_period_end: inFuture(-40),
      },
      {
        object: "subscription",
        id: `sub_${b}`,
        customer: b,
        status: "trialing",
        price: { id: "price_team", lookup_key: "team" },
        current_period_end: inFuture(10),
      },
    ]);

    const first = await importStripeCustomers(h.db, h.services.stripe, { pageSize: 2 });
    expect(first).toMatchObject({ ok: true, done: true, alreadyHad: 0 });
    if (!first.ok) return;
    expect(first.stored).toBeGreaterThanOrEqual(3);
    await h.settle();

    const knownCustomer = (await customerOf(known))!;
    expect(await identityLink(h.db, knownCustomer.id, "stripe")).toMatchObject({ externalId: a, matchedBy: "id" });
    expect(await entitlementOf(knownCustomer.id)).toMatchObject({ status: "active", plan: "pro" });
    // A payer the app has not announced: provisional, with the live subscription (not the canceled one).
    const payer = (await customerOf(`stripe:${b}`))!;
    expect(payer).toMatchObject({ provisional: true });
    expect(await entitlementOf(payer.id)).toMatchObject({ status: "trialing", plan: "team" });
    // No subscription: a customer with no entitlement, and a HubSpot contact all the same.
    const noSub = (await customerOf(`stripe:${c}`))!;
    expect(await entitlementOf(noSub.id)).toBeUndefined();
    const contacts = (await control.state<HubspotState>(h.sandbox.hubspot)).contacts;
    expect(contacts.some((x) => x.properties.email === `${c}@example.com`)).toBe(true);
    const imported = await h.db.select().from(events).where(eq(events.type, IMPORTED_CUSTOMER_TYPE));
    expect(imported.every((e) => e.status === "succeeded" && e.arrivedVia === "import")).toBe(true);

    const writes = contacts.reduce((n, x) => n + x.writes, 0);
    const second = await importStripeCustomers(h.db, h.services.stripe, { pageSize: 2 });
    expect(second).toMatchObject({ ok: true, done: true, stored: 0 });
    await h.settle();
    const after = (await control.state<HubspotState>(h.sandbox.hubspot)).contacts;
    expect(after.reduce((n, x) => n + x.writes, 0)).toBe(writes);
    expect(await importProgress(h.db)).toMatchObject({ running: false, cursor: { done: true } });
  });

  it("a run that runs out of time pauses after a page and the next run goes on from there", async () => {
    await control.seed(
      h.sandbox.stripe,
      Array.from({ length: 5 }, () => ({ object: "customer", id: uid("cus"), email: `${uid("p")}@example.com` })),
    );
    const seen = new Set<string>();
    const enqueue = async (rows: { rawBody: string | null }[]) => {
      for (const r of rows) seen.add(JSON.parse(r.rawBody!).data.object.id);
    };
    const first = await importStripeCustomers(h.db, h.services.stripe, { pageSize: 2, timeBudgetMs: 0, enqueue });
    expect(first).toMatchObject({ ok: true, done: false, customers: 2 });
    let runs = 1;
    for (;;) {
      const next = await importStripeCustomers(h.db, h.services.stripe, { pageSize: 2, timeBudgetMs: 0, enqueue });
      runs++;
      expect(next.ok).toBe(true);
      if (next.ok && next.done) break;
      expect(runs).toBeLessThan(20);
    }
    expect(seen.size).toBe(5); // the new ones, each once; the pass read every customer once
    const progress = await importProgress(h.db);
    expect(progress.cursor).toMatchObject({ done: true, stored: 5 });
    await h.settle();
  });

  it("one run at a time: a second one at once is refused with 409", async () => {
    await control.seed(h.sandbox.stripe, [{ object: "customer", id: uid("cus"), email: `${uid("q")}@example.com` }]);
    const [x, y] = await Promise.all([
      importStripeCustomers(h.db, h.services.stripe, { pageSize: 1 }),
      importStripeCustomers(h.db, h.services.stripe, { pageSize: 1 }),
    ]);
    const outcomes = [x, y].map((r) => (r.ok ? "ran" : r.status)).sort();
    expect(outcomes).toEqual([409, "ran"].sort());
    await h.settle();
  });

  it("a Stripe failure keeps what was stored and says to run again", async () => {
    await control.fault(h.sandbox.stripe, { path: "/v1/customers", status: 500, times: "always" });
    const r = await importStripeCustomers(h.db, h.services.stripe, { pageSize: 1 });
    expect(r).toMatchObject({ ok: false, status: 502 });
    if (!r.ok) expect(r.error).toContain("Run the import again");
    await control.clearFaults(h.sandbox.stripe);
    expect((await importProgress(h.db)).running).toBe(false);
  });
});
