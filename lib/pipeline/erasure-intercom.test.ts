// An erasure with SUPPORT_PROVIDER=intercom: the person's Intercom contact is deleted through the real
// intercom-client against the sandbox, and the receipt has an Intercom line (no Zendesk line: never used).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { customers, erasures, events, identities } from "@/db/schema";
import { appEvent, startHarness, uid, type Harness } from "@/test/harness";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ supportProvider: "intercom" });
});
afterAll(() => h?.close());
beforeEach(() => h.sandbox.reset());

describe("user.deleted with Intercom", () => {
  it("deletes the Intercom contact and says so on the receipt", async () => {
    const userId = uid("u");
    const email = `${userId}@example.com`;
    await h.postApp(appEvent("user.signed_up", { userId, email, name: "Ada Lovelace" }));
    await h.postApp(
      appEvent("support.requested", { requestId: uid("req"), userId, email, subject: "Hi", message: "Help me" }),
    );
    await h.settle();
    const [customer] = await h.db.select().from(customers).where(eq(customers.appUserId, userId));
    const [link] = await h.db
      .select()
      .from(identities)
      .where(and(eq(identities.customerId, customer!.id), eq(identities.system, "intercom")));
    const contactId = link!.externalId;
    expect(h.sandbox.intercom.service.contacts.has(contactId)).toBe(true);

    const e = appEvent("user.deleted", { userId, requestedAt: new Date().toISOString() });
    await h.postApp(e);
    await h.settle();
    const [event] = await h.db.select().from(events).where(eq(events.externalId, e.id));
    expect(event!.status).toBe("succeeded");
    expect(h.sandbox.intercom.service.contacts.has(contactId)).toBe(false);
    const [erasure] = await h.db.select().from(erasures).where(eq(erasures.eventId, event!.id));
    const lines = Object.fromEntries(erasure!.receipt.map((l) => [l.system, l]));
    expect(lines.intercom).toMatchObject({ held: true, confirmationId: contactId, action: "Contact deleted" });
    expect(lines.zendesk).toBeUndefined();
  });
});
