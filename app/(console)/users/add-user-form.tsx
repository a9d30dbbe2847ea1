"use client";
// "Add a user": email, a temporary password (typed or generated) and a role; errors sit next to their field.
import { useActionState, useEffect, useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { addUserAction, type AddUserState } from "@/lib/actions/add-user-action";
import { ROLE_HELP, roleLabel } from "./role-help";

const control =
  "h-9 w-full rounded-md border bg-white px-2.5 text-sm text-slate-900 shadow-xs focus-visible:border-indigo-500";
const MIN = 12;

function generatePassword(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint32Array(18));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

export function AddUserForm() {
  const [state, action, pending] = useActionState<AddUserState, FormData>(addUserAction, {});
  const [password, setPassword] = useState("");
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (!state.at) return;
    if (state.ok) {
      toast.success(state.message);
      setPassword("");
      setShown(false);
    } else if (!state.fieldErrors) toast.error(state.error);
  }, [state]);
  const err = state.ok === false ? (state.fieldErrors ?? {}) : {};
  const describe = (field: keyof typeof err, hint?: string) => (err[field] ? `add-${field}-error` : hint);

  return (
    <form
      action={action}
      noValidate
      aria-labelledby="add-user-title"
      className="rounded-lg border border-slate-200 bg-white p-5"
    >
      <h2 id="add-user-title" className="text-base font-semibold">
        Add a user
      </h2>
      <p className="mt-0.5 text-sm text-slate-600">
        Share the temporary password with them in person or through a password manager.
      </p>
      <div className="mt-4 grid items-start gap-4 md:grid-cols-[minmax(0,1.2fr)_minmax(0,1.2fr)_minmax(0,0.8fr)_auto]">
        <Field id="add-email" label="Email" error={err.email}>
          <input
            id="add-email"
            name="email"
            type="email"
            autoComplete="off"
            defaultValue={state.ok === false ? state.values?.email : ""}
            aria-invalid={Boolean(err.email)}
            aria-describedby={describe("email")}
            className={`${control} ${err.email ? "border-red-500" : "border-slate-300"}`}
          />
        </Field>
        <Field id="add-password" label="Temporary password" error={err.password} hint={`At least ${MIN} characters.`}>
          <div className="flex gap-1.5">
            <input
              id="add-password"
              name="password"
              type={shown ? "text" : "password"}
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={Boolean(err.password)}
              aria-describedby={describe("password", "add-password-hint")}
              className={`${control} ${err.password ? "border-red-500" : "border-slate-300"}`}
            />
            <Button
              onClick={() => setShown((s) => !s)}
              aria-pressed={shown}
              aria-label={shown ? "Hide password" : "Show password"}
            >
              {shown ? "Hide" : "Show"}
            </Button>
            <Button
              onClick={() => {
                setPassword(generatePassword());
                setShown(true);
              }}
            >
              Generate
            </Button>
          </div>
        </Field>
        <Field id="add-role" label="Role" error={err.role} hint="Viewers only read.">
          <select
            id="add-role"
            name="role"
            key={state.at}
            defaultValue={state.ok === false ? (state.values?.role ?? "viewer") : "viewer"}
            aria-invalid={Boolean(err.role)}
            aria-describedby={describe("role", "add-role-hint")}
            className={`${control} ${err.role ? "border-red-500" : "border-slate-300"}`}
          >
            {(Object.keys(ROLE_HELP) as (keyof typeof ROLE_HELP)[]).map((role) => (
              <option key={role} value={role}>
                {roleLabel(role)}
              </option>
            ))}
          </select>
        </Field>
        <div className="flex flex-col gap-1">
          <span aria-hidden className="text-xs">
            &nbsp;
          </span>
          <Button type="submit" variant="primary" disabled={pending} aria-busy={pending}>
            {pending ? "Adding…" : "Add user"}
          </Button>
        </div>
      </div>
    </form>
  );
}

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-xs font-medium text-slate-700">
        {label}
      </label>
      {children}
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
