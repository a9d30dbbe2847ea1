// The server-action wrapper: refusals before the input is read, 400s naming the field, per-field errors
// for forms, revalidation after the work.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { Actor } from "@/lib/auth/roles";
import { fail } from "@/lib/result";

const gate = vi.hoisted(() => ({ actor: null as Actor | null }));
const revalidated = vi.hoisted(() => [] as string[]);

vi.mock("next/cache", () => ({ revalidatePath: (path: string) => void revalidated.push(path) }));
vi.mock("@/lib/auth/access", async () => {
  const { checkRole, AccessError } = await vi.importActual<typeof import("@/lib/auth/access")>("@/lib/auth/access");
  return {
    AccessError,
    requireActionActor: async (minRole: "owner" | "admin" | "viewer", opts?: { allowTemporaryPassword?: boolean }) =>
      checkRole(gate.actor, minRole, opts),
  };
});

const { defineAction } = await import("./safe-action");

const admin: Actor = { id: "u1", email: "a@example.com", role: "admin", via: "session" };
const viewer: Actor = { ...admin, role: "viewer" };
const schema = z.object({ email: z.email("Enter a valid email address."), count: z.number().int() });

beforeEach(() => {
  gate.actor = null;
  revalidated.length = 0;
});

describe("defineAction", () => {
  const run = vi.fn(async ({ actor, input }: { actor: Actor; input: z.output<typeof schema> }) => ({
    ok: true as const,
    by: actor.email,
    count: input.count,
  }));
  const action = defineAction({ role: "admin", input: schema, revalidate: (i) => [`/things/${i.count}`] }, run);

  it("refuses without a session (401) and below the role (403), before reading the input", async () => {
    expect(await action("not even an object")).toEqual({ ok: false, status: 401, error: "Sign in required." });
    gate.actor = viewer;
    expect(await action("not even an object")).toEqual({
      ok: false,
      status: 403,
      error: "This needs the admin role; you are viewer.",
    });
    expect(run).not.toHaveBeenCalled();
  });

  it("answers 400 naming each bad field", async () => {
    gate.actor = admin;
    expect(await action({ email: "nope", count: 1.5 })).toEqual({
      ok: false,
      status: 400,
      error:
        "Invalid input (email: Enter a valid email address.; count: Invalid input: expected int, received number).",
    });
    expect(revalidated).toEqual([]);
  });

  it("runs with the actor and the parsed input, then revalidates", async () => {
    gate.actor = admin;
    expect(await action({ email: "x@example.com", count: 2 })).toEqual({ ok: true, by: "a@example.com", count: 2 });
    expect(revalidated).toEqual(["/things/2"]);
  });

  it("gives a form one message per field, for bad input and for an operation's field", async () => {
    gate.actor = admin;
    const form = defineAction({ role: "admin", input: schema, fields: ["email"] }, async () =>
      fail(409, "Taken.", "email"),
    );
    expect(await form({ email: "nope", count: 1 })).toEqual({
      ok: false,
      status: 400,
      error: "Check the highlighted fields.",
      fieldErrors: { email: "Enter a valid email address." },
    });
    expect(await form({ email: "x@example.com", count: 1 })).toEqual({
      ok: false,
      status: 409,
      error: "Taken.",
      field: "email",
      fieldErrors: { email: "Taken." },
    });
  });

  it("runs a public action (no role) without a session", async () => {
    const open = defineAction({ input: z.object({ q: z.string() }) }, async ({ actor, input }) => ({
      ok: true as const,
      actor,
      q: input.q,
    }));
    expect(await open({ q: "hi" })).toEqual({ ok: true, actor: null, q: "hi" });
  });

  it("refuses a user with a temporary password (403) unless the action allows it (the password change)", async () => {
    gate.actor = { ...admin, mustChangePassword: true };
    expect(await action({ email: "x@example.com", count: 2 })).toEqual({
      ok: false,
      status: 403,
      error: "Change your temporary password first (on the Account page).",
    });
    const change = defineAction({ role: "viewer", allowTemporaryPassword: true, input: z.object({}) }, async () => ({
      ok: true as const,
    }));
    expect(await change({})).toEqual({ ok: true });
  });
});
