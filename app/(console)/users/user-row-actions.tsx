"use client";
// Per-user controls on the Users page: change the role (then Save); after a confirmation, sign them out
// everywhere, reset their password (a temporary one shown once), or remove them.
import { useState, useTransition } from "react";
import { toast } from "sonner";
import type { Role } from "@/db/schema";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { changeRoleAction } from "@/lib/actions/change-role-action";
import { removeUserAction } from "@/lib/actions/remove-user-action";
import { resetPasswordAction } from "@/lib/actions/reset-password-action";
import { signOutUserAction } from "@/lib/actions/sign-out-user-action";
import { roleLabel } from "./role-help";

type UserRef = { id: string; email: string; role: Role };
const ROLES: Role[] = ["viewer", "admin", "owner"];

export function RoleControl({ user, isSelf, lastOwner }: { user: UserRef; isSelf: boolean; lastOwner: boolean }) {
  const [role, setRole] = useState<Role>(user.role);
  const [pending, start] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const id = `role-${user.id}`;
  const save = () =>
    start(async () => {
      const result = await changeRoleAction({ userId: user.id, role });
      setConfirming(false);
      if (result.ok) toast.success(result.message);
      else {
        toast.error(result.error);
        setRole(user.role);
      }
    });
  const selfDemotion = isSelf && user.role === "owner" && role !== "owner";
  return (
    <div className="flex items-center gap-1.5">
      <label htmlFor={id} className="sr-only">
        Role of {user.email}
      </label>
      <select
        id={id}
        value={role}
        onChange={(e) => setRole(e.target.value as Role)}
        disabled={pending || lastOwner}
        title={lastOwner ? "The last owner stays owner: make someone else owner first." : undefined}
        className="h-8 rounded-md border border-slate-300 bg-white px-2 text-sm text-slate-900 disabled:bg-slate-50 disabled:text-slate-500"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {roleLabel(r)}
          </option>
        ))}
      </select>
      {role !== user.role ? (
        <Button
          size="sm"
          variant="primary"
          disabled={pending}
          onClick={() => (selfDemotion ? setConfirming(true) : save())}
        >
          {pending ? "Saving…" : "Save"}
        </Button>
      ) : null}
      {lastOwner ? <span className="text-xs text-slate-500">Last owner</span> : null}
      <ConfirmDialog
        open={confirming}
        onClose={() => setConfirming(false)}
        onConfirm={save}
        title={`Make yourself ${role}?`}
        confirmLabel={`Make me ${role}`}
        confirmVariant="danger"
        busy={pending}
      >
        <p>You will no longer be able to manage users. Another owner can give the role back.</p>
      </ConfirmDialog>
    </div>
  );
}

export function RemoveUserButton({ user, isSelf, lastOwner }: { user: UserRef; isSelf: boolean; lastOwner: boolean }) {
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const blocked = isSelf ? "Can't remove yourself" : lastOwner ? "Last owner stays" : null;
  const remove = () =>
    start(async () => {
      const result = await removeUserAction({ userId: user.id });
      setOpen(false);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });
  if (blocked) return <span className="text-xs whitespace-nowrap text-slate-500">{blocked}</span>;
  return (
    <>
      <Button size="sm" variant="ghost" onClick={() => setOpen(true)} aria-label={`Remove ${user.email}`}>
        Remove
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={remove}
        title={`Remove ${user.email}?`}
        confirmLabel="Remove user"
        confirmVariant="danger"
        busy={pending}
      >
        <p>They lose access at once, including any open session. The audit log keeps what they did.</p>
      </ConfirmDialog>
    </>
  );
}

export function SignOutUserButton({ user, isSelf, sessions }: { user: UserRef; isSelf: boolean; sessions: number }) {
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const run = () =>
    start(async () => {
      const result = await signOutUserAction({ userId: user.id });
      setOpen(false);
      if (result.ok) toast.success(result.message);
      else toast.error(result.error);
    });
  if (sessions === 0) return null;
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        className="-ml-2.5 whitespace-nowrap"
        onClick={() => setOpen(true)}
        aria-label={`Sign out ${user.email} everywhere`}
      >
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={open}
        onClose={() => setOpen(false)}
        onConfirm={run}
        title={`Sign ${user.email} out everywhere?`}
        confirmLabel="Sign out everywhere"
        confirmVariant="danger"
        busy={pending}
      >
        <p>
          {isSelf
            ? "Every session of yours ends at once, this one included: you will sign in again."
            : `Their ${sessions} open session${sessions === 1 ? "" : "s"} end at once. They can sign in again with their password.`}
        </p>
      </ConfirmDialog>
    </>
  );
}

export function ResetPasswordButton({ user, isSelf }: { user: UserRef; isSelf: boolean }) {
  const [open, setOpen] = useState(false);
  const [pending, start] = useTransition();
  const [temporary, setTemporary] = useState<string | null>(null);
  const reset = () =>
    start(async () => {
      const result = await resetPasswordAction({ userId: user.id });
      if (result.ok) {
        setTemporary(result.temporaryPassword);
        toast.success(result.message);
      } else {
        setOpen(false);
        toast.error(result.error);
      }
    });
  const close = () => {
    setOpen(false);
    setTemporary(null);
  };
  if (isSelf) return null; // your own: the Account page (it asks for the current password)
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        onClick={() => setOpen(true)}
        aria-label={`Reset the password of ${user.email}`}
      >
        Reset password
      </Button>
      <ConfirmDialog
        open={open}
        onClose={close}
        onConfirm={temporary ? close : reset}
        title={temporary ? `Temporary password for ${user.email}` : `Reset the password of ${user.email}?`}
        confirmLabel={temporary ? "Done" : "Reset password"}
        confirmVariant={temporary ? "primary" : "danger"}
        busy={pending}
      >
        {temporary ? (
          <>
            <p>Shown this once: give it to them in person or through a password manager.</p>
            <code
              data-testid="temporary-password"
              className="block rounded-md bg-slate-100 px-3 py-2 font-mono text-base tracking-wide select-all"
            >
              {temporary}
            </code>
            <p>They choose their own password when they next sign in.</p>
          </>
        ) : (
          <p>
            Their current password stops working and every session of theirs ends. You get a temporary password to give
            them; they must change it at their next sign-in.
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
