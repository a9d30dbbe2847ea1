// The Stripe backfill cron (Inngest): runs the backfill when due, then waits out STRIPE_BACKFILL_MINUTES.
import { InngestTestEngine } from "@inngest/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as control from "@/sandbox/client";
import { syncCursors } from "@/db/schema";
import { type Harness, startHarness, stripeEvent, uid } from "@/test/harness";
import { functions } from "./index";
import { stripeBackfillFunction } from "./stripe-backfill";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.db.delete(syncCursors);
});
afterAll(() => h?.close());

const tick = () =>
  new InngestTestEngine({
    function: stripeBackfillFunction,
    events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
  }).execute();

describe("stripe-backfill (Inngest cron)", () => {
  it("is served, reads missed events when due, and skips until the next period", async () => {
    expect(functions).toContain(stripeBackfillFunction);
    const event = stripeEvent(
      "invoice.paid",
      { id: uid("in"), object: "invoice" },
      { created: Math.floor(Date.now() / 1000) - 60 },
    );
    await control.seed(h.sandbox.stripe, { ...event, object: "event" });
    const first = await tick();
    expect(first.error).toBeUndefined();
    expect(first.result).toMatchObject({ ok: true, fetched: 1, stored: 1, alreadyHad: 0 });
    await h.settle();
    const second = await tick();
    expect(second.result).toMatchObject({ ok: true, ran: false, reason: "not due yet" });
  });
});
