"use server";
// Credentials sign-in from the sign-in form; failures come back as a message for the form.
import { AuthError, CredentialsSignin } from "next-auth";
import { z } from "zod";
import { signIn } from "@/lib/auth/next-auth";

export type SignInState = { error?: string; email?: string };

const input = z.object({
  email: z.string().trim().min(1, "Enter your email address.").email("Enter a valid email address."),
  password: z.string().min(1, "Enter your password."),
  callbackUrl: z.string().optional(),
});

/** Only same-site paths: an open redirect would let a link send a signed-in founder elsewhere. */
function safeCallback(url: string | undefined): string {
  return url && url.startsWith("/") && !url.startsWith("//") && !url.startsWith("/sign-in") ? url : "/";
}

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const parsed = input.safeParse(Object.fromEntries(form));
  const email = String(form.get("email") ?? "");
  if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Check the form.", email };
  try {
    await signIn("credentials", {
      email: parsed.data.email,
      password: parsed.data.password,
      redirectTo: safeCallback(parsed.data.callbackUrl),
    });
  } catch (err) {
    if (err instanceof CredentialsSignin) {
      return err.code === "rate_limited"
        ? { error: "Too many failed attempts. Wait 15 minutes and try again.", email }
        : { error: "Wrong email or password.", email };
    }
    if (err instanceof AuthError) return { error: "Sign-in failed. Try again.", email };
    throw err; // the redirect after a successful sign-in
  }
  return {};
}
