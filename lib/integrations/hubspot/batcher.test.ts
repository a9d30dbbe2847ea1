// Coalesced HubSpot contact writes against the HubSpot sandbox, with the real @hubspot/api-client: concurrent
// upserts leave as batch upserts of up to 100, each caller gets its own contact id or its own error, and a
// batch the steps see fail (429, 500) is retried by them to one contact per user.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as control from "@/sandbox/client";
import type { HubspotState } from "@/sandbox/client";
import { startSandbox, type Sandbox } from "@/sandbox";
import { events, eventSteps } from "@/db/schema";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";
import { IntegrationError } from "../errors";
import { HubspotService } from "./client";

const TOKEN = "pat-batcher-suite";
const UPSERT = "/crm/v3/objects/contacts/batch/upsert";

describe("ContactBatcher with the HubSpot sandbox", () => {
  let sandbox: Sandbox;
  let hubspot: HubspotService;
  beforeAll(async () => {
    sandbox = await startSandbox({ hubspotToken: TOKEN });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    await control.reset(sandbox.hubspot);
    hubspot = new HubspotService({ accessToken: TOKEN, baseUrl: sandbox.hubspot.url, batch: { lingerMs: 20 } });
  });

  const write = (userId: string, email = `${userId}@example.com`, plan = "free") =>
    hubspot.upsertContact(
      { appUserId: userId, email, properties: { app_plan: plan, lifecyclestage: "lead" } },
      { correlationId: `corr-${userId}` },
    );
  const contacts = async () => (await control.state<HubspotState>(sandbox.hubspot)).contacts;

  it("250 concurrent upserts leave as 3 batch upserts, each caller with its own contact id", async () => {
    const users = Array.from({ length: 250 }, (_, i) => uid(`b${i}`));
    const ids = await Promise.all(users.map((u) => write(u)));
    const upserts = await control.requests(sandbox.hubspot, { path: UPSERT });
    expect(upserts.length).toBe(3);
    expect(upserts.map((r) => (r.body as { inputs: unknown[] }).inputs.length).sort((a, b) => a - b)).toEqual([
      50, 100, 100,
    ]);
    // Each batch carries one correlation id: one of its members'.
    for (const r of upserts) expect(r.headers["x-correlation-id"]).toMatch(/^corr-b/);
    const all = await contacts();
    expect(all).toHaveLength(250);
    const byUser = new Map(all.map((c) => [c.properties.app_user_id, c.id]));
    expect(ids).toEqual(users.map((u) => byUser.get(u)));
    expect(new Set(ids).size).toBe(250);
  });

  it("one invalid email fails only its own write: the batch is split down to it", async () => {
    const users = Array.from({ length: 20 }, (_, i) => uid(`v${i}`));
    const results = await Promise.allSettled(users.map((u, i) => (i === 7 ? write(u, "not-an-email") : write(u))));
    expect(results.map((r) => r.status)).toEqual(users.map((_, i) => (i === 7 ? "rejected" : "fulfilled")));
    const error = (results[7] as PromiseRejectedResult).reason as IntegrationError;
    expect(error).toBeInstanceOf(IntegrationError);
    expect(error).toMatchObject({ service: "hubspot", status: 400, transient: false });
    expect(error.message).toContain("not-an-email");
    const all = await contacts();
    expect(all).toHaveLength(19);
    // Halving 20 → 10 → 5 → 3 → 2 → 1: a handful of calls, not one per input.
    expect((await control.requests(sandbox.hubspot, { path: UPSERT })).length).toBeLessThanOrEqual(12);
  });

  it("two writes of one user in one batch are merged (later values win) and both get the same id", async () => {
    const a = uid("dup");
    const others = Array.from({ length: 5 }, (_, i) => uid(`o${i}`));
    const [first, second, ...rest] = await Promise.all([
      write(a, `${a}@example.com`, "free"),
      write(a, `${a}@example.com`, "pro"),
      ...others.map((u) => write(u)),
    ]);
    expect(first).toBe(second);
    expect(rest).toHaveLength(5);
    const upserts = await control.requests(sandbox.hubspot, { path: UPSERT });
    expect(upserts).toHaveLength(1);
    expect((upserts[0]!.body as { inputs: unknown[] }).inputs).toHaveLength(6);
    const contact = (await contacts()).find((c) => c.properties.app_user_id === a)!;
    expect(contact.properties.app_plan).toBe("pro");
    expect(hubspot.batcher.stats.merged).toBe(1);
  });

  it("writes keyed by email (payers the app has not announced) go in a batch of their own", async () => {
    const emails = Array.from({ length: 4 }, () => `${uid("payer")}@example.com`);
    const users = Array.from({ length: 4 }, (_, i) => uid(`k${i}`));
    const ids = await Promise.all([
      ...emails.map((email) => hubspot.upsertContact({ appUserId: null, email, properties: { app_plan: "pro" } })),
      ...users.map((u) => write(u)),
    ]);
    expect(new Set(ids).size).toBe(8);
    const upserts = await control.requests(sandbox.hubspot, { path: UPSERT });
    expect(upserts).toHaveLength(2);
    const keys = upserts.map((r) => [
      ...new Set((r.body as { inputs: { idProperty: string }[] }).inputs.map((i) => i.idProperty)),
    ]);
    expect(keys.sort()).toEqual([["app_user_id"], ["email"]]);
  });

  it("a contact made elsewhere with the same email is adopted, and its batch-mates still succeed", async () => {
    const taken = `${uid("form")}@example.com`;
    const [existing] = await control.seed<{ id: string }>(sandbox.hubspot, {
      object: "contact",
      properties: { email: taken },
    });
    const users = Array.from({ length: 6 }, (_, i) => uid(`f${i}`));
    const ids = await Promise.all(users.map((u, i) => (i === 2 ? write(u, taken) : write(u))));
    expect(ids[2]).toBe(existing!.id);
    expect(new Set(ids).size).toBe(6);
    expect(await contacts()).toHaveLength(6);
  });

  it("a 429 or 500 on the batch is every member's transient error (the steps retry it)", async () => {
    await control.fault(sandbox.hubspot, [
      { path: UPSERT, status: 429 },
      { path: UPSERT, status: 500 },
    ]);
    for (const status of [429, 500]) {
      const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => write(uid(`t${status}_${i}`))));
      for (const r of results) {
        expect(r.status).toBe("rejected");
        expect((r as PromiseRejectedResult).reason).toMatchObject({ status, transient: true });
      }
    }
    expect(await contacts()).toHaveLength(0);
  });

  it("a deleted property is created again and the whole batch written once more", async () => {
    await Promise.all([write(uid("p0")), write(uid("p1"))]);
    await fetch(`${sandbox.hubspot.url}/crm/v3/properties/contacts/app_plan`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const ids = await Promise.all(Array.from({ length: 3 }, (_, i) => write(uid(`q${i}`), undefined, "pro")));
    expect(new Set(ids).size).toBe(3);
    expect(await contacts()).toHaveLength(5);
  });
});

describe("sync-crm steps through the batcher", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h?.close());

  it("a burst of signups: a 429 and a 500 on the first batches are retried by the steps, one contact each", async () => {
    await control.fault(h.sandbox.hubspot, [
      { path: UPSERT, status: 429, retryAfter: 0 },
      { path: UPSERT, status: 500 },
    ]);
    const users = Array.from({ length: 24 }, (_, i) => uid(`s${i}`));
    const posted = await Promise.all(
      users.map((u) => h.postApp(appEvent("user.signed_up", { userId: u, email: `${u}@example.com` }))),
    );
    await h.settle();
    const all = (await control.state<HubspotState>(h.sandbox.hubspot)).contacts.filter((c) =>
      users.includes(String(c.properties.app_user_id)),
    );
    expect(all).toHaveLength(24);
    for (const [i, p] of posted.entries()) {
      const [row] = await h.db
        .select()
        .from(events)
        .where(eq(events.id, String(p.body.id)));
      expect(row!.status).toBe("succeeded");
      const [step] = await h.db
        .select()
        .from(eventSteps)
        .where(and(eq(eventSteps.eventId, row!.id), eq(eventSteps.step, "sync-crm")));
      // Each step recorded its own contact.
      expect(step!.externalRef).toBe(all.find((c) => c.properties.app_user_id === users[i])!.id);
    }
    // Fewer calls than events: concurrent events share batch upserts.
    const upserts = await control.requests(h.sandbox.hubspot, { path: UPSERT });
    expect(upserts.length).toBeLessThan(24);
  });
});
