// next-auth v5: credentials sign-in for console users, JWT sessions carrying the user id and role.
import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { getDb } from "@/db";
import type { Role } from "@/db/schema";
import { findUserByEmail, markSignedIn } from "@/db/queries/users";
import { createUserSession, endSession } from "@/db/queries/user-sessions";
import { audit } from "@/db/queries/audit";
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
import type { Actor } from "./roles";

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
    .then(async (db) => {
      await ensureOwner(db, env.ADMIN_EMAIL, env.ADMIN_PASSWORD);
    })
    .catch((err) => {
      ownerReady = undefined;
      throw err;
    });
  return ownerReady;
}

export const SESSION_MAX_AGE = 8 * 60 * 60;

/** Who tried, in the audit log of a failed sign-in: the typed email, no user id. */
export function failedSignInActor(email: string): Actor {
  return { id: null, email, role: "viewer", via: "session" };
}

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
        if (!matches || !user) {
          const limit = await recordFailedSignIn(email, ip);
          log.warn("auth.sign_in_failed", { ip, limited: !limit.allowed });
          // The typed email (never the password), whether or not such a user exists.
          await audit(db, failedSignInActor(email), "auth.sign_in_failed", null, {
            email,
            address: ip,
            limited: !limit.allowed,
          });
          throw limit.allowed ? new InvalidCredentials() : new TooManyAttempts();
        }
        await clearSignInFailures(email, ip);
        await markSignedIn(db, user.id);
        const session = await createUserSession(db, {
          userId: user.id,
          userAgent: request.headers.get("user-agent"),
          clientAddress: ip,
        });
        await audit(
          db,
          { id: user.id, email: user.email, role: user.role, via: "session", sessionId: session.id },
          "auth.sign_in",
          { type: "user", id: user.id },
          { address: ip, session: session.id },
        );
        log.info("auth.sign_in", { userId: user.id });
        return { id: user.id, email: user.email, name: user.name, role: user.role, sid: session.id };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.role = (user as { role?: Role }).role;
        token.sid = (user as { sid?: string }).sid;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.uid as string;
        (session.user as { role?: Role }).role = token.role as Role;
        (session.user as { sid?: string }).sid = token.sid as string | undefined;
      }
      return session;
    },
  },
  events: {
    // Any sign-out through Auth.js (the console's sign-out action, or POST /api/auth/signout) ends the session
    // row too, so a copy of the cookie stops working. signOutAction ends and audits it first; this is the net.
    async signOut(message) {
      const sid = "token" in message ? message.token?.sid : undefined;
      if (typeof sid === "string") await endSession(await getDb(), sid, "signed out");
    },
  },
}));
