// The drift admin API: 401 without credentials, the list with the console's params, check now and repair
// (one or all) through the same operations as the console's buttons, against the sandboxes.
import { Client } from "@hubspot/api-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { customerByAppUserId, identityOf } from "@/db/queries/identities";
import { driftFindings } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { env } from "@/lib/env";
import { adminToken } from "@/test/admin-route";
import { type Harness, appEvent, startHarness, uid } from "@/test/harness";
import { POST as check } from "./check/route";
import { POST as repair } from "./repair/route";
import { GET } from "./route";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());
beforeEach(async () => {
  await resetRateLimits();
  await h.sandbox.reset();
  await h.db.delete(driftFindings);
});

const auth = adminToken();
const url = (path: string) => `http://127.0.0.1:3000/api/admin/drift${path}`;
async function call(handler: (req: Request) => Promise<Response>, req: Request) {
  const res = await handler(req);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const post = (path: string, body: string | undefined, headers: Record<string, string> = auth) =>
  new Request(url(path), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });

describe("/api/admin/drift", () => {
  it("answers 401 without credentials, on every route", async () => {
    expect((await call(GET, new Request(url("")))).status).toBe(401);
    expect((await call(check, post("/check", undefined, {}))).status).toBe(401);
    expect((await call(repair, post("/repair", '{"all":true}', {}))).status).toBe(401);
  });

  it("checks, lists and repairs a HubSpot field edited by hand", async () => {
    const userId = uid("u");
    await h.postApp(appEvent("user.signed_up", { userId, email: `${userId}@example.com`, name: "Grace Hopper" }));
    await h.settle();
    const customer = (await customerByAppUserId(h.db, userId))!;
    const contactId = (await identityOf(h.db, customer.id, "hubspot"))!;
    const hubspot = new Client({ accessToken: env.HUBSPOT_ACCESS_TOKEN, basePath: h.sandbox.hubspot.url });
    await hubspot.crm.contacts.basicApi.update(contactId, { properties: { lifecyclestage: "customer" } });

    const checked = await call(check, post("/check", undefined));
    expect(checked.status).toBe(200);
    expect(checked.body).toMatchObject({ opened: 1 });

    const list = await call(GET, new Request(url("?system=hubspot&perPage=10"), { headers: auth }));
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1 });
    const [row] = list.body.rows as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ appUserId: userId, field: "lifecyclestage", expected: "lead", actual: "customer" });
    expect((await call(GET, new Request(url("?system=nope"), { headers: auth }))).status).toBe(400);

    expect((await call(repair, post("/repair", '{"id":"not-a-uuid"}'))).status).toBe(400);
    const repaired = await call(repair, post("/repair", JSON.stringify({ id: row!.id })));
    expect(repaired).toMatchObject({ status: 200, body: { repaired: 1, failed: 0 } });
    expect((await call(GET, new Request(url(""), { headers: auth }))).body).toMatchObject({ total: 0, rows: [] });
    expect((await call(repair, post("/repair", '{"all":true}'))).body).toMatchObject({ repaired: 0, failed: 0 });
  });
});
