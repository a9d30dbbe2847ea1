import type { Metadata } from "next";
import { asc } from "drizzle-orm";
import { getDb } from "@/db";
import { users } from "@/db/schema";
import { requirePageActor } from "@/lib/access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";

export const metadata: Metadata = { title: "Users" };

const ROLE_HELP = {
  owner: "Everything, including managing users",
  admin: "Replays, links, acknowledges alerts",
  viewer: "Reads everything, changes nothing",
} as const;

export default async function UsersPage() {
  await requirePageActor("owner", "/users");
  const db = await getDb();
  const rows = await db
    .select({ id: users.id, email: users.email, name: users.name, role: users.role, lastSignInAt: users.lastSignInAt, createdAt: users.createdAt })
    .from(users)
    .orderBy(asc(users.createdAt));
  return (
    <>
      <PageHeader title="Users" description="Who can open this console, and what each role may do." />
      {rows.length === 0 ? (
        <EmptyState title="No users yet">The owner account is created from ADMIN_EMAIL and ADMIN_PASSWORD at start-up.</EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-600 uppercase">
              <tr>
                <th scope="col" className="px-4 py-3">Email</th>
                <th scope="col" className="px-4 py-3">Role</th>
                <th scope="col" className="px-4 py-3">Last sign-in</th>
                <th scope="col" className="px-4 py-3">Added</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((u) => (
                <tr key={u.id}>
                  <td className="px-4 py-3 font-medium">{u.email}</td>
                  <td className="px-4 py-3">
                    <span className="capitalize">{u.role}</span>
                    <span className="ml-2 text-slate-500">{ROLE_HELP[u.role]}</span>
                  </td>
                  <td className="px-4 py-3 text-slate-600">{u.lastSignInAt ? u.lastSignInAt.toLocaleString("en-GB", { timeZone: "UTC" }) + " UTC" : "Never"}</td>
                  <td className="px-4 py-3 text-slate-600">{u.createdAt.toLocaleDateString("en-GB", { timeZone: "UTC" })}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
