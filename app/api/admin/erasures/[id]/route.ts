// GET /api/admin/erasures/:id — one erasure's receipt: `{ erasureId, status (running|completed|failed),
// requestedAt, requestedBy, reason, completedAt, stripeCancel, eventId, systems: [{ system, label, status,
// action, at, confirmationId, held, error }] }`, one line per system. `?download=1` answers it as a file
// (`erasure-<id>.json`) for the founder to send to the person. Viewer and up (it names no one: the person is
// only a hash by then); 404 for an unknown id.
import { getDb } from "@/db";
import { getErasure } from "@/db/queries/erasures";
import { isUuid } from "@/db/queries/events";
import { withApiActor } from "@/lib/auth/access";
import { buildReceipt } from "@/components/erasure/receipt";

type Params = { params: Promise<{ id: string }> };

export async function GET(req: Request, { params }: Params) {
  return withApiActor(req, "viewer", async () => {
    const { id } = await params;
    const detail = isUuid(id) ? await getErasure(await getDb(), id) : null;
    if (!detail) return Response.json({ error: `No erasure with id "${id}".` }, { status: 404 });
    const receipt = buildReceipt(detail);
    const download = new URL(req.url).searchParams.get("download") === "1";
    return new Response(JSON.stringify(receipt, null, download ? 2 : undefined), {
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        ...(download ? { "content-disposition": `attachment; filename="erasure-${receipt.erasureId}.json"` } : {}),
      },
    });
  });
}
