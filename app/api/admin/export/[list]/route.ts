// GET /api/admin/export/:list?<the list's filters>: the rows the filters select as a CSV download
// (customers, events, alerts, audit, deliveries), streamed page by page. Admin only: exports carry
// personal data (names, emails) out of the console. Over EXPORT_ROW_CAP rows answers 413 saying how to
// narrow it rather than a silently cut file; an unknown list 404, a bad filter 400; each export is audited.
import { withApiActor } from "@/lib/auth/access";
import { getDb } from "@/db";
import { audit } from "@/db/queries/audit";
import { csvStream } from "@/lib/csv/csv";
import { EXPORT_LISTS, EXPORT_ROW_CAP, isExportList, laterPages, prepareExport } from "@/lib/csv/exports";

type Context = { params: Promise<{ list: string }> };

export async function GET(req: Request, { params }: Context) {
  return withApiActor(req, "admin", async (actor) => {
    const { list } = await params;
    if (!isExportList(list))
      return Response.json(
        { error: `No list "${list}" to export: use one of ${EXPORT_LISTS.join(", ")}.` },
        { status: 404 },
      );
    const found = prepareExport(list, req);
    if ("error" in found) return found.error;
    const { columns, fetchPage } = found.prepared;
    const db = await getDb();
    const first = await fetchPage(db, 1);
    if (first.totalCapped)
      return Response.json(
        {
          error: `These filters select more than ${EXPORT_ROW_CAP.toLocaleString("en-US")} rows, the most one export holds. Narrow them (a date range, a status, a type) and export again.`,
        },
        { status: 413 },
      );
    const query = new URL(req.url).searchParams;
    query.delete("page");
    query.delete("perPage");
    await audit(db, actor, "export.csv", null, { list, rows: first.total, filters: Object.fromEntries(query) });
    const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
    return new Response(csvStream(columns, laterPages(db, fetchPage, first)), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${list}-${stamp}.csv"`,
        "cache-control": "no-store",
        "x-export-rows": String(first.total),
      },
    });
  });
}
