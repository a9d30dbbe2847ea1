// What the admin API's route tests share: the admin token's header, users of each role signed in with the
// session cookie next-auth would set (a real user_sessions row, so revocation applies), and a route's JSON
// answer. The database comes from the test itself (createTestDb, or startHarness when sandboxes are needed).
import { encode } from "next-auth/jwt";
import type { Db } from "@/db";
import { createUserSession } from "@/db/queries/user-sessions";
import { createUser } from "@/db/queries/users";
import type { Role } from "@/db/schema";
import { env } from "@/lib/env";

/** The origin the route tests build their requests on. */
export const ADMIN_ORIGIN = "http://127.0.0.1:3000";

/** The header of the admin API token (read when called, after any change to the environment). */
export const adminToken = (): Record<string, string> => ({ authorization: `Bearer ${env.ADMIN_API_TOKEN}` });

/** Creates one user per role, `<role>@example.com`; answers their ids by role. */
export async function createRoleUsers<R extends Role>(db: Db, roles: readonly R[]): Promise<Record<R, string>> {
  const ids = {} as Record<R, string>;
  for (const role of roles) {
    const user = await createUser(db, { email: `${role}@example.com`, password: "correct horse battery", role });
    if (!user) throw new Error(`could not create the ${role} user`);
    ids[role] = user.id;
  }
  return ids;
}

/** A new session of the user, as the cookie header's value (`authjs.session-token=<jwt>`). */
export async function sessionCookie(db: Db, userId: string): Promise<string> {
  const { id: sid } = await createUserSession(db, { userId });
  const jwt = await encode({
    token: { sub: userId, uid: userId, sid },
    secret: env.AUTH_SECRET,
    salt: "authjs.session-token",
  });
  return `authjs.session-token=${jwt}`;
}

/** The headers of a request made by the signed-in user. */
export async function sessionHeaders(db: Db, userId: string): Promise<Record<string, string>> {
  return { cookie: await sessionCookie(db, userId) };
}

export type JsonAnswer<B = Record<string, unknown>> = { status: number; headers: Headers; body: B };

/** A route's answer with its JSON body (throws when the body is not JSON: every admin route answers JSON). */
export async function jsonAnswer<B = Record<string, unknown>>(res: Response): Promise<JsonAnswer<B>> {
  return { status: res.status, headers: res.headers, body: JSON.parse(await res.text()) as B };
}
