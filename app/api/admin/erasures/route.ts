// GET /api/admin/erasures?page=&perPage= — erasures, newest first: `{ rows: [{ erasureId, status, requestedAt,
// requestedBy, reason, completedAt, systems: [{ system, label, held, at }] }], total, page, perPage }`.
// `systems` are the systems done so far (the receipt's lines). Viewer and up; 400 naming a bad page or perPage.
import { z } from "zod";
import { getDb } from "@/db";
import { listErasures } from "@/db/queries/erasures";
import { withApiActor } from "@/lib/auth/access";
import { fail, failureResponse } from "@/lib/result";
import { formatIssues } from "@/lib/schemas/issues";
import { MAX_PER_PAGE } from "@/lib/schemas/table-params";
import { erasureListRow } from "@/components/erasure/receipt";

const query = z
  .object({
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    perPage: z.coerce.number().int().min(1).max(MAX_PER_PAGE).default(25),
  })
  .strict();

export async function GET(req: Request) {
  return withApiActor(req, "viewer", async () => {
    const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
    if (!parsed.success)
      return failureResponse(
        fail(
          400,
          `Invalid query: page (1 or more) and perPage (1-${MAX_PER_PAGE}) only (${formatIssues(parsed.error)}).`,
        ),
      );
    const { page, perPage } = parsed.data;
    const { rows, total } = await listErasures(await getDb(), { limit: perPage, offset: (page - 1) * perPage });
    return Response.json({ rows: rows.map(erasureListRow), total, page, perPage });
  });
}
