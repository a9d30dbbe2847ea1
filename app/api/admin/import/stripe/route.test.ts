// POST /api/admin/import/stripe: admin only (401 without credentials, 403 for a viewer's session), then one
// run of the adoption import against the Stripe sandbox, audited; GET answers where it stands.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import * as control from "@/sandbox/client";
import { adminToken, createRoleUsers, sessionHeaders } from "@/test/admin-route";
import { type Harness, startHarness, uid } from "@/test/harness";
import { GET, POST } from "./route";

let h: Harness;
let viewerId: string;
beforeAll(async () => {
  h = await startHarness();
  ({ viewer: viewerId } = await createRoleUsers(h.db, ["viewer"]));
  await resetRateLimits();
});
afterAll(() => h?.close());

const url = "http://127.0.0.1:3000/api/admin/import/stripe";
const bearer = adminToken();

describe("/api/admin/import/stripe", () => {
  it("refuses without credentials (401) and a viewer (403), reading nothing from Stripe", async () => {
    expect((await POST(new Request(url, { method: "POST" }))).status).toBe(401);
    const viewer = await POST(new Request(url, { method: "POST", headers: await sessionHeaders(h.db, viewerId) }));
    expect(viewer.status).toBe(403);
    expect(await control.requests(h.sandbox.stripe, { path: "/v1/customers" })).toEqual([]);
  });

  it("runs the import, audits it, and GET shows the progress", async () => {
    const cus = uid("cus");
    await control.seed(h.sandbox.stripe, [{ object: "customer", id: cus, email: `${cus}@example.com` }]);
    const res = await POST(new Request(url, { method: "POST", headers: bearer }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ customers: 1, stored: 1, alreadyHad: 0, done: true });
    await h.settle();
    const [entry] = await h.db.select().from(auditLog).where(eq(auditLog.action, "stripe.import"));
    expect(entry).toMatchObject({ details: { customers: 1, stored: 1, done: true } });
    const progress = await GET(new Request(url, { headers: bearer }));
    expect(await progress.json()).toMatchObject({ running: false, cursor: { done: true }, events: { succeeded: 1 } });
  });
});
