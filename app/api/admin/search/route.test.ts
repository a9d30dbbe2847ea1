// GET /api/admin/search: the ⌘K palette's search. Signed-in users only; finds a customer by name, email, app
// user id or Stripe id and an event by our id, its source id or correlation id; q required and bounded.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setDbHandle, type DbHandle } from "@/db";
import { createTestDb } from "@/db/test-db";
import { customers, events, identities } from "@/db/schema";
import { resetRateLimits } from "@/lib/auth/rate-limit";
import { adminToken } from "@/test/admin-route";
import { GET } from "./route";

type Hits = {
  error?: string;
  customers: { appUserId: string; name: string | null; matchedId: string | null; href: string }[];
  events: { href: string }[];
};

let handle: DbHandle;
let eventId: string;

beforeAll(async () => {
  handle = await createTestDb();
  setDbHandle(handle);
  const [ada, grace] = await handle.db
    .insert(customers)
    .values([
      { appUserId: "u_ada", email: "ada@example.com", name: "Ada Lovelace" },
      { appUserId: "u_grace", email: "grace@navy.example", name: "Grace Hopper" },
    ])
    .returning();
  await handle.db
    .insert(identities)
    .values({ customerId: grace!.id, system: "stripe", externalId: "cus_GRACE1", matchedBy: "id" });
  const [event] = await handle.db
    .insert(events)
    .values({
      source: "stripe",
      externalId: "evt_1Abc",
      type: "invoice.paid",
      correlationId: "corr_xyz",
      customerId: ada!.id,
    })
    .returning();
  eventId = event!.id;
}, 180_000); // a migrated PGlite clone and two password hashes: slow on a busy machine
afterAll(() => handle?.close());
beforeEach(async () => {
  await resetRateLimits();
});

async function search(q: string | null, headers: Record<string, string> = adminToken()) {
  const url =
    q === null
      ? "http://127.0.0.1:3000/api/admin/search"
      : `http://127.0.0.1:3000/api/admin/search?q=${encodeURIComponent(q)}`;
  const res = await GET(new Request(url, { headers }));
  return { status: res.status, body: (await res.json()) as Hits };
}

describe("GET /api/admin/search", () => {
  it("refuses without a session or token (401)", async () => {
    expect((await search("ada", {})).status).toBe(401);
    expect((await search("ada", { authorization: "Bearer wrong-token-0000000000000" })).status).toBe(401);
  });

  it("answers 400 naming the problem for a missing or overlong q", async () => {
    const missing = await search(null);
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatch(/q is required/);
    expect((await search("   ")).status).toBe(400);
    const long = await search("x".repeat(201));
    expect(long.status).toBe(400);
    expect(long.body.error).toMatch(/too long/);
  });

  it("finds a customer by part of the name, the email, the app user id or a Stripe id, names first", async () => {
    for (const q of ["lovelace", "ADA@example.com", "u_ada"]) {
      const { body } = await search(q);
      expect(
        body.customers.map((c) => c.appUserId),
        q,
      ).toEqual(["u_ada"]);
    }
    const { body } = await search("cus_GRACE1");
    expect(body.customers).toEqual([
      expect.objectContaining({
        name: "Grace Hopper",
        appUserId: "u_grace",
        matchedId: "cus_GRACE1",
        href: "/customers/u_grace",
      }),
    ]);
  });

  it("finds an event by our id, the source's id or the correlation id", async () => {
    for (const q of [eventId, "evt_1Abc", "corr_xyz"]) {
      const { body } = await search(q);
      expect(
        body.events.map((e) => e.href),
        q,
      ).toEqual([`/events/${eventId}`]);
    }
  });

  it("answers empty lists when nothing matches, and does not substring-search two letters", async () => {
    const { status, body } = await search("zzz-nobody");
    expect(status).toBe(200);
    expect(body).toMatchObject({ customers: [], events: [] });
    expect((await search("ov")).body.customers).toEqual([]);
  });
});
