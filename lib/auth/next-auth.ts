// next-auth v5: credentials sign-in for console users, JWT sessions carrying the user id and role.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import type { Role } from "@/db/schema";
import { findUserByEmail, markSignedIn } from "@/db/queries/users";
import { env, type Env } from "../env";
import { verifyPassword } from "./passwords";
import {
  checkSignIn,
  clearSignInFailures,
  recordFailedSignIn,
  SignInBusyError,
  withPasswordCheckSlot,
} from "./sign-in-limiter";
import { ensureOwner } from "./bootstrap-owner";
import { clientAddress } from "./client-address";
import { log } from "../log";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  code = "rate_limited";
}
class Busy extends CredentialsSignin {
  code = "busy";
}

/** bcrypt reads only the first 72 bytes of a password: a longer one is refused before any hashing. */
export const MAX_PASSWORD_BYTES = 72;

export const credentialsSchema = z.object({
  email: z.email().max(320),
  password: z
    .string()
    .min(1)
    .refine((p) => Buffer.byteLength(p, "utf8") <= MAX_PASSWORD_BYTES),
});

/**
 * Whether session cookies are Secure (and `__Secure-` prefixed): decided by the configuration, never by a
 * request header. On when the console is served over https (APP_URL) or in production without DEMO_MODE; off
 * for the demo and tests on http://127.0.0.1. apiActor reads the cookie under the same name.
 */
export function secureCookies(e: Pick<Env, "APP_URL" | "isProduction"> = env): boolean {
  return Boolean(e.APP_URL?.toLowerCase().startsWith("https:")) || e.isProduction;
}

let ownerReady: Promise<void> | undefined;
export function ensureOwnerOnce(): Promise<void> {
  ownerReady ??= getDb()
    .then((db) => ensureOwner(db, env.ADMIN_EMAIL, env.ADMIN_PASSWORD))
    .catch((err) => {
      ownerReady = undefined;
      throw err;
    });
  return ownerReady;
}

export const SESSION_MAX_AGE = 8 * 60 * 60;

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: env.AUTH_SECRET,
  trustHost: true,
  useSecureCookies: secureCookies(),
  logger: {
    // A wrong password is logged once above (auth.sign_in_failed), not as a stack trace.
    error: (error) => {
      if ((error as { type?: string }).type !== "CredentialsSignin") log.error("auth.error", { error: error.message });
    },
    warn: (code) => log.warn("auth.warn", { code }),
    debug: () => {},
  },
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(input, request) {
        const parsed = credentialsSchema.safeParse(input);
        if (!parsed.success) throw new InvalidCredentials();
        const email = parsed.data.email.toLowerCase();
        const ip = clientAddress(request.headers);
        if (!(await checkSignIn(email, ip)).allowed) throw new TooManyAttempts();
        await ensureOwnerOnce();
        const db = await getDb();
        const user = await findUserByEmail(db, email);
        const matches = await withPasswordCheckSlot(() =>
          verifyPassword(parsed.data.password, user?.passwordHash),
        ).catch((err) => {
          if (err instanceof SignInBusyError) throw new Busy();
          throw err;
        });
        if (!matches) {
          const limit = await recordFailedSignIn(email, ip);
          log.warn("auth.sign_in_failed", { ip, limited: !limit.allowed });
          throw limit.allowed ? new InvalidCredentials() : new TooManyAttempts();
        }
        await clearSignInFailures(email, ip);
        await markSignedIn(db, user!.id);
        log.info("auth.sign_in", { userId: user!.id });
        return { id: user!.id, email: user!.email, name: user!.name, role: user!.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.uid as string;
        (session.user as { role?: Role }).role = token.role as Role;
      }
      return session;
    },
  },
}));
