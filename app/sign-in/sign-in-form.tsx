"use client";
// The credentials form: the action answers a failure with its message and the email to refill.
import { useActionState } from "react";
import { signInAction, type SignInState } from "@/lib/actions/sign-in-action";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <label className="flex flex-col gap-1 text-sm font-medium">
        Email
        <input
          name="email"
          type="email"
          autoComplete="username"
          required
          // biome-ignore lint/a11y/noAutofocus: the first field of a single-purpose sign-in page; focusing it is what the user came for.
          autoFocus
          defaultValue={state.values?.email}
          className="rounded-md border border-slate-300 px-3 py-2 font-normal focus:border-indigo-600"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium">
        Password
        <input
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded-md border border-slate-300 px-3 py-2 font-normal focus:border-indigo-600"
        />
      </label>
      {state.ok === false ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-slate-900 px-4 py-2 text-sm font-medium text-white hover:bg-slate-700 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
