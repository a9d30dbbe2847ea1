"use server";
// Credentials sign-in from the sign-in form (public: no role); failures come back as a message for the form.
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/next-auth";
import { fail, formState, type FormState } from "@/lib/result";
import { firstIssueMessage } from "@/lib/schemas/issues";
import { defineAction } from "./safe-action";

/** The typed email comes back after a failure, to refill the form. */
export type SignInState = FormState<object, { email: string }>;

const input = z.object({
  email: z.string().trim().min(1, "Enter your email address.").email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password."),
  callbackUrl: z.string().optional(),
});

/** Only same-site paths: an open redirect would let a link send a signed-in founder elsewhere. */
function safeCallback(url: string | undefined): string {
  return url?.startsWith("/") && !url.startsWith("//") && !url.startsWith("/sign-in") ? url : "/";
}

const signInWithPassword = defineAction(
  { input, invalid: (error) => firstIssueMessage(error, "Check the form.") },
  async ({ input }) => {
    try {
      await signIn("credentials", {
        email: input.email,
        password: input.password,
        redirectTo: safeCallback(input.callbackUrl),
      });
    } catch (err) {
      if (err instanceof CredentialsSignin) {
        if (err.code === "rate_limited") return fail(429, "Too many failed attempts. Wait 15 minutes and try again.");
        if (err.code === "busy") return fail(429, "Too many sign-ins at once. Try again in a few seconds.");
        return fail(401, "Wrong email or password.");
      }
      if (err instanceof AuthError) return fail(500, "Sign-in failed. Try again.");
      throw err; // the redirect after a successful sign-in
    }
    return { ok: true };
  },
);

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  return formState(await signInWithPassword(Object.fromEntries(form)), { email: String(form.get("email") ?? "") });
}
