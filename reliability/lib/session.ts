// Console sessions for the access checks: users made with db/queries/users.ts on the server's PostgreSQL, signed
// in through the real Auth.js credentials flow (csrf token, callback, session cookie) like a browser.
import { encode } from "next-auth/jwt";
import { openDb } from "../../db";
import type { Role } from "../../db/schema";
import { createUser, findUserByEmail } from "@/db/queries/users";

export async function ensureUser(pgUrl: string, email: string, password: string, role: Role): Promise<string> {
  const handle = await openDb({ url: pgUrl });
  try {
    const user =
      (await createUser(handle.db, { email, password, role, name: `Reliability ${role}` })) ??
      (await findUserByEmail(handle.db, email));
    if (!user) throw new Error(`could not create ${email}`);
    return user.id;
  } finally {
    await handle.close();
  }
}

function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

/** Signs in through /api/auth/callback/credentials; answers the Cookie header of the session, or throws. */
export async function signIn(baseUrl: string, email: string, password: string, forwardedFor: string): Promise<string> {
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`, { headers: { "x-forwarded-for": forwardedFor } });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = cookiesOf(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: jar.join("; "),
      "x-forwarded-for": forwardedFor,
      origin: baseUrl,
    },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: `${baseUrl}/` }),
  });
  const session = cookiesOf(res).find((c) => /^(__Secure-)?authjs\.session-token=./.test(c));
  if (!session)
    throw new Error(
      `sign-in of ${email} answered ${res.status} ${res.headers.get("location") ?? ""} without a session cookie`,
    );
  return session;
}

/** A session cookie made directly (as lib/access.test.ts does): with the wrong secret it is a forgery. */
export async function mintedSession(uid: string, secret: string): Promise<string> {
  const token = await encode({ token: { sub: uid, uid }, secret, salt: "authjs.session-token" });
  return `authjs.session-token=${token}`;
}
