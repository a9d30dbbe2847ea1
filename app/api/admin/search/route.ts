// GET /api/admin/search?q=: the global search (⌘K) behind the console's palette. Finds customers by app
// user id, email, an external id (Stripe cus_…, HubSpot, Zendesk) or part of their name or email, and
// events by our id, the source's id (evt_…) or a correlation id. Viewer or above (the same people who
// can open those pages); a missing or overlong q answers 400.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { searchCustomers } from "@/db/queries/customers";
import { findEventsById } from "@/db/queries/events";

const MAX_QUERY_LENGTH = 200;

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const q = new URL(req.url).searchParams.get("q")?.trim() ?? "";
    if (!q)
      return Response.json(
        { error: "q is required: a name, email, app user id, Stripe id or event id." },
        { status: 400 },
      );
    if (q.length > MAX_QUERY_LENGTH)
      return Response.json({ error: `q is too long (at most ${MAX_QUERY_LENGTH} characters).` }, { status: 400 });
    const db = await getDb();
    const [customers, events] = await Promise.all([searchCustomers(db, q), findEventsById(db, q)]);
    return Response.json({
      q,
      customers: customers.map((c) => ({ ...c, href: `/customers/${encodeURIComponent(c.appUserId)}` })),
      events: events.map((e) => ({ ...e, href: `/events/${e.id}` })),
    });
  });
}
