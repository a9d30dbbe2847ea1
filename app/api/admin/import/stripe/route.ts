// POST /api/admin/import/stripe — the adoption import: reads Stripe's customers (about 20 s per call; call again
// while `done` is false, it goes on from the last page) and queues one pipeline event per customer:
// `{ customers, stored, alreadyHad, done, message }`. 409 while another run holds it. Admin role.
// GET — where it stands: `{ cursor, running, lastRunAt, events }` (the imported customers' events by status).
import { getDb } from "@/db";
import { withApiActor } from "@/lib/auth/access";
import { importProgress, importStripeNow } from "@/lib/backfill/stripe-import";
import { failureResponse } from "@/lib/result";

export async function POST(req: Request) {
  return withApiActor(req, "admin", async (actor) => {
    const result = await importStripeNow(actor);
    if (!result.ok) return failureResponse(result);
    const { ok: _, ...summary } = result;
    return Response.json(summary);
  });
}

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => Response.json(await importProgress(await getDb())));
}
