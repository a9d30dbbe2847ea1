// Users (owners only): who can open this console with which role; add, change a role, remove.
import type { Metadata } from "next";
import { getDb } from "@/db";
import { listUsers } from "@/db/queries/users";
import { countActiveSessionsByUser } from "@/db/queries/user-sessions";
import { SESSION_MAX_AGE } from "@/lib/auth/next-auth";
import { requirePageActor } from "@/lib/auth/access";
import { PageHeader } from "@/components/ui/page-header";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { AddUserForm } from "./add-user-form";
import { ROLE_HELP } from "./role-help";
import { RemoveUserButton, ResetPasswordButton, RoleControl, SignOutUserButton } from "./user-row-actions";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const actor = await requirePageActor("owner", "/users");
  const db = await getDb();
  const [rows, sessions] = await Promise.all([
    listUsers(db),
    countActiveSessionsByUser(db, new Date(Date.now() - SESSION_MAX_AGE * 1000)),
  ]);
  const owners = rows.filter((u) => u.role === "owner").length;
  return (
    <>
      <PageHeader
        title="Users"
        description="Who can open this console, and what each role may do. Changes take effect on their next click."
      />
      <div className="flex flex-col gap-6">
        <AddUserForm />
        {rows.length === 0 ? (
          <EmptyState title="No users yet">
            The owner account is created from ADMIN_EMAIL and ADMIN_PASSWORD at start-up.
          </EmptyState>
        ) : (
          <div className="relative overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Console users</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium tracking-wide whitespace-nowrap text-slate-600 uppercase">
                <tr>
                  <th scope="col" className="px-4 py-2.5">
                    User
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Role
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Last sign-in
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Sessions
                  </th>
                  <th scope="col" className="px-4 py-2.5">
                    Added
                  </th>
                  <th scope="col" className="px-4 py-2.5 text-right">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map((u) => {
                  const isSelf = u.id === actor.id;
                  const lastOwner = u.role === "owner" && owners <= 1;
                  const open = sessions.get(u.id) ?? 0;
                  return (
                    <tr key={u.id} data-email={u.email}>
                      <th scope="row" className="px-4 py-3 font-medium">
                        {u.email}
                        {isSelf ? <span className="ml-2 text-xs font-normal text-slate-500">(you)</span> : null}
                        {u.name ? <span className="block text-xs font-normal text-slate-500">{u.name}</span> : null}
                      </th>
                      <td className="px-4 py-3">
                        <RoleControl key={u.role} user={u} isSelf={isSelf} lastOwner={lastOwner} />
                        <span className="mt-1 block text-xs text-slate-500">{ROLE_HELP[u.role]}</span>
                      </td>
                      <td className="px-4 py-3 text-slate-600">
                        {u.lastSignInAt ? <RelativeTime date={u.lastSignInAt} /> : "Never"}
                        {u.mustChangePassword ? (
                          <span className="block text-xs text-amber-700">Temporary password</span>
                        ) : null}
                      </td>
                      <td className="px-4 py-3 text-slate-600" data-sessions={open}>
                        <span className="block whitespace-nowrap">{open === 0 ? "None open" : `${open} open`}</span>
                        <SignOutUserButton user={u} isSelf={isSelf} sessions={open} />
                      </td>
                      <td className="px-4 py-3 text-slate-600">
                        <RelativeTime date={u.createdAt} />
                      </td>
                      <td className="px-4 py-3">
                        <div className="flex flex-wrap justify-end gap-1">
                          <ResetPasswordButton user={u} isSelf={isSelf} />
                          <RemoveUserButton user={u} isSelf={isSelf} lastOwner={lastOwner} />
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
