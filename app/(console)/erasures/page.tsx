// Erasures: every account deletion and erasure request (from the app's user.deleted or an owner in the console),
// newest first, each with its status and the systems done; the receipt one click away.
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/db";
import { listErasures } from "@/db/queries/erasures";
import { requirePageActor } from "@/lib/auth/access";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { buttonClasses } from "@/components/ui/button";
import { erasureListRow } from "@/components/erasure/receipt";
import { ErasuresList } from "@/components/erasure/erasures-list";

export const metadata: Metadata = { title: "Erasures" };

const PER_PAGE = 50;

export default async function ErasuresPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const query = await searchParams;
  const raw = Number([query.page ?? "1"].flat()[0]);
  const page = Number.isInteger(raw) && raw >= 1 && raw <= 10_000 ? raw : 1;
  await requirePageActor("viewer", page > 1 ? `/erasures?page=${page}` : "/erasures");
  const { rows, total } = await listErasures(await getDb(), { limit: PER_PAGE, offset: (page - 1) * PER_PAGE });
  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  return (
    <>
      <PageHeader
        title="Erasures"
        description="Account deletions and erasure requests, newest first. Each erases the person in HubSpot, the support tool, Stripe and here, and leaves a receipt you can send them."
      />
      {rows.length === 0 ? (
        <EmptyState title={page > 1 ? "No erasures on this page" : "No erasures yet"}>
          {page > 1 ? (
            <Link href="/erasures" className="font-medium underline">
              Back to the first page
            </Link>
          ) : (
            "When your app sends user.deleted, or an owner uses “Erase this person” on a customer's page, the erasure and its receipt appear here."
          )}
        </EmptyState>
      ) : (
        <>
          <ErasuresList rows={rows.map(erasureListRow)} />
          {pages > 1 ? (
            <nav aria-label="Pages" className="mt-4 flex items-center justify-between text-sm text-slate-600">
              <span>
                Page {page} of {pages} · {total} erasures
              </span>
              <span className="flex gap-2">
                {page > 1 ? (
                  <Link href={`/erasures?page=${page - 1}`} className={buttonClasses("secondary", "sm")}>
                    Previous
                  </Link>
                ) : null}
                {page < pages ? (
                  <Link href={`/erasures?page=${page + 1}`} className={buttonClasses("secondary", "sm")}>
                    Next
                  </Link>
                ) : null}
              </span>
            </nav>
          ) : null}
        </>
      )}
    </>
  );
}
