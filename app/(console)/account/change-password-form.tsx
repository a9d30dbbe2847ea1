"use client";
// "Change your password": the current one (checked), the new one twice; errors sit next to their field and the
// form works from the keyboard alone (labels, Enter submits, the first wrong field gets the focus).
import { useActionState, useEffect, useRef } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { changePasswordAction, type ChangePasswordState } from "@/lib/actions/change-password-action";

const control =
  "h-9 w-full rounded-md border bg-white px-2.5 text-sm text-slate-900 shadow-xs focus-visible:border-indigo-500";
const FIELDS = ["currentPassword", "newPassword", "confirmPassword"] as const;

export function ChangePasswordForm({ mustChange }: { mustChange: boolean }) {
  const [state, action, pending] = useActionState<ChangePasswordState, FormData>(changePasswordAction, {});
  const form = useRef<HTMLFormElement>(null);
  const router = useRouter();
  useEffect(() => {
    if (!state.at) return;
    if (state.ok) {
      toast.success(state.message);
      form.current?.reset();
      router.refresh();
    } else {
      if (!state.fieldErrors) toast.error(state.error);
      const first = FIELDS.find((f) => state.fieldErrors?.[f]);
      if (first) form.current?.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
    }
  }, [state, router]);
  const err = state.ok === false ? (state.fieldErrors ?? {}) : {};

  return (
    <form
      ref={form}
      action={action}
      noValidate
      aria-labelledby="change-password-title"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="change-password-title" className="text-base font-semibold">
        {mustChange ? "Choose your password" : "Change your password"}
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">
        At least 12 characters (at most 72 bytes). Your other sessions are signed out when it changes.
      </p>
      {state.ok ? (
        <p role="status" className="mt-3 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {state.message}
        </p>
      ) : null}
      <div className="mt-4 grid max-w-md gap-4">
        <PasswordField
          name="currentPassword"
          label={mustChange ? "Temporary password" : "Current password"}
          autoComplete="current-password"
          error={err.currentPassword}
        />
        <PasswordField
          name="newPassword"
          label="New password"
          autoComplete="new-password"
          error={err.newPassword}
          hint="12 or more characters; not the current one."
        />
        <PasswordField
          name="confirmPassword"
          label="New password again"
          autoComplete="new-password"
          error={err.confirmPassword}
        />
        <div>
          <Button type="submit" variant="primary" disabled={pending} aria-busy={pending}>
            {pending ? "Changing…" : "Change password"}
          </Button>
        </div>
      </div>
    </form>
  );
}

function PasswordField({
  name,
  label,
  autoComplete,
  error,
  hint,
}: {
  name: string;
  label: string;
  autoComplete: string;
  error?: string;
  hint?: string;
}) {
  const id = `account-${name}`;
  const described = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type="password"
        required
        autoComplete={autoComplete}
        aria-invalid={Boolean(error)}
        aria-describedby={described}
        className={`${control} ${error ? "border-red-500" : "border-slate-300"}`}
      />
      {error ? (
        <p id={`${id}-error`} className="text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
