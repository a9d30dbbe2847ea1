// Password hashing with bcrypt (bcryptjs: pure JS, no native build, well kept).
import bcrypt from "bcryptjs";

const COST = 11;
// Compared against when the email is unknown, so a miss costs as long as a hit.
let dummyHash: string | undefined;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  dummyHash ??= bcrypt.hashSync("not-a-password", COST);
  const ok = await bcrypt.compare(password, hash ?? dummyHash);
  return Boolean(hash) && ok;
}
