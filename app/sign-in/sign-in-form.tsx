"use client";
// The credentials form: the action answers a failure with its message and the email to refill.
import { useActionState } from "react";
import { signInAction, type SignInState } from "@/lib/actions/sign-in-action";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  return (
    <form action={action} className="flex flex-col gap-4" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      <div className="flex flex-col gap-1 text-sm font-medium">
        <label htmlFor="sign-in-email">Email</label>
        <Input
          id="sign-in-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          // autoFocus: the first field of a single-purpose sign-in page; focusing it is what the user came for.
          autoFocus
          defaultValue={state.values?.email}
          className="h-10 font-normal"
        />
      </div>
      <div className="flex flex-col gap-1 text-sm font-medium">
        <label htmlFor="sign-in-password">Password</label>
        <Input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="h-10 font-normal"
        />
      </div>
      {state.ok === false ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={pending} className="h-10">
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
